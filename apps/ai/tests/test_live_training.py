"""Training end to end: real HTTP against uvicorn, a real Celery worker, committed history in the
`livetest` tenant; then 50 leads converted through the leads service make the tenant retrain by
itself (their events, published by the worker, count the outcomes)."""

import contextlib
import time
import uuid

import pytest

from apps.ai.tests.factories import pipeline_with_lost_stage, seed_deal_history, seed_lead_history
from tests.fixtures import LIVE_TENANT, commit_in_tenant
from tests.test_live_server import login

pytestmark = pytest.mark.django_db(transaction=False)


def _admin():
    from apps.users.models import User

    return User.objects.get(email=f"admin@{LIVE_TENANT}.test")


def _seed(tag: str) -> dict:
    from apps.leads.models import Lead
    from apps.leads.services import lead_create

    admin = _admin()
    pipeline = pipeline_with_lost_stage(name=f"AI live {tag}")
    seed_lead_history(owner=admin, tag=tag)
    seed_deal_history(owner=admin, pipeline=pipeline)
    Lead.objects.bulk_create(
        Lead(first_name="Open", last_name=f"{tag}-open{i}", email=f"open{i}@{tag}.test", owner=admin) for i in range(50)
    )
    keen = lead_create(
        actor=admin, data={"first_name": "Keen", "last_name": tag, "email": f"keen@{tag}.test"}, can_reassign=True
    )
    return {"pipeline": pipeline.pk, "keen": keen.pk}


def _convert_open_leads(tag: str) -> int:
    from apps.leads.conversion import lead_convert
    from apps.leads.models import Lead

    admin = _admin()
    leads = list(Lead.objects.filter(last_name__startswith=f"{tag}-open"))
    for lead in leads:
        lead_convert(lead=lead, actor=admin, create_contact=False)
    return len(leads)


def _clean(tag: str, pipeline_id: str) -> None:
    from apps.ai.models import TrainedModel, TrainingJob
    from apps.deals.models import Deal
    from apps.leads.models import Lead
    from apps.pipelines.models import Pipeline

    Lead.all_objects.filter(email__endswith=f"{tag}.test").delete()
    Lead.all_objects.filter(last_name__startswith=tag).delete()
    Deal.all_objects.filter(pipeline_id=pipeline_id).delete()
    Pipeline.objects.filter(pk=pipeline_id).delete()
    TrainedModel.objects.all().delete()
    TrainingJob.objects.all().delete()


def _wait_for(client, predicate, what: str, timeout: float = 120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate(client)
        if found:
            return found
        time.sleep(0.3)
    raise AssertionError(f"no {what} within {timeout}s")


def _finished_job(job_id: str):
    def check(client):
        job = client.get(f"/v1/ai/models/jobs/{job_id}").json()["data"]
        return job if job["status"] in ("completed", "failed") else None

    return check


def _outcome_job(client):
    jobs = client.get("/v1/ai/models/jobs").json()["data"]
    return next((j for j in jobs if j["trigger"] == "outcomes" and j["status"] in ("completed", "failed")), None)


def test_training_runs_in_the_worker_and_retrains_by_itself_after_50_outcomes(live_server_url, celery_worker):
    tag = f"ai{uuid.uuid4().hex[:8]}"
    seeded = commit_in_tenant(LIVE_TENANT, lambda: _seed(tag))
    try:
        with contextlib.closing(login(live_server_url)) as client:
            response = client.post("/v1/ai/models/train")
            assert response.status_code == 202, response.text
            job = _wait_for(client, _finished_job(response.json()["data"]["job_id"]), "finished training")
            assert job["status"] == "completed", job
            assert job["results"]["lead_scoring"]["type"] == "trained", job["results"]
            assert job["results"]["deal_probability"]["type"] == "trained", job["results"]

            body = {"lead_id": seeded["keen"], "scoring_factors": {"behavioral": {"demo_requested": True}}}
            scored = client.post("/v1/ai/lead-scoring/score", json=body)
            assert scored.status_code == 200, scored.text
            assert scored.json()["data"]["model"] == {
                "type": "trained",
                "version": job["results"]["lead_scoring"]["version"],
                "trained_at": scored.json()["data"]["model"]["trained_at"],
            }

            assert commit_in_tenant(LIVE_TENANT, lambda: _convert_open_leads(tag)) == 50
            retrained = _wait_for(client, _outcome_job, "training after 50 outcomes")
            assert retrained["status"] == "completed", retrained
            current = client.get("/v1/ai/models?kind=lead_scoring&current=true").json()["data"]
            assert [model["job_id"] for model in current] == [retrained["job_id"]]
    finally:
        commit_in_tenant(LIVE_TENANT, lambda: _clean(tag, seeded["pipeline"]))

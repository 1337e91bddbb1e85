"""The AI endpoints of the design (§ AI Module Integration) under the contract's §8: the design's
bodies verbatim, the rules on a fresh tenant, trained models learning the tenant's own signal."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.models import Account
from apps.activities.models import Communication
from apps.ai.choices import JobStatus, JobTrigger
from apps.ai.models import LeadSignals, TrainedModel, TrainingJob
from apps.ai.services import training_request, training_run
from apps.ai.tests.factories import (
    DESIGN_DEAL_PROBABILITY_BODY,
    DESIGN_ENRICH_BODY,
    DESIGN_LEAD_SCORE_BODY,
    pipeline_with_lost_stage,
    seed_deal_history,
    seed_lead_history,
)
from apps.contacts.models import Contact
from apps.deals.models import Deal
from apps.deals.services import deal_create
from apps.leads.models import Lead, LeadScoreHistory
from apps.leads.services import lead_create
from apps.pipelines.models import Pipeline
from tests.fixtures import OTHER_TENANT, TENANT, in_tenant

pytestmark = pytest.mark.django_db


def _lead(owner, **fields) -> Lead:
    data = {"first_name": "Jane", "last_name": "Smith", "email": "jane@prospect.test", **fields}
    lead_id = data.pop("id", None)
    lead = lead_create(actor=owner, data=data, can_reassign=True)
    if lead_id:  # the design's ids (lead_456)
        Lead.objects.filter(pk=lead.pk).update(id=lead_id)
        lead = Lead.objects.get(pk=lead_id)
    return lead


def _train_now(actor=None) -> TrainingJob:
    """What the worker does with a queued job, run here in the test's transaction."""
    job, _ = training_request(trigger=JobTrigger.MANUAL, actor=actor)
    training_run(job_id=job.pk)
    job.refresh_from_db()
    return job


def _score(api, body) -> dict:
    response = api.post("/v1/ai/lead-scoring/score", body, format="json")
    assert response.status_code == 200, response.content
    return response.json()["data"]


# -- the rules, on a tenant without history ----------------------------------------------------


def test_lead_scoring_answers_the_designs_shape_by_the_rules_on_a_fresh_tenant(admin_api, admin):
    _lead(admin, id="lead_456", company="Prospect Inc")
    data = _score(admin_api, DESIGN_LEAD_SCORE_BODY)

    assert data["lead_id"] == "lead_456"
    assert data["model"] == {"type": "rules", "version": "rules-1", "trained_at": None}
    assert 0 <= data["score"] <= 100 and 0 < data["confidence"] <= 1
    breakdown = data["scoring_breakdown"]
    assert set(breakdown) == {"demographic_score", "behavioral_score", "engagement_score"}
    assert sum(breakdown.values()) == data["score"]
    factors = {item["factor"]: item for item in data["key_factors"]}
    assert factors["demo_requested"] == {"factor": "demo_requested", "impact": "high", "points": 15, "value": True}
    assert factors["company_size"]["points"] == 10 and factors["company_size"]["impact"] == "medium"
    assert "Schedule demo within 24 hours" in data["recommendations"]
    assert "Send technical documentation" in data["recommendations"]
    assert data["next_best_action"]["action"] == "schedule_demo"
    assert data["next_best_action"]["priority"] == "high"
    assert data["next_best_action"]["suggested_time"].endswith("T14:00:00Z")


def test_ai_score_is_stored_on_the_lead_with_its_history_and_the_factors_kept(admin_api, admin):
    lead = _lead(admin, id="lead_456")
    data = _score(admin_api, DESIGN_LEAD_SCORE_BODY)

    lead.refresh_from_db()
    assert lead.score == data["score"]
    entry = LeadScoreHistory.objects.filter(lead=lead).latest("created_at")
    assert entry.score == data["score"] and "source:ai" in entry.scoring_factors
    assert "model:rules-1" in entry.scoring_factors
    assert LeadSignals.objects.get(lead=lead).factors["demo_requested"] is True
    history = admin_api.get(f"/v1/leads/{lead.pk}/score").json()["data"]["scoringHistory"]
    assert history[0]["score"] == data["score"]


def test_deal_probability_answers_the_designs_shape_by_the_rules_on_a_fresh_tenant(admin_api, admin):
    pipeline = Pipeline.objects.get(is_default=True)
    Deal.objects.create(  # the design's id
        id="deal_789",
        title="Enterprise",
        value=75000,
        pipeline=pipeline,
        stage=pipeline.stages.get(slug="proposal"),
        stage_entered_at=timezone.now() - timedelta(days=14),
        owner=admin,
    )

    response = admin_api.post("/v1/ai/analytics/deal-probability", DESIGN_DEAL_PROBABILITY_BODY, format="json")
    assert response.status_code == 200, response.content
    data = response.json()["data"]

    assert data["deal_id"] == "deal_789"
    assert data["model"]["type"] == "rules"
    low, high = data["confidence_interval"]
    assert 0 <= low <= data["win_probability"] <= high <= 1
    risks = {item["factor"]: item for item in data["risk_factors"]}
    assert "Salesforce, HubSpot" in risks["competition"]["evidence"]
    assert risks["competition"]["mitigation"]
    indicators = {item["factor"]: item for item in data["success_indicators"]}
    assert "high_engagement" in indicators and indicators["high_engagement"]["strength"] in (
        "strong",
        "moderate",
        "weak",
    )
    assert "high_win_rate_on_similar_deals" in indicators  # the body's 12 won, 3 lost
    assert data["historical_context"] == {"similar_deals_won": 12, "similar_deals_lost": 3, "average_sales_cycle": 45}
    forecast = data["forecasting"]
    assert forecast["revenue_impact"] == round(75000 * data["win_probability"], 2)
    assert 0 < forecast["confidence"] <= 1
    assert forecast["expected_close_date"] >= timezone.now().date().isoformat()


def test_contact_enrichment_uses_the_tenants_records_and_reports_external_sources_unavailable(admin_api, admin):
    account = Account.objects.create(name="Enterprise Corp", website="https://enterprise-corp.com", industry="Tech")
    contact = Contact.objects.create(
        id="contact_456", first_name="John", last_name="Doe", email="john.doe@enterprise-corp.com", owner=admin
    )
    Lead.objects.create(first_name="John", last_name="Doe", email="john.doe@enterprise-corp.com", job_title="CTO")
    now = timezone.now()
    for hours, kind in ((1, "email"), (30, "email"), (50, "call")):
        Communication.objects.create(
            type=kind,
            direction="inbound",
            content="Hello",
            timestamp=now - timedelta(hours=hours),
            related_type="contact",
            related_id=contact.pk,
        )

    response = admin_api.post("/v1/ai/data-enrichment/contact", DESIGN_ENRICH_BODY, format="json")
    assert response.status_code == 200, response.content
    data = response.json()["data"]

    fields = data["enriched_fields"]
    assert fields["job_title"] == {"value": "CTO", "source": "crm_records", "confidence": 0.8}
    assert fields["company_info"]["value"]["account_id"] == account.pk  # matched by the email's domain
    assert fields["company_info"]["source"] == "company_database"
    assert fields["contact_preferences"]["value"]["preferred_channel"] == "email"
    assert fields["contact_preferences"]["value"]["communications_logged"] == 3
    assert fields["social_profiles"] is None and fields["technology_stack"] is None
    unavailable = {item["field"] for item in data["unavailable_fields"]}
    assert unavailable == {"social_profiles", "technology_stack"}
    sources = {item["source"]: item["status"] for item in data["sources"]}
    assert sources == {
        "linkedin": "unavailable",
        "company_database": "used",
        "social_media": "unavailable",
        "public_records": "unavailable",
        "crm_records": "used",
        "activity_history": "used",
    }
    assert data["model"]["type"] == "rules"


def test_bad_bodies_and_unknown_records_answer_clear_errors(admin_api):
    response = admin_api.post("/v1/ai/lead-scoring/score", {"lead_id": "lead_nope"}, format="json")
    assert response.status_code == 404
    response = admin_api.post(
        "/v1/ai/lead-scoring/score",
        {"lead_id": "lead_1", "scoring_factors": {"behavioral": {"email_opens": -1, "shoe_size": 9}}},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]
    response = admin_api.post("/v1/ai/analytics/deal-probability", {"deal_id": "contact_1"}, format="json")
    assert response.status_code == 404
    response = admin_api.post(
        "/v1/ai/data-enrichment/contact",
        {"contact_id": "contact_1", "enrichment_sources": ["crystal_ball"]},
        format="json",
    )
    assert response.status_code == 400


# -- training ----------------------------------------------------------------------------------


def test_training_with_too_little_history_keeps_the_rules_and_says_why(admin_api, admin):
    seed_lead_history(owner=admin, converted=5, lost=5)
    job = _train_now(admin)

    assert job.status == JobStatus.COMPLETED
    assert job.results["lead_scoring"]["type"] == "rules"
    assert job.results["lead_scoring"]["samples"] == {"positive": 5, "negative": 5}
    assert job.results["lead_scoring"]["minimum_per_class"] == 20
    status = admin_api.get("/v1/ai/models/status").json()["data"]
    assert status["models"]["lead_scoring"]["type"] == "rules"
    assert status["models"]["deal_probability"]["type"] == "rules"


def test_a_trained_lead_model_learns_the_tenants_own_signal(admin_api, admin):
    seed_lead_history(owner=admin)
    job = _train_now(admin)
    assert job.results["lead_scoring"]["type"] == "trained", job.results

    model = TrainedModel.objects.get(kind="lead_scoring", is_current=True)
    assert model.positive_samples == 30 and model.negative_samples == 30
    assert 0.5 < model.metrics["auc"] <= 1 and model.metrics["holdout_size"] == 15

    with_demo = _lead(admin, email="keen@prospect.test")
    without = _lead(admin, email="cold@prospect.test")
    keen = _score(admin_api, {"lead_id": with_demo.pk, "scoring_factors": {"behavioral": {"demo_requested": True}}})
    cold = _score(admin_api, {"lead_id": without.pk, "scoring_factors": {"behavioral": {"demo_requested": False}}})

    assert keen["model"]["type"] == cold["model"]["type"] == "trained"
    assert keen["model"]["version"] == "lead_scoring-1" and keen["model"]["trained_at"]
    assert keen["score"] > cold["score"] + 20
    top = keen["key_factors"][0]
    assert top["factor"] == "demo_requested" and top["points"] > 0 and top["value"] is True
    assert cold["key_factors"][0]["factor"] == "demo_requested" and cold["key_factors"][0]["points"] < 0
    assert sum(keen["scoring_breakdown"].values()) == keen["score"]
    assert keen["scoring_breakdown"]["behavioral_score"] > cold["scoring_breakdown"]["behavioral_score"]


def test_a_trained_deal_model_learns_the_tenants_own_signal(admin_api, admin):
    pipeline = pipeline_with_lost_stage()
    seed_deal_history(owner=admin, pipeline=pipeline)
    job = _train_now(admin)
    assert job.results["deal_probability"]["type"] == "trained", job.results

    deal = deal_create(title="Open", value=20000, pipeline=pipeline, stage="proposal", owner=admin, actor=admin)
    answers = {}
    for engagement in ("high", "low"):
        body = {"deal_id": deal.pk, "analysis_factors": {"deal_characteristics": {"contact_engagement": engagement}}}
        response = admin_api.post("/v1/ai/analytics/deal-probability", body, format="json")
        assert response.status_code == 200, response.content
        answers[engagement] = response.json()["data"]

    high, low = answers["high"], answers["low"]
    assert high["model"]["type"] == "trained" and high["model"]["version"] == "deal_probability-1"
    assert high["win_probability"] > low["win_probability"] + 0.3
    assert high["success_indicators"][0]["factor"] == "high_engagement"
    assert low["risk_factors"][0]["factor"] == "low_engagement"
    assert high["confidence_interval"][0] <= high["win_probability"] <= high["confidence_interval"][1]
    assert high["success_indicators"][0]["evidence"] == "contact engagement reported as high"
    assert high["forecasting"]["revenue_impact"] == round(20000 * high["win_probability"], 2)


def test_models_list_shows_versions_metrics_and_the_current_one(admin_api, admin):
    seed_lead_history(owner=admin)
    _train_now(admin)
    _train_now(admin)

    response = admin_api.get("/v1/ai/models?kind=lead_scoring")
    assert response.status_code == 200
    body = response.json()
    versions = [(item["version"], item["is_current"]) for item in body["data"]]
    assert versions == [("lead_scoring-2", True), ("lead_scoring-1", False)]
    assert body["meta"]["pagination"]["total"] == 2
    first = body["data"][0]
    assert first["samples"] == {"positive": 30, "negative": 30, "total": 60}
    assert set(first["metrics"]) >= {"auc", "accuracy", "holdout_size"}
    assert "demo_requested" in first["features"]
    assert admin_api.get(f"/v1/ai/models/{first['id']}").json()["data"]["version"] == "lead_scoring-2"


def test_train_answers_202_with_a_job_and_asking_again_answers_the_same_job(admin_api):
    first = admin_api.post("/v1/ai/models/train")
    assert first.status_code == 202, first.content
    job = first.json()["data"]
    assert job["job_id"].startswith("job_") and job["status"] == "queued" and job["trigger"] == "manual"

    again = admin_api.post("/v1/ai/models/train")
    assert again.status_code == 202 and again.json()["data"]["job_id"] == job["job_id"]
    polled = admin_api.get(job["status_url"])
    assert polled.status_code == 200 and polled.json()["data"]["status"] == "queued"
    assert admin_api.get("/v1/ai/models/jobs").json()["meta"]["pagination"]["total"] == 1
    assert admin_api.get("/v1/ai/models/status").json()["data"]["active_job"]["job_id"] == job["job_id"]


def test_another_tenants_model_is_never_used(admin_api, admin):
    in_tenant(OTHER_TENANT)
    from apps.users.models import User

    other_admin = User.objects.get(email=f"admin@{OTHER_TENANT}.test")
    seed_lead_history(owner=other_admin)
    assert _train_now(other_admin).results["lead_scoring"]["type"] == "trained"
    in_tenant(TENANT)

    assert not TrainedModel.objects.exists()
    _lead(admin, id="lead_456")
    assert _score(admin_api, DESIGN_LEAD_SCORE_BODY)["model"]["type"] == "rules"
    assert admin_api.get("/v1/ai/models").json()["data"] == []


# -- permissions -------------------------------------------------------------------------------


def test_a_sales_rep_scores_own_leads_only_and_cannot_train(api, make_user, admin):
    rep = make_user(roles=["sales_rep"])
    mine = _lead(rep, email="mine@prospect.test")
    theirs = _lead(admin, email="theirs@prospect.test")
    api.force_authenticate(rep)

    assert api.post("/v1/ai/lead-scoring/score", {"lead_id": mine.pk}, format="json").status_code == 200
    refused = api.post("/v1/ai/lead-scoring/score", {"lead_id": theirs.pk}, format="json")
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["details"]["required_permissions"] == ["leads:write"]
    train = api.post("/v1/ai/models/train")
    assert train.status_code == 403
    assert train.json()["errors"][0]["details"]["required_permissions"] == ["ai:manage"]
    assert api.get("/v1/ai/models").status_code == 403


def test_a_support_agent_cannot_score_leads_or_read_deal_probabilities(api, make_user, admin):
    agent = make_user(roles=["support_agent"])
    lead = _lead(admin)
    api.force_authenticate(agent)
    assert api.post("/v1/ai/lead-scoring/score", {"lead_id": lead.pk}, format="json").status_code == 403
    assert api.post("/v1/ai/analytics/deal-probability", {"deal_id": "deal_1"}, format="json").status_code == 403


def test_anonymous_callers_are_refused(api):
    assert api.post("/v1/ai/lead-scoring/score", DESIGN_LEAD_SCORE_BODY, format="json").status_code == 401
    assert api.post("/v1/ai/models/train").status_code == 401


def test_the_ai_endpoints_are_documented_in_openapi(admin_api):
    response = admin_api.get("/v1/schema?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]  # the OpenAPI document itself, not enveloped
    for path in (
        "/v1/ai/lead-scoring/score",
        "/v1/ai/analytics/deal-probability",
        "/v1/ai/data-enrichment/contact",
        "/v1/ai/models/train",
        "/v1/ai/models/jobs/{id}",
    ):
        assert path in paths, path
    body = paths["/v1/ai/lead-scoring/score"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["$ref"].endswith("/LeadScoreRequest")
    assert "202" in paths["/v1/ai/models/train"]["post"]["responses"]


def test_a_model_that_cannot_be_loaded_answers_by_the_rules_not_an_error(admin_api, admin):
    seed_lead_history(owner=admin)
    _train_now(admin)
    TrainedModel.objects.filter(kind="lead_scoring").update(blob=b"not a model")
    _lead(admin, id="lead_456")
    assert _score(admin_api, DESIGN_LEAD_SCORE_BODY)["model"]["type"] == "rules"

"""The design's stage automation over real HTTP against uvicorn: a high-value deal entering the
stage goes to the senior rep, with a review task due in 24 hours."""

import contextlib
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.test_live_server import login

pytestmark = pytest.mark.django_db(transaction=False)


def test_design_stage_automation_end_to_end_over_http(live_server_url):
    suffix = uuid.uuid4().hex[:8]
    with contextlib.closing(login(live_server_url)) as client:
        senior = client.post(
            "/v1/users",
            json={
                "email": f"senior.{suffix}@livetest.test",
                "password": "Senior-Pass-2025!",
                "firstName": "Sam",
                "lastName": "Senior",
                "roles": ["sales_rep"],
            },
        ).json()["data"]
        stages = [
            {"name": "Lead", "order": 1, "probability": 10},
            {"name": "Qualification", "order": 2, "probability": 25},
            {"name": "Proposal", "order": 3, "probability": 50},
            {"name": "Negotiation", "order": 4, "probability": 75},
            {"name": "Closed Won", "order": 5, "probability": 100},
        ]
        created = client.post(
            "/v1/pipelines",
            json={"name": f"Sales Pipeline {suffix}", "description": "Standard sales process", "stages": stages},
        )
        assert created.status_code == 201, created.text
        pipeline = created.json()["data"]
        proposal = next(stage for stage in pipeline["stages"] if stage["slug"] == "proposal")
        rules = {
            "rules": [
                {
                    "trigger": "deal_entered_stage",
                    "conditions": [{"field": "value", "operator": "greater_than", "value": 10000}],
                    "actions": [
                        {"type": "assign_user", "userId": senior["id"]},
                        {"type": "create_task", "title": "High-value deal review", "dueInHours": 24},
                    ],
                }
            ]
        }
        automation_url = f"/v1/pipelines/{pipeline['id']}/stages/{proposal['id']}/automation"
        assert client.post(automation_url, json=rules).status_code == 201
        deal = client.post(
            "/v1/deals",
            json={
                "title": "Enterprise Software License",
                "value": 50000.00,
                "currency": "USD",
                "pipelineId": pipeline["id"],
            },
        ).json()["data"]
        before = datetime.now(UTC)
        moved = client.post(
            f"/v1/deals/{deal['id']}/move-stage", json={"newStage": "proposal", "reason": "Proposal sent"}
        ).json()["data"]
        assert moved["ownerId"] == senior["id"]
        activity = moved["nextActivity"]
        assert (activity["type"], activity["title"]) == ("task", "High-value deal review")
        due = datetime.fromisoformat(activity["dueDate"].replace("Z", "+00:00"))
        assert before + timedelta(hours=23, minutes=59) < due < datetime.now(UTC) + timedelta(hours=24, minutes=1)
        [run] = client.get(f"{automation_url}/runs").json()["data"]
        assert (run["dealId"], run["status"]) == (deal["id"], "completed")

"""`/v1/deals`: the design's bodies verbatim, filters, computed fields, stage moves and their event."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.activities.models import Event, Task
from apps.deals.models import Deal, DealStageChange
from apps.deals.services import deal_move_stage
from apps.deals.tests.factories import make_deal
from apps.events.models import OutboxEvent
from tests.fixtures import in_tenant

DESIGN_CREATE_BODY = {
    "title": "Enterprise Software License",
    "value": 50000.00,
    "currency": "USD",
    "stage": "qualification",
    "pipelineId": "pipe_123",
    "contactId": "contact_456",
    "accountId": "account_789",
    "expectedCloseDate": "2025-03-15T00:00:00Z",
    "probability": 75,
    "description": "Annual software license renewal",
    "customFields": {"dealSource": "Referral", "competitorInfo": "Salesforce"},
}
DESIGN_UPDATE_BODY = {"stage": "proposal", "probability": 85, "value": 55000.00}
DESIGN_MOVE_BODY = {"newStage": "negotiation", "reason": "Customer approved proposal"}


@pytest.fixture
def deal(admin_api, design_records) -> dict:
    response = admin_api.post("/v1/deals", DESIGN_CREATE_BODY, format="json")
    assert response.status_code == 201, response.content
    return response.json()["data"]


def test_design_create_body_makes_the_deal(deal, admin):
    assert deal["id"].startswith("deal_")
    assert {key: deal[key] for key in DESIGN_CREATE_BODY} == DESIGN_CREATE_BODY
    assert deal["status"] == "active"
    assert deal["ownerId"] == admin.pk
    assert deal["weightedValue"] == 37500.0
    assert deal["isOverdue"] is True  # expected to close in March 2025, still open
    assert deal["daysInStage"] == 0
    assert deal["nextActivity"] is None
    assert DealStageChange.objects.filter(deal_id=deal["id"], from_stage=None).count() == 1
    assert OutboxEvent.objects.filter(event_type="deal.created", record_id=deal["id"]).exists()


def test_probability_defaults_to_the_stage(admin_api, design_records):
    body = {"title": "Small", "value": 10, "stage": "Proposal", "pipelineId": "pipe_123"}
    assert admin_api.post("/v1/deals", body, format="json").json()["data"]["probability"] == 50


def test_deal_without_pipeline_lands_in_the_default_pipelines_first_stage(admin_api):
    created = admin_api.post("/v1/deals", {"title": "Walk-in", "value": 100}, format="json").json()["data"]
    assert (created["stage"], created["probability"], created["currency"]) == ("lead", 10, "USD")


def test_design_update_body_moves_stage_and_keeps_the_sent_probability(admin_api, deal):
    response = admin_api.put(f"/v1/deals/{deal['id']}", DESIGN_UPDATE_BODY, format="json")
    assert response.status_code == 200, response.content
    updated = response.json()["data"]
    assert (updated["stage"], updated["probability"], updated["value"]) == ("proposal", 85, 55000.0)
    assert DealStageChange.objects.filter(deal_id=deal["id"]).count() == 2
    types = list(OutboxEvent.objects.filter(record_id=deal["id"]).values_list("event_type", flat=True))
    assert types == ["deal.created", "deal.updated", "deal.stage_changed"]


def test_design_move_stage_body_records_history_and_emits_the_design_payload(admin_api, deal, admin):
    Deal.objects.filter(pk=deal["id"]).update(stage_entered_at=timezone.now() - timedelta(days=14, hours=2))
    response = admin_api.post(f"/v1/deals/{deal['id']}/move-stage", DESIGN_MOVE_BODY, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["data"]["stage"] == "negotiation"
    change = DealStageChange.objects.filter(deal_id=deal["id"]).latest("created_at")
    assert (change.from_stage.slug, change.to_stage.slug, change.changed_by, change.reason) == (
        "qualification",
        "negotiation",
        admin,
        "Customer approved proposal",
    )
    assert 14 * 86400 < change.seconds_in_previous_stage < 15 * 86400
    event = OutboxEvent.objects.get(record_id=deal["id"], event_type="deal.stage_changed")
    assert event.data == {
        "deal": {
            "id": deal["id"],
            "title": "Enterprise Software License",
            "value": 50000.0,
            "currency": "USD",
            "previous_stage": "qualification",
            "current_stage": "negotiation",
            "pipeline_id": "pipe_123",
            "contact": {"id": "contact_456", "name": "John Doe", "email": "john.doe@enterprise-corp.com"},
            "account": {"id": "account_789", "name": "Enterprise Corp"},
        },
        "change_info": {
            "changed_by": {"id": admin.pk, "name": admin.full_name, "email": admin.email},
            "reason": "Customer approved proposal",
            "stage_duration_days": 14,
        },
    }
    history = admin_api.get(f"/v1/deals/{deal['id']}/stage-history").json()["data"]
    assert [(h["fromStage"] and h["fromStage"]["slug"], h["toStage"]["slug"]) for h in history] == [
        (None, "qualification"),
        ("qualification", "negotiation"),
    ]


def test_winning_sets_actual_close_date_and_reopening_clears_it(admin_api, deal):
    won = admin_api.post(f"/v1/deals/{deal['id']}/move-stage", {"newStage": "closed_won"}, format="json").json()
    assert (won["data"]["status"], won["data"]["probability"]) == ("won", 100)
    assert won["data"]["actualCloseDate"] is not None
    assert won["data"]["isOverdue"] is False
    reopened = admin_api.post(f"/v1/deals/{deal['id']}/move-stage", {"newStage": "Negotiation"}, format="json").json()
    assert (reopened["data"]["status"], reopened["data"]["actualCloseDate"]) == ("active", None)


def test_losing_needs_a_lost_stage(admin_api, deal):
    refused = admin_api.post(f"/v1/deals/{deal['id']}/move-stage", {"newStage": "closed_lost"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "newStage"
    admin_api.post("/v1/pipelines/pipe_123/stages", {"name": "Closed Lost", "probability": 0}, format="json")
    lost = admin_api.post(f"/v1/deals/{deal['id']}/move-stage", {"newStage": "closed_lost"}, format="json").json()
    assert (lost["data"]["status"], lost["data"]["probability"]) == ("lost", 0)
    assert lost["data"]["actualCloseDate"] is not None


def test_moving_to_the_current_stage_changes_nothing(admin_api, deal):
    admin_api.post(f"/v1/deals/{deal['id']}/move-stage", {"newStage": "qualification"}, format="json")
    assert DealStageChange.objects.filter(deal_id=deal["id"]).count() == 1


def test_design_list_query_filters_by_pipeline_and_stage(admin_api, admin, deal, design_records):
    make_deal(owner=admin, pipeline=design_records["pipeline"], stage="proposal")
    make_deal(owner=admin, stage="qualification")  # the tenant's default pipeline
    body = admin_api.get("/v1/deals?pipelineId=pipe_123&stage=qualification&page=1&limit=25").json()
    assert [d["id"] for d in body["data"]] == [deal["id"]]
    assert body["meta"]["pagination"]["total"] == 1
    stage_id = deal["stageId"]
    for ref in (stage_id, "Qualification", "QUALIFICATION"):
        assert admin_api.get(f"/v1/deals?pipelineId=pipe_123&stage={ref}").json()["meta"]["pagination"]["total"] == 1
    assert admin_api.get("/v1/deals?stage=qualification").json()["meta"]["pagination"]["total"] == 2
    unknown = admin_api.get("/v1/deals?pipelineId=pipe_123&stage=nowhere")
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["field"] == "stage"


def test_list_filters_by_owner_account_contact_value_close_date_and_status(admin_api, admin, make_user, design_records):
    rep = make_user(roles=["sales_rep"])
    pipeline = design_records["pipeline"]
    early = make_deal(owner=admin, pipeline=pipeline, value=5000, expected_close_date="2025-01-10")
    big = make_deal(
        owner=rep,
        pipeline=pipeline,
        value=90000,
        expected_close_date="2025-06-30",
        account=design_records["account"],
        contact=design_records["contact"],
    )
    won = make_deal(owner=admin, pipeline=pipeline, stage="closed_won", value=20000)

    def ids(query: str) -> set[str]:
        response = admin_api.get(f"/v1/deals?pipelineId=pipe_123&{query}")
        assert response.status_code == 200, response.content
        return {d["id"] for d in response.json()["data"]}

    assert ids(f"ownerId={rep.pk}") == {big.pk}
    assert ids("accountId=account_789") == ids("contactId=contact_456") == {big.pk}
    assert ids("valueMin=10000&valueMax=50000") == {won.pk}
    assert ids("closeDateFrom=2025-01-01&closeDateTo=2025-01-10") == {early.pk}
    assert ids("status=won") == {won.pk}
    assert ids("status=active") == {early.pk, big.pk}
    assert ids("sort=value&order=desc") == {early.pk, big.pk, won.pk}
    assert admin_api.get("/v1/deals?status=maybe").status_code == 400


def test_next_activity_is_the_soonest_open_task_or_upcoming_event(admin_api, admin, deal):
    now = timezone.now()
    Task.objects.create(title="Done", related_type="deal", related_id=deal["id"], status="completed", due_date=now)
    Task.objects.create(title="Call", related_type="deal", related_id=deal["id"], due_date=now + timedelta(days=3))
    Event.objects.create(
        title="Demo",
        related_type="deal",
        related_id=deal["id"],
        start_time=now + timedelta(days=1),
        end_time=now + timedelta(days=1, hours=1),
    )
    Event.objects.create(
        title="Past", related_type="deal", related_id=deal["id"], start_time=now - timedelta(days=1), end_time=now
    )
    activity = admin_api.get(f"/v1/deals/{deal['id']}").json()["data"]["nextActivity"]
    assert (activity["type"], activity["title"]) == ("event", "Demo")
    Event.objects.filter(title="Demo").delete()
    activity = admin_api.get(f"/v1/deals/{deal['id']}").json()["data"]["nextActivity"]
    assert (activity["type"], activity["title"]) == ("task", "Call")


def test_list_query_count_does_not_grow_with_deals(admin_api, admin, django_assert_max_num_queries):
    now = timezone.now()
    for index in range(30):
        deal = make_deal(owner=admin, title=f"Deal {index}", value=index * 100)
        Task.objects.create(title="Call", related_type="deal", related_id=deal.pk, due_date=now + timedelta(days=index))
        Event.objects.create(
            title="Demo", related_type="deal", related_id=deal.pk, start_time=now + timedelta(days=2), end_time=now
        )
    with django_assert_max_num_queries(8):  # tenant routing 3, roles, count, page+stages, next tasks, next events
        body = admin_api.get("/v1/deals?limit=50").json()
    assert len(body["data"]) == 30
    assert all(item["nextActivity"] for item in body["data"])


def test_days_in_stage_counts_whole_days(admin_api, deal):
    Deal.objects.filter(pk=deal["id"]).update(stage_entered_at=timezone.now() - timedelta(days=6, hours=23))
    assert admin_api.get(f"/v1/deals/{deal['id']}").json()["data"]["daysInStage"] == 6


def test_delete_moves_the_deal_to_the_trash(admin_api, deal):
    assert admin_api.delete(f"/v1/deals/{deal['id']}").json()["data"] == {"id": deal["id"], "deleted": True}
    assert Deal.all_objects.get(pk=deal["id"]).deleted_at is not None
    assert admin_api.get(f"/v1/deals/{deal['id']}").status_code == 404
    assert OutboxEvent.objects.filter(event_type="deal.deleted", record_id=deal["id"]).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"customFields": {"mood": "good"}}, "customFields.mood"),
        ({"contactId": "contact_nope"}, "contactId"),
        ({"pipelineId": "pipe_nope"}, "pipelineId"),
        ({"stage": "nowhere"}, "stage"),
        ({"value": -5}, "value"),
        ({"probability": 101}, "probability"),
        ({"currency": "DOLLARS"}, "currency"),
        ({"expectedCloseDate": "soon"}, "expectedCloseDate"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_deal_fields_answer_400_naming_the_field(admin_api, design_records, change, field):
    body = {**DESIGN_CREATE_BODY, **change}
    response = admin_api.post("/v1/deals", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["field"] == field


def test_sales_rep_works_own_deals_only(api, make_user, admin, design_records):
    rep = make_user(roles=["sales_rep"])
    api.force_authenticate(rep)
    mine = api.post("/v1/deals", DESIGN_CREATE_BODY, format="json").json()["data"]
    assert mine["ownerId"] == rep.pk
    assert api.post(f"/v1/deals/{mine['id']}/move-stage", DESIGN_MOVE_BODY, format="json").status_code == 200
    theirs = make_deal(owner=admin, pipeline=design_records["pipeline"])
    assert api.post(f"/v1/deals/{theirs.pk}/move-stage", DESIGN_MOVE_BODY, format="json").status_code == 403
    given_away = api.post("/v1/deals", {**DESIGN_CREATE_BODY, "ownerId": admin.pk}, format="json")
    assert given_away.status_code == 403


def test_move_stage_needs_move_or_write_permission(api, make_user, admin, deal):
    from apps.users.services import role_create

    role_create(name="deal_viewer", permissions=["deals:read"])
    role_create(name="deal_mover", permissions=["deals:read", "deals:move_stage"])
    api.force_authenticate(make_user(roles=["deal_viewer"]))
    refused = api.post(f"/v1/deals/{deal['id']}/move-stage", DESIGN_MOVE_BODY, format="json")
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["details"]["required_permissions"] == ["deals:move_stage"]
    api.force_authenticate(make_user(roles=["deal_mover"]))
    assert api.post(f"/v1/deals/{deal['id']}/move-stage", DESIGN_MOVE_BODY, format="json").status_code == 200


def test_deals_of_another_tenant_are_invisible(admin_api, admin, deal):
    in_tenant("globex")
    from apps.users.models import User

    other = make_deal(owner=User.objects.get(email="admin@globex.test"), title="Globex deal")
    in_tenant("acme")
    assert admin_api.get(f"/v1/deals/{other.pk}").status_code == 404
    assert other.pk not in {d["id"] for d in admin_api.get("/v1/deals?limit=200").json()["data"]}


def test_service_move_accepts_a_stage_name(admin, design_records):
    deal = make_deal(owner=admin, pipeline=design_records["pipeline"])
    deal_move_stage(deal=deal, new_stage="Closed Won", reason="Signed", actor=admin)
    assert deal.status == "won"


def test_deal_history_keeps_every_field_change(admin_api, deal):
    admin_api.put(f"/v1/deals/{deal['id']}", {"value": 61000, "description": "Renewal"}, format="json")
    admin_api.post(f"/v1/deals/{deal['id']}/move-stage", {"newStage": "negotiation", "reason": "x"}, format="json")
    entries = admin_api.get(f"/v1/deals/{deal['id']}/history?limit=100").json()["data"]
    changed = {entry.get("field") for entry in entries}
    assert {"value", "description", "stageId"} <= changed
    value_change = next(entry for entry in entries if entry.get("field") == "value")
    assert value_change["old"] == 50000 and value_change["new"] == 61000


def test_trashed_deal_is_restored_with_its_links(admin_api, deal):
    admin_api.delete(f"/v1/deals/{deal['id']}")
    assert admin_api.get(f"/v1/deals/{deal['id']}").status_code == 404
    restored = admin_api.post(f"/v1/deals/{deal['id']}/restore")
    assert restored.status_code == 200, restored.content
    body = admin_api.get(f"/v1/deals/{deal['id']}").json()["data"]
    assert body["contactId"] == deal["contactId"] and body["accountId"] == deal["accountId"]

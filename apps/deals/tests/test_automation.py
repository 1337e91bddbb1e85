"""Stage automation: the design's example end to end over REST, rule shapes, the loop cap, the log."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from apps.activities.models import Task
from apps.deals.automation import MAX_DEPTH, condition_holds
from apps.deals.models import Deal, DealStageChange
from apps.deals.services import deal_move_stage
from apps.deals.tests.factories import DESIGN_AUTOMATION_BODY, make_deal
from apps.events.models import OutboxEvent
from apps.pipelines.models import AutomationRun, Stage
from apps.pipelines.services import stage_automation_set
from apps.users.models import User


@pytest.fixture
def senior_rep(tenant) -> User:
    """The design's `user_senior_rep`, so its automation body is sent verbatim."""
    from apps.users.models import Role

    user = User.objects.create_user(
        "senior@acme.test", "Senior-Pass-2025!", id="user_senior_rep", first_name="Sam", last_name="Senior"
    )
    user.roles.set(Role.objects.filter(name="sales_rep"))
    return user


def stage_of(pipeline, slug: str) -> Stage:
    return pipeline.stages.get(slug=slug)


def test_design_automation_assigns_the_senior_rep_and_creates_a_review_task(
    admin_api, admin, senior_rep, design_records
):
    pipeline = design_records["pipeline"]
    proposal = stage_of(pipeline, "proposal")
    url = f"/v1/pipelines/{pipeline.pk}/stages/{proposal.pk}/automation"
    saved = admin_api.post(url, DESIGN_AUTOMATION_BODY, format="json")
    assert saved.status_code == 201, saved.content
    [rule] = saved.json()["data"]["rules"]
    assert rule["conditions"] == DESIGN_AUTOMATION_BODY["rules"][0]["conditions"]
    assert admin_api.get(url).json()["data"]["rules"] == [rule]

    big = admin_api.post(
        "/v1/deals",
        {"title": "Big", "value": 50000.00, "stage": "qualification", "pipelineId": "pipe_123"},
        format="json",
    ).json()["data"]
    small = admin_api.post(
        "/v1/deals",
        {"title": "Small", "value": 9000, "stage": "qualification", "pipelineId": "pipe_123"},
        format="json",
    ).json()["data"]
    before = timezone.now()
    for deal in (big, small):
        moved = admin_api.post(f"/v1/deals/{deal['id']}/move-stage", {"newStage": "proposal"}, format="json")
        assert moved.status_code == 200

    big_after = admin_api.get(f"/v1/deals/{big['id']}").json()["data"]
    assert big_after["ownerId"] == "user_senior_rep"
    task = Task.objects.get(related_type="deal", related_id=big["id"])
    assert (task.title, task.assigned_to_id, task.status) == ("High-value deal review", "user_senior_rep", "pending")
    assert before + timedelta(hours=24) <= task.due_date <= timezone.now() + timedelta(hours=24)
    assert big_after["nextActivity"]["id"] == task.pk
    assert admin_api.get(f"/v1/deals/{small['id']}").json()["data"]["ownerId"] == admin.pk
    assert not Task.objects.filter(related_id=small["id"]).exists()

    runs = admin_api.get(f"{url}/runs").json()["data"]
    by_deal = {run["dealId"]: run for run in runs}
    assert by_deal[big["id"]]["status"] == "completed"
    assert by_deal[big["id"]]["ruleId"] == rule["id"]
    assert [(a["type"], a["status"]) for a in by_deal[big["id"]]["actions"]] == [
        ("assign_user", "done"),
        ("create_task", "done"),
    ]
    assert by_deal[big["id"]]["actions"][1]["taskId"] == task.pk
    assert by_deal[small["id"]]["status"] == "conditions_not_met"
    events = OutboxEvent.objects.filter(record_id=big["id"]).values_list("event_type", flat=True)
    assert list(events) == ["deal.created", "deal.stage_changed", "deal.updated"]
    assert OutboxEvent.objects.filter(event_type="task.created", record_id=task.pk).exists()


def test_put_stage_rule_shape_runs_on_entry(admin_api, admin, design_records):
    pipeline = design_records["pipeline"]
    qualification = stage_of(pipeline, "qualification")
    body = {
        "automationRules": [
            {
                "trigger": "stage_entered",
                "action": "create_task",
                "parameters": {"title": "Qualification call", "dueInDays": 1},
            }
        ]
    }
    assert (
        admin_api.put(f"/v1/pipelines/{pipeline.pk}/stages/{qualification.pk}", body, format="json").status_code == 200
    )
    deal = make_deal(owner=admin, pipeline=pipeline, stage="lead")
    deal_move_stage(deal=deal, new_stage="qualification", reason="", actor=admin)
    task = Task.objects.get(related_id=deal.pk)
    assert task.title == "Qualification call"
    assert task.assigned_to == admin
    assert timedelta(hours=23) < task.due_date - timezone.now() <= timedelta(days=1)


def test_a_deal_created_in_the_stage_enters_it(admin, design_records):
    qualification = stage_of(design_records["pipeline"], "qualification")
    stage_automation_set(
        stage=qualification,
        rules=[
            {
                "trigger": "deal_entered_stage",
                "actions": [{"type": "update_field", "field": "probability", "value": 40}],
            }
        ],
        actor=admin,
    )
    deal = make_deal(owner=admin, pipeline=design_records["pipeline"], stage="qualification")
    deal.refresh_from_db()
    assert deal.probability == 40


def test_rules_moving_deals_back_and_forth_stop_at_the_depth_cap(admin, design_records):
    pipeline = design_records["pipeline"]
    proposal, negotiation = stage_of(pipeline, "proposal"), stage_of(pipeline, "negotiation")

    def to(slug: str) -> list[dict]:
        return [{"trigger": "stage_entered", "actions": [{"type": "update_field", "field": "stage", "value": slug}]}]

    stage_automation_set(stage=proposal, rules=to("negotiation"), actor=admin)
    stage_automation_set(stage=negotiation, rules=to("proposal"), actor=admin)
    deal = make_deal(owner=admin, pipeline=pipeline, stage="lead")

    deal_move_stage(deal=deal, new_stage="proposal", reason="Sent", actor=admin)

    runs = list(AutomationRun.objects.filter(deal=deal).order_by("depth"))
    assert [(run.stage.slug, run.depth, run.status) for run in runs] == [
        ("proposal", 1, "completed"),
        ("negotiation", 2, "completed"),
        ("proposal", 3, "completed"),
        ("negotiation", 4, "depth_limit"),
    ]
    assert MAX_DEPTH == 3
    # the user's move plus one move per rule that ran, then it stops
    assert DealStageChange.objects.filter(deal=deal, from_stage__isnull=False).count() == 4
    deal.refresh_from_db()
    assert deal.stage == negotiation


def test_each_rule_runs_once_per_stage_change(admin, design_records):
    pipeline = design_records["pipeline"]
    proposal = stage_of(pipeline, "proposal")
    rule = {"trigger": "stage_entered", "actions": [{"type": "notify", "message": "Look at this"}]}
    stage_automation_set(stage=proposal, rules=[rule, rule], actor=admin)
    deal = make_deal(owner=admin, pipeline=pipeline)
    deal_move_stage(deal=deal, new_stage="proposal", reason="", actor=admin)
    deal_move_stage(deal=deal, new_stage="proposal", reason="", actor=admin)  # no change, no run
    runs = AutomationRun.objects.filter(deal=deal)
    assert runs.count() == 2
    assert {tuple(a["userId"] for a in run.actions) for run in runs} == {(admin.pk,)}


def test_a_failing_action_is_logged_and_the_move_stands(admin, make_user, design_records):
    pipeline = design_records["pipeline"]
    gone = make_user(roles=["sales_rep"])
    stage_automation_set(
        stage=stage_of(pipeline, "proposal"),
        rules=[
            {
                "trigger": "stage_entered",
                "actions": [
                    {"type": "assign_user", "userId": gone.pk},
                    {"type": "send_webhook_event", "eventType": "deal.updated", "payload": {"source": "rule"}},
                ],
            }
        ],
        actor=admin,
    )
    User.objects.filter(pk=gone.pk).update(is_active=False)
    deal = make_deal(owner=admin, pipeline=pipeline)
    deal_move_stage(deal=deal, new_stage="proposal", reason="", actor=admin)
    run = AutomationRun.objects.get(deal=deal)
    assert run.status == "partial"
    assert [(a["type"], a["status"]) for a in run.actions] == [
        ("assign_user", "failed"),
        ("send_webhook_event", "done"),
    ]
    assert Deal.objects.get(pk=deal.pk).stage.slug == "proposal"
    event = OutboxEvent.objects.get(event_id=run.actions[1]["eventId"])
    assert event.data["automation"]["payload"] == {"source": "rule"}


def test_rules_run_in_the_changes_transaction(admin, design_records):
    pipeline = design_records["pipeline"]
    stage_automation_set(
        stage=stage_of(pipeline, "proposal"),
        rules=[{"trigger": "stage_entered", "actions": [{"type": "create_task", "title": "Review"}]}],
        actor=admin,
    )
    deal = make_deal(owner=admin, pipeline=pipeline)
    with pytest.raises(RuntimeError), transaction.atomic():
        deal_move_stage(deal=deal, new_stage="proposal", reason="", actor=admin)
        raise RuntimeError("the change rolls back")
    assert not Task.objects.filter(related_id=deal.pk).exists()
    assert not AutomationRun.objects.filter(deal=deal).exists()


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ({"trigger": "whenever", "actions": [{"type": "notify", "message": "x"}]}, "rules[0].trigger"),
        (
            {
                "trigger": "stage_entered",
                "conditions": [{"field": "value", "operator": "bigger", "value": 1}],
                "actions": [{"type": "notify", "message": "x"}],
            },
            "rules[0].conditions[0].operator",
        ),
        (
            {"trigger": "stage_entered", "actions": [{"type": "assign_user", "userId": "user_nobody"}]},
            "rules[0].actions[0].userId",
        ),
        ({"trigger": "stage_entered", "actions": [{"type": "create_task"}]}, "rules[0].actions[0].title"),
        (
            {"trigger": "stage_entered", "actions": [{"type": "update_field", "field": "id", "value": 1}]},
            "rules[0].actions[0].field",
        ),
        ({"trigger": "stage_entered", "actions": []}, "rules[0].actions"),
    ],
)
def test_bad_rules_answer_400_naming_the_field(admin_api, design_records, rule, field):
    stage = stage_of(design_records["pipeline"], "proposal")
    response = admin_api.post(f"/v1/pipelines/pipe_123/stages/{stage.pk}/automation", {"rules": [rule]}, format="json")
    assert response.status_code == 400
    assert field in {error["field"] for error in response.json()["errors"]}


def test_automation_needs_pipelines_manage_and_a_manager_role(api, make_user, senior_rep, design_records):
    from apps.users.services import role_create

    url = f"/v1/pipelines/pipe_123/stages/{stage_of(design_records['pipeline'], 'proposal').pk}/automation"
    api.force_authenticate(make_user(roles=["sales_rep"]))
    refused = api.post(url, DESIGN_AUTOMATION_BODY, format="json")
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["details"]["required_permissions"] == ["pipelines:manage"]
    role_create(name="pipeline_admin", permissions=["pipelines:manage"])
    api.force_authenticate(make_user(roles=["pipeline_admin"]))
    no_role = api.post(url, DESIGN_AUTOMATION_BODY, format="json")
    assert no_role.status_code == 403
    assert no_role.json()["errors"][0]["details"]["required_roles"] == ["sales_manager", "tenant_admin"]
    api.force_authenticate(make_user(roles=["sales_manager"]))
    assert api.post(url, DESIGN_AUTOMATION_BODY, format="json").status_code == 201


@pytest.mark.parametrize(
    ("field", "operator", "value", "holds"),
    [
        ("value", "greater_than", 10000, True),
        ("value", "less_than", 10000, False),
        ("value", "equals", "50000", True),
        ("currency", "equals", "usd", True),
        ("currency", "not_equals", "EUR", True),
        ("title", "contains", "software", True),
        ("stage", "in", ["proposal", "negotiation"], True),
        ("stage", "equals", "Qualification", False),
        ("customFields.dealSource", "equals", "Referral", True),
        ("customFields.dealSource", "in", ["Partner"], False),
        ("probability", "greater_than", "lots", False),
    ],
)
def test_condition_operators(admin, design_records, field, operator, value, holds):
    deal = make_deal(
        owner=admin,
        pipeline=design_records["pipeline"],
        stage="proposal",
        title="Enterprise Software License",
        value=Decimal(50000),
        custom_fields={"dealSource": "Referral"},
    )
    assert condition_holds(deal, {"field": field, "operator": operator, "value": value}) is holds

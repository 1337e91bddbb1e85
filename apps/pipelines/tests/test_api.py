"""`/v1/pipelines`: the design's pipeline body, stages added, updated, reordered and removed."""

import pytest

from apps.deals.models import Deal, DealStageChange
from apps.deals.tests.factories import DESIGN_PIPELINE_BODY, make_deal
from apps.events.models import OutboxEvent
from apps.pipelines.models import Pipeline


@pytest.fixture
def pipeline(admin_api) -> dict:
    response = admin_api.post("/v1/pipelines", DESIGN_PIPELINE_BODY, format="json")
    assert response.status_code == 201, response.content
    return response.json()["data"]


def stage_id(pipeline: dict, slug: str) -> str:
    return next(stage["id"] for stage in pipeline["stages"] if stage["slug"] == slug)


def test_design_pipeline_body_creates_five_typed_stages(pipeline):
    assert pipeline["id"].startswith("pipe_")
    assert pipeline["name"] == "Sales Pipeline"
    assert [(s["name"], s["order"], s["probability"], s["type"]) for s in pipeline["stages"]] == [
        ("Lead", 1, 10, "open"),
        ("Qualification", 2, 25, "open"),
        ("Proposal", 3, 50, "open"),
        ("Negotiation", 4, 75, "open"),
        ("Closed Won", 5, 100, "won"),
    ]
    assert all(stage["id"].startswith("stage_") for stage in pipeline["stages"])
    assert OutboxEvent.objects.filter(event_type="pipeline.changed", record_id=pipeline["id"]).exists()


def test_stage_types_are_inferred_or_given(admin_api):
    body = {
        "name": "Renewals",
        "stages": [
            {"name": "Open", "order": 1, "probability": 40},
            {"name": "Closed Lost", "order": 3, "probability": 0},
            {"name": "Signed", "order": 2, "probability": 90, "type": "won"},
        ],
    }
    stages = admin_api.post("/v1/pipelines", body, format="json").json()["data"]["stages"]
    assert [(s["name"], s["order"], s["type"]) for s in stages] == [
        ("Open", 1, "open"),
        ("Signed", 2, "won"),
        ("Closed Lost", 3, "lost"),
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Empty", "stages": []}, "stages"),
        ({"name": "Dup", "stages": [{"name": "A", "order": 1}, {"name": "a", "order": 2}]}, "stages[1].name"),
        ({"name": "Prob", "stages": [{"name": "A", "order": 1, "probability": 120}]}, "stages[0].probability"),
        ({"name": "Type", "stages": [{"name": "A", "order": 1, "type": "maybe"}]}, "stages[0].type"),
        ({"name": "X", "stages": [{"name": "A", "order": 1}], "colour": "red"}, "colour"),
    ],
)
def test_bad_pipeline_bodies_answer_400_naming_the_field(admin_api, body, field):
    response = admin_api.post("/v1/pipelines", body, format="json")
    assert response.status_code == 400
    normal = lambda name: (name or "").replace("[", ".").replace("]", "")  # noqa: E731 (DRF writes stages.0.x)
    assert normal(field) in {normal(error.get("field")) for error in response.json()["errors"]}


def test_list_and_get_carry_stages_with_deal_figures(admin_api, admin, pipeline, django_assert_max_num_queries):
    make_deal(owner=admin, pipeline=Pipeline.objects.get(pk=pipeline["id"]), stage="proposal", value=1200)
    got = admin_api.get(f"/v1/pipelines/{pipeline['id']}").json()["data"]
    proposal = next(stage for stage in got["stages"] if stage["slug"] == "proposal")
    assert (proposal["dealCount"], proposal["stageValue"]) == (1, 1200.0)
    for index in range(5):
        admin_api.post("/v1/pipelines", dict(DESIGN_PIPELINE_BODY, name=f"P{index}"), format="json")
    with django_assert_max_num_queries(8):  # auth, count, page, stages, figures: not per pipeline
        listed = admin_api.get("/v1/pipelines?limit=50").json()
    assert listed["meta"]["pagination"]["total"] == 7


def test_update_pipeline_and_make_it_default(admin_api, pipeline):
    response = admin_api.put(
        f"/v1/pipelines/{pipeline['id']}", {"name": "Enterprise", "isDefault": True}, format="json"
    )
    assert response.json()["data"]["name"] == "Enterprise"
    assert list(Pipeline.objects.filter(is_default=True).values_list("pk", flat=True)) == [pipeline["id"]]


def test_design_update_stage_body_renames_and_sets_automation(admin_api, pipeline):
    body = {
        "name": "Qualified Lead",
        "probability": 30,
        "automationRules": [
            {
                "trigger": "stage_entered",
                "action": "create_task",
                "parameters": {"title": "Qualification call", "dueInDays": 1},
            }
        ],
    }
    response = admin_api.put(
        f"/v1/pipelines/{pipeline['id']}/stages/{stage_id(pipeline, 'qualification')}", body, format="json"
    )
    assert response.status_code == 200, response.content
    stage = response.json()["data"]
    assert (stage["name"], stage["slug"], stage["probability"]) == ("Qualified Lead", "qualified_lead", 30)
    [rule] = stage["automationRules"]
    assert rule["id"].startswith("rule_")
    assert rule["trigger"] == "stage_entered"
    assert rule["actions"] == [{"type": "create_task", "title": "Qualification call", "dueInDays": 1}]


def test_add_stage_at_a_position_and_reorder(admin_api, pipeline):
    added = admin_api.post(
        f"/v1/pipelines/{pipeline['id']}/stages",
        {"name": "Closed Lost", "probability": 0, "order": 5},
        format="json",
    )
    assert added.status_code == 201
    assert (added.json()["data"]["type"], added.json()["data"]["order"]) == ("lost", 5)
    stages = admin_api.get(f"/v1/pipelines/{pipeline['id']}").json()["data"]["stages"]
    assert [s["slug"] for s in stages] == [
        "lead",
        "qualification",
        "proposal",
        "negotiation",
        "closed_lost",
        "closed_won",
    ]
    new_order = [s["id"] for s in reversed(stages)]
    reordered = admin_api.post(f"/v1/pipelines/{pipeline['id']}/stages/reorder", {"stageIds": new_order}, format="json")
    assert [s["id"] for s in reordered.json()["data"]["stages"]] == new_order
    bad = admin_api.post(f"/v1/pipelines/{pipeline['id']}/stages/reorder", {"stageIds": new_order[:2]}, format="json")
    assert bad.status_code == 400


def test_duplicate_stage_name_conflicts(admin_api, pipeline):
    response = admin_api.post(f"/v1/pipelines/{pipeline['id']}/stages", {"name": "proposal"}, format="json")
    assert response.status_code == 409


def test_stage_holding_deals_is_removed_only_with_a_target(admin_api, admin, pipeline):
    pipe = Pipeline.objects.get(pk=pipeline["id"])
    deal = make_deal(owner=admin, pipeline=pipe, stage="proposal")
    proposal, negotiation = stage_id(pipeline, "proposal"), stage_id(pipeline, "negotiation")
    refused = admin_api.delete(f"/v1/pipelines/{pipeline['id']}/stages/{proposal}")
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["field"] == "targetStageId"
    removed = admin_api.delete(f"/v1/pipelines/{pipeline['id']}/stages/{proposal}?targetStageId={negotiation}")
    assert removed.json()["data"] == {"id": proposal, "deleted": True}
    deal.refresh_from_db()
    assert deal.stage_id == negotiation
    moved = DealStageChange.objects.get(deal=deal, to_stage_id=negotiation)
    assert moved.reason == "Stage 'Proposal' removed"
    assert moved.from_stage_id is None  # the removed stage's side of its history is cleared, the row kept
    stages = admin_api.get(f"/v1/pipelines/{pipeline['id']}").json()["data"]["stages"]
    assert [(s["slug"], s["order"]) for s in stages] == [
        ("lead", 1),
        ("qualification", 2),
        ("negotiation", 3),
        ("closed_won", 4),
    ]


def test_empty_stage_is_removed_and_its_history_kept(admin_api, admin, pipeline):
    pipe = Pipeline.objects.get(pk=pipeline["id"])
    deal = make_deal(owner=admin, pipeline=pipe, stage="lead")
    from apps.deals.services import deal_move_stage

    deal_move_stage(deal=deal, new_stage="qualification", reason="", actor=admin)
    admin_api.delete(f"/v1/pipelines/{pipeline['id']}/stages/{stage_id(pipeline, 'lead')}")
    assert DealStageChange.objects.filter(deal=deal).count() == 2


def test_pipeline_with_deals_cannot_be_deleted(admin_api, admin, pipeline):
    make_deal(owner=admin, pipeline=Pipeline.objects.get(pk=pipeline["id"]))
    assert admin_api.delete(f"/v1/pipelines/{pipeline['id']}").status_code == 409
    Deal.all_objects.filter(pipeline_id=pipeline["id"]).delete()
    assert admin_api.delete(f"/v1/pipelines/{pipeline['id']}").json()["data"]["deleted"] is True


def test_sales_rep_reads_pipelines_but_cannot_change_them(api, make_user, pipeline):
    api.force_authenticate(make_user(roles=["sales_rep"]))
    assert api.get("/v1/pipelines").status_code == 200
    response = api.post("/v1/pipelines", DESIGN_PIPELINE_BODY, format="json")
    assert response.status_code == 403
    assert response.json()["errors"][0]["details"]["required_permissions"] == ["pipelines:write"]


def test_unknown_or_wrong_type_ids_answer_404(admin_api, pipeline):
    assert admin_api.get("/v1/pipelines/pipe_nope").status_code == 404
    assert admin_api.get("/v1/pipelines/deal_123").status_code == 404
    assert (
        admin_api.put(f"/v1/pipelines/{pipeline['id']}/stages/stage_nope", {"name": "x"}, format="json").status_code
        == 404
    )

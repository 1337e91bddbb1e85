"""Mutations of deals and pipelines: they apply (as their REST actions do) or answer `errors`."""

from tests.graphql import data


def _payload(body, name):
    assert "errors" not in body, body
    return body["data"][name]


CREATE_DEAL = """
mutation($input: CreateDealInput!) {
  createDeal(input: $input) {
    deal { id title value stage probability expectedCloseDate contact { id } account { id } customFields }
    errors { field code message }
  }
}
"""


def test_create_deal_with_the_designs_body(gql):
    contact = data.make_contact()
    account = data.make_account()
    deal_input = {
        "title": "Enterprise Software License",
        "value": 50000.00,
        "currency": "USD",
        "stage": "qualification",
        "pipelineId": data.default_pipeline().pk,
        "contactId": contact.pk,
        "accountId": account.pk,
        "expectedCloseDate": "2025-03-15T00:00:00Z",
        "probability": 75,
        "description": "Annual software license renewal",
        "customFields": {"dealSource": "Referral", "competitorInfo": "Salesforce"},
    }
    result = _payload(gql(CREATE_DEAL, {"input": deal_input}), "createDeal")
    assert result["errors"] == []
    assert result["deal"]["stage"] == "qualification"
    assert result["deal"]["probability"] == 75
    assert result["deal"]["expectedCloseDate"] == "2025-03-15T00:00:00Z"
    assert result["deal"]["contact"] == {"id": contact.pk}
    assert result["deal"]["account"] == {"id": account.pk}


def test_create_deal_validation_failure(gql):
    result = _payload(
        gql(CREATE_DEAL, {"input": {"title": "X", "value": -5, "contactId": "contact_nope"}}), "createDeal"
    )
    assert result["deal"] is None
    assert {error["field"] for error in result["errors"]} & {"value", "contactId"}
    assert all(error["code"] == "VALIDATION_ERROR" for error in result["errors"])


def test_update_deal_and_move_deal_stage(gql, admin):
    deal = data.make_deal(owner=admin)
    update = """mutation($id: ID!, $input: UpdateDealInput!) {
      updateDeal(id: $id, input: $input) { deal { stage probability value } errors { field code } } }"""
    result = _payload(
        gql(update, {"id": deal.pk, "input": {"stage": "proposal", "probability": 85, "value": 55000.00}}), "updateDeal"
    )
    assert result["deal"] == {"stage": "proposal", "probability": 85, "value": 55000.0}
    bad = _payload(gql(update, {"id": deal.pk, "input": {"stage": "no_such_stage"}}), "updateDeal")
    assert bad["deal"] is None and bad["errors"][0]["code"] == "VALIDATION_ERROR"

    move = """mutation($deal: ID!, $stage: ID!) {
      moveDealStage(dealId: $deal, stageId: $stage, reason: "Customer approved proposal") {
        deal { stage } errors { field code } } }"""
    negotiation = data.stage("negotiation")
    moved = _payload(gql(move, {"deal": deal.pk, "stage": negotiation.pk}), "moveDealStage")
    assert moved == {"deal": {"stage": "negotiation"}, "errors": []}
    history = deal.stage_changes.order_by("-created_at").first()
    assert history.reason == "Customer approved proposal" and history.changed_by == admin
    refused = _payload(gql(move, {"deal": deal.pk, "stage": "stage_unknown"}), "moveDealStage")
    assert refused["deal"] is None and refused["errors"][0]["code"] == "VALIDATION_ERROR"


def test_create_pipeline_and_update_pipeline_stage(gql):
    create = """mutation($input: CreatePipelineInput!) {
      createPipeline(input: $input) {
        pipeline { id name stages { id name order probability } }
        errors { field code } } }"""
    pipeline_input = {
        "name": "Sales Pipeline",
        "description": "Standard sales process",
        "stages": [
            {"name": "Lead", "order": 1, "probability": 10},
            {"name": "Qualification", "order": 2, "probability": 25},
            {"name": "Proposal", "order": 3, "probability": 50},
            {"name": "Negotiation", "order": 4, "probability": 75},
            {"name": "Closed Won", "order": 5, "probability": 100},
        ],
    }
    created = _payload(gql(create, {"input": pipeline_input}), "createPipeline")
    pipeline = created["pipeline"]
    assert [stage["name"] for stage in pipeline["stages"]] == [
        "Lead",
        "Qualification",
        "Proposal",
        "Negotiation",
        "Closed Won",
    ]
    refused = _payload(gql(create, {"input": {"name": "", "stages": []}}), "createPipeline")
    assert refused["pipeline"] is None and refused["errors"][0]["code"] == "VALIDATION_ERROR"

    update = """mutation($pipeline: ID!, $stage: ID!, $input: UpdateStageInput!) {
      updatePipelineStage(pipelineId: $pipeline, stageId: $stage, input: $input) {
        stage { name probability automationRules { trigger action parameters } } errors { field code } } }"""
    stage_input = {
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
    qualification = pipeline["stages"][1]["id"]
    updated = _payload(
        gql(update, {"pipeline": pipeline["id"], "stage": qualification, "input": stage_input}), "updatePipelineStage"
    )
    assert updated["stage"]["name"] == "Qualified Lead"
    assert updated["stage"]["probability"] == 30
    assert updated["stage"]["automationRules"][0]["trigger"] == "stage_entered"
    bad = _payload(
        gql(update, {"pipeline": pipeline["id"], "stage": qualification, "input": {"probability": 150}}),
        "updatePipelineStage",
    )
    assert bad["stage"] is None and bad["errors"][0]["field"] == "probability"


def test_a_sales_rep_cannot_move_another_owners_deal(gql, api, make_user):
    deal = data.make_deal(owner=make_user(roles=["sales_rep"]))
    api.force_authenticate(make_user(roles=["sales_rep"]))
    move = 'mutation($id: ID!) { moveDealStage(dealId: $id, stageId: "proposal") { deal { stage } errors { code } } }'
    body = gql(move, {"id": deal.pk})
    assert body["data"]["moveDealStage"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"

"""`/v1/accounts`: the design's bodies, hierarchy, relationships, contacts and deals."""

from decimal import Decimal

import pytest

from apps.accounts.models import Account
from apps.events.models import OutboxEvent

DESIGN_CREATE = {
    "name": "Enterprise Corp",
    "website": "https://enterprise-corp.com",
    "industry": "Technology",
    "employees": 5000,
    "annualRevenue": 100000000,
    "type": "Customer",
    "parentAccountId": None,
    "address": {
        "street": "456 Business Ave",
        "city": "San Francisco",
        "state": "CA",
        "zipCode": "94105",
        "country": "US",
    },
}


def create(api, **overrides):
    response = api.post("/v1/accounts", {**DESIGN_CREATE, **overrides}, format="json")
    assert response.status_code == 201, response.content
    return response.json()["data"]


def test_design_create_body_creates_the_account(admin_api, admin):
    account = create(admin_api)
    assert account["id"].startswith("account_")
    assert account["annualRevenue"] == 100000000
    assert account["employees"] == 5000
    assert account["type"] == "Customer"
    assert account["parentAccountId"] is None
    assert account["address"]["city"] == "San Francisco"
    assert account["ownerId"] == admin.pk
    assert Account.objects.get(pk=account["id"]).annual_revenue == Decimal("100000000")
    assert OutboxEvent.objects.filter(record_id=account["id"], event_type="account.created").exists()


def test_hierarchy_answers_ancestors_and_whole_subtree_in_one_query(admin_api, django_assert_max_num_queries):
    root = create(admin_api, name="Root Holdings")
    mid = create(admin_api, name="Mid Group", parentAccountId=root["id"])
    leaf_a = create(admin_api, name="Leaf A", parentAccountId=mid["id"])
    create(admin_api, name="Leaf B", parentAccountId=mid["id"])
    create(admin_api, name="Leaf A1", parentAccountId=leaf_a["id"])
    with django_assert_max_num_queries(6):
        response = admin_api.get(f"/v1/accounts/{mid['id']}/hierarchy")
    body = response.json()["data"]
    assert [a["name"] for a in body["ancestors"]] == ["Root Holdings"]
    assert body["parent"]["id"] == root["id"]
    assert [c["name"] for c in body["children"]] == ["Leaf A", "Leaf B"]
    assert [c["name"] for c in body["children"][0]["children"]] == ["Leaf A1"]
    assert body["descendantCount"] == 3


def test_parent_that_would_make_a_cycle_is_refused(admin_api):
    root = create(admin_api, name="Root")
    child = create(admin_api, name="Child", parentAccountId=root["id"])
    grandchild = create(admin_api, name="Grandchild", parentAccountId=child["id"])
    for parent in (grandchild["id"], root["id"]):
        response = admin_api.patch(f"/v1/accounts/{root['id']}", {"parentAccountId": parent}, format="json")
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "parentAccountId"


def test_design_relationship_body_links_two_accounts(admin_api):
    parent = create(admin_api)
    sub = create(admin_api, name="Enterprise Labs")
    body = {"relatedAccountId": sub["id"], "relationshipType": "subsidiary", "description": "Wholly owned subsidiary"}
    response = admin_api.post(f"/v1/accounts/{parent['id']}/relationships", body, format="json")
    assert response.status_code == 201, response.content
    relationship = response.json()["data"]
    assert relationship["relationshipType"] == "subsidiary"
    assert relationship["relatedAccountId"] == sub["id"]
    assert admin_api.post(f"/v1/accounts/{parent['id']}/relationships", body, format="json").status_code == 409
    listed = admin_api.get(f"/v1/accounts/{sub['id']}/relationships").json()["data"]
    assert [r["id"] for r in listed] == [relationship["id"]]


def test_design_relationship_body_with_unknown_account_answers_404(admin_api):
    parent = create(admin_api)
    body = {
        "relatedAccountId": "account_456",
        "relationshipType": "subsidiary",
        "description": "Wholly owned subsidiary",
    }
    assert admin_api.post(f"/v1/accounts/{parent['id']}/relationships", body, format="json").status_code == 404


def test_account_contacts_lists_its_contacts(admin_api):
    account = create(admin_api)
    for index in range(3):
        admin_api.post(
            "/v1/contacts",
            {"firstName": f"P{index}", "lastName": "X", "email": f"p{index}@x.test", "accountId": account["id"]},
            format="json",
        )
    admin_api.post("/v1/contacts", {"firstName": "Other", "lastName": "Y"}, format="json")
    body = admin_api.get(f"/v1/accounts/{account['id']}/contacts?page=1&limit=25").json()
    assert [c["firstName"] for c in body["data"]] == ["P0", "P1", "P2"]
    assert body["meta"]["pagination"]["total"] == 3


@pytest.fixture
def deals_by_status(admin_api, admin):
    from apps.deals.models import Deal
    from apps.pipelines.models import Pipeline

    account = create(admin_api)
    pipeline = Pipeline.objects.get(is_default=True)
    stages = {stage.stage_type: stage for stage in pipeline.stages.order_by("order")}
    lost = pipeline.stages.create(name="Closed Lost", slug="closed_lost", order=6, stage_type="lost")
    for title, stage in [("Open", stages["open"]), ("Won", stages["won"]), ("Lost", lost)]:
        Deal.objects.create(title=title, pipeline=pipeline, stage=stage, account_id=account["id"], owner=admin)
    return account


@pytest.mark.parametrize(("status", "titles"), [("active", ["Open"]), ("won", ["Won"]), ("lost", ["Lost"])])
def test_account_deals_filter_by_status(admin_api, deals_by_status, status, titles):
    url = f"/v1/accounts/{deals_by_status['id']}/deals?status={status}&page=1&limit=25"
    body = admin_api.get(url).json()
    assert [deal["title"] for deal in body["data"]] == titles
    assert body["data"][0]["status"] == status


def test_account_deals_refuse_unknown_status(admin_api, deals_by_status):
    response = admin_api.get(f"/v1/accounts/{deals_by_status['id']}/deals?status=maybe")
    assert response.status_code == 400


def test_sales_rep_cannot_touch_accounts(api, make_user):
    api.force_authenticate(make_user(roles=["sales_rep"]))
    assert api.get("/v1/accounts").status_code == 403
    assert api.post("/v1/accounts", DESIGN_CREATE, format="json").status_code == 403


def test_bad_account_fields_each_answer_an_error(admin_api):
    response = admin_api.post(
        "/v1/accounts", {"name": "", "employees": -1, "type": "Alien", "color": "red"}, format="json"
    )
    assert response.status_code == 400
    assert sorted(e["field"] for e in response.json()["errors"]) == ["color", "employees", "name", "type"]


def test_account_list_costs_constant_queries(admin_api, django_assert_max_num_queries):
    parent = create(admin_api, name="Parent")
    create(admin_api, name="A", parentAccountId=parent["id"])
    with django_assert_max_num_queries(8) as small:
        admin_api.get("/v1/accounts?limit=50")
    baseline = len(small)
    for index in range(20):
        create(admin_api, name=f"Child {index}", parentAccountId=parent["id"])
    with django_assert_max_num_queries(baseline):
        body = admin_api.get("/v1/accounts?limit=50&search=child").json()
    assert len(body["data"]) == 20

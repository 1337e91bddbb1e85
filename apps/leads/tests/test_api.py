"""`/v1/leads`: the design's bodies for create, qualify, score and convert."""

import pytest

from apps.accounts.models import Account
from apps.contacts.models import Contact
from apps.deals.models import Deal, DealStageChange
from apps.events.models import OutboxEvent
from apps.leads.models import Lead, LeadScoreHistory

DESIGN_CREATE = {
    "firstName": "Jane",
    "lastName": "Smith",
    "email": "jane.smith@prospect.com",
    "phone": "+1-555-0456",
    "company": "Prospect Inc",
    "jobTitle": "VP Sales",
    "source": "Website Form",
    "status": "new",
    "score": 75,
    "customFields": {"budget": "50000-100000", "timeline": "Q2 2025"},
}
DESIGN_QUALIFY = {
    "qualificationNotes": "Budget confirmed, decision maker identified",
    "score": 90,
    "nextAction": "Schedule demo",
}
DESIGN_CONVERT = {
    "createContact": True,
    "createDeal": True,
    "dealTitle": "New Business Opportunity",
    "dealValue": 75000.00,
    "pipelineId": "pipe_123",
}
DESIGN_SCORE = {"score": 85, "scoringFactors": ["Email opened", "Website visited", "Demo requested"]}


@pytest.fixture
def lead(admin_api):
    response = admin_api.post("/v1/leads", DESIGN_CREATE, format="json")
    assert response.status_code == 201, response.content
    return response.json()["data"]


@pytest.fixture
def pipe_123():
    """The design's example pipeline id, with stages, so the convert body works verbatim."""
    from apps.pipelines.models import Pipeline

    pipeline = Pipeline.objects.create(id="pipe_123", name="Enterprise")
    pipeline.stages.create(name="Discovery", slug="discovery", order=2, probability=20)
    pipeline.stages.create(name="Intro", slug="intro", order=1, probability=10)
    return pipeline


def test_design_create_body_creates_the_lead(lead, admin):
    assert lead["id"].startswith("lead_")
    assert lead["status"] == "new"
    assert lead["score"] == 75
    assert lead["phone"] == "+15550456"
    assert lead["customFields"] == {"budget": "50000-100000", "timeline": "Q2 2025"}
    assert lead["ownerId"] == admin.pk
    assert OutboxEvent.objects.filter(record_id=lead["id"], event_type="lead.created").exists()


def test_design_qualify_body_answers_the_qualified_lead(admin_api, lead):
    response = admin_api.post(f"/v1/leads/{lead['id']}/qualify", DESIGN_QUALIFY, format="json")
    assert response.status_code == 200, response.content
    qualified = response.json()["data"]
    assert qualified["status"] == "qualified"
    assert qualified["score"] == 90
    assert qualified["qualificationNotes"] == "Budget confirmed, decision maker identified"
    assert qualified["nextAction"] == "Schedule demo"
    assert qualified["qualifiedAt"]
    assert OutboxEvent.objects.filter(record_id=lead["id"], event_type="lead.qualified").exists()


def test_design_score_body_keeps_a_scoring_history(admin_api, lead):
    response = admin_api.put(f"/v1/leads/{lead['id']}/score", DESIGN_SCORE, format="json")
    assert response.status_code == 200, response.content
    body = response.json()["data"]
    assert body["score"] == 85
    assert body["scoringHistory"][0]["scoringFactors"] == DESIGN_SCORE["scoringFactors"]
    assert body["scoringHistory"][0]["previousScore"] == 75
    entry = LeadScoreHistory.objects.filter(lead_id=lead["id"]).order_by("-created_at", "-id").first()
    assert (entry.previous_score, entry.score) == (75, 85)
    event = OutboxEvent.objects.get(record_id=lead["id"], event_type="lead.scored")
    assert event.data["changes"]["score"] == {"old": 75, "new": 85}


def test_design_convert_body_creates_contact_account_and_deal_in_one_go(admin_api, lead, pipe_123):
    response = admin_api.post(f"/v1/leads/{lead['id']}/convert", DESIGN_CONVERT, format="json")
    assert response.status_code == 200, response.content
    body = response.json()["data"]
    assert set(body) == {"lead", "contact", "deal", "account"}
    assert body["lead"]["status"] == "converted"
    assert body["contact"]["email"] == "jane.smith@prospect.com"
    assert body["account"]["name"] == "Prospect Inc"
    assert body["contact"]["accountId"] == body["account"]["id"]
    deal = body["deal"]
    assert deal["title"] == "New Business Opportunity"
    assert deal["value"] == 75000.0
    assert deal["pipelineId"] == "pipe_123"
    assert (deal["stage"], deal["stageName"]) == ("intro", "Intro")  # the pipeline's first stage
    assert (deal["contactId"], deal["accountId"]) == (body["contact"]["id"], body["account"]["id"])
    assert body["lead"]["convertedDealId"] == deal["id"]
    assert DealStageChange.objects.filter(deal_id=deal["id"], from_stage=None).count() == 1
    types = set(OutboxEvent.objects.values_list("event_type", flat=True))
    assert {"lead.converted", "contact.created", "account.created", "deal.created"} <= types


def test_converting_twice_conflicts(admin_api, lead, pipe_123):
    assert admin_api.post(f"/v1/leads/{lead['id']}/convert", DESIGN_CONVERT, format="json").status_code == 200
    response = admin_api.post(f"/v1/leads/{lead['id']}/convert", DESIGN_CONVERT, format="json")
    assert response.status_code == 409
    assert Deal.objects.count() == 1


def test_convert_finds_the_account_by_company_name_and_uses_default_pipeline(admin_api, lead):
    existing = Account.objects.create(name="prospect inc")
    body = {"createContact": True, "createDeal": True, "dealValue": 10}
    converted = admin_api.post(f"/v1/leads/{lead['id']}/convert", body, format="json").json()["data"]
    assert converted["account"]["id"] == existing.pk
    assert converted["deal"]["stageName"] == "Lead"


def test_convert_without_deal_answers_null_deal(admin_api, lead):
    converted = admin_api.post(f"/v1/leads/{lead['id']}/convert", {"createContact": True}, format="json").json()
    assert converted["data"]["deal"] is None
    assert converted["data"]["contact"]["firstName"] == "Jane"


def test_failed_conversion_leaves_nothing_behind(admin_api, lead):
    body = {**DESIGN_CONVERT, "pipelineId": "pipe_missing"}
    response = admin_api.post(f"/v1/leads/{lead['id']}/convert", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "pipelineId"
    assert not Contact.objects.exists()
    assert not Account.objects.exists()
    assert Lead.objects.get(pk=lead["id"]).status == "new"


def test_status_cannot_be_set_to_converted_directly(admin_api, lead):
    response = admin_api.patch(f"/v1/leads/{lead['id']}", {"status": "converted"}, format="json")
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"firstName": "A", "lastName": "B"}, ["email"]),
        ({"firstName": "A", "lastName": "B", "email": "x@y.test", "score": 101}, ["score"]),
        ({"firstName": "A", "lastName": "B", "email": "x@y.test", "status": "hot"}, ["status"]),
        ({"firstName": "A", "lastName": "B", "email": "x@y.test", "customFields": {"x": 1}}, ["customFields.x"]),
    ],
)
def test_bad_lead_input_names_each_field(admin_api, body, fields):
    response = admin_api.post("/v1/leads", body, format="json")
    assert response.status_code == 400
    assert sorted(e["field"] for e in response.json()["errors"]) == fields


def test_sales_rep_converts_their_own_lead(api, make_user, pipe_123):
    rep = make_user(roles=["sales_rep"])
    api.force_authenticate(rep)
    lead = api.post("/v1/leads", DESIGN_CREATE, format="json").json()["data"]
    response = api.post(f"/v1/leads/{lead['id']}/convert", DESIGN_CONVERT, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["data"]["deal"]["ownerId"] == rep.pk
    assert response.json()["data"]["contact"]["ownerId"] == rep.pk


def test_lead_list_costs_constant_queries(admin_api, django_assert_max_num_queries):
    for index in range(2):
        admin_api.post("/v1/leads", {**DESIGN_CREATE, "email": f"l{index}@x.test"}, format="json")
    with django_assert_max_num_queries(8) as small:
        admin_api.get("/v1/leads?limit=50")
    baseline = len(small)
    for index in range(2, 30):
        admin_api.post("/v1/leads", {**DESIGN_CREATE, "email": f"l{index}@x.test"}, format="json")
    with django_assert_max_num_queries(baseline):
        body = admin_api.get("/v1/leads?limit=50&status=new").json()
    assert body["meta"]["pagination"]["total"] == 30

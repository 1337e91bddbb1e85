"""`/v1/activities/...`: the design's task, event and communication bodies, completion, timeline."""

import pytest

from apps.activities.models import Task
from apps.events.models import OutboxEvent

DESIGN_TASK = {
    "title": "Follow up call",
    "description": "Call to discuss proposal feedback",
    "dueDate": "2025-01-25T14:00:00Z",
    "priority": "high",
    "status": "pending",
    "assignedTo": "user_123",
    "relatedTo": {"type": "deal", "id": "deal_456"},
}
DESIGN_EVENT = {
    "title": "Product Demo",
    "description": "Demo of CRM features",
    "startTime": "2025-01-26T10:00:00Z",
    "endTime": "2025-01-26T11:00:00Z",
    "location": "Conference Room A",
    "attendees": ["user_123", "contact_456"],
    "relatedTo": {"type": "deal", "id": "deal_789"},
}
DESIGN_COMMUNICATION = {
    "type": "email",
    "direction": "outbound",
    "subject": "Proposal Follow-up",
    "content": "Thank you for reviewing our proposal...",
    "timestamp": "2025-01-24T09:30:00Z",
    "participants": ["contact_456"],
    "relatedTo": {"type": "deal", "id": "deal_789"},
}


@pytest.fixture
def design_records(admin):
    """The records the design's bodies name, under the design's ids."""
    from apps.accounts.models import Account
    from apps.contacts.models import Contact
    from apps.deals.models import Deal
    from apps.pipelines.models import Pipeline
    from apps.users.models import User

    User.objects.create_user(id="user_123", email="user123@acme.test", password="Strong-Pass-2025!")
    account = Account.objects.create(id="account_1", name="Acme Corp", owner=admin)
    contact = Contact.objects.create(id="contact_456", first_name="Ann", last_name="Lee", account=account, owner=admin)
    pipeline = Pipeline.objects.get(is_default=True)
    stage = pipeline.stages.order_by("order").first()
    deals = {
        deal_id: Deal.objects.create(
            id=deal_id, title=deal_id, pipeline=pipeline, stage=stage, account=account, contact=contact, owner=admin
        )
        for deal_id in ("deal_456", "deal_789")
    }
    return {"account": account, "contact": contact, "deals": deals}


def test_design_task_body_creates_the_task(admin_api, design_records):
    response = admin_api.post("/v1/activities/tasks", DESIGN_TASK, format="json")
    assert response.status_code == 201, response.content
    task = response.json()["data"]
    assert task["id"].startswith("task_")
    assert task["assignedTo"] == "user_123"
    assert task["relatedTo"] == {"type": "deal", "id": "deal_456"}
    assert task["priority"] == "high"
    assert task["dueDate"] == "2025-01-25T14:00:00Z"
    assert OutboxEvent.objects.filter(record_id=task["id"], event_type="task.created").exists()


def test_design_event_body_creates_the_event_with_attendees(admin_api, design_records):
    response = admin_api.post("/v1/activities/events", DESIGN_EVENT, format="json")
    assert response.status_code == 201, response.content
    event = response.json()["data"]
    assert event["attendees"] == ["user_123", "contact_456"]
    assert event["duration"] == 60
    assert OutboxEvent.objects.filter(record_id=event["id"], event_type="event.created").exists()


def test_design_communication_body_logs_it(admin_api, design_records):
    response = admin_api.post("/v1/activities/communications", DESIGN_COMMUNICATION, format="json")
    assert response.status_code == 201, response.content
    communication = response.json()["data"]
    assert communication["type"] == "email"
    assert communication["participants"] == ["contact_456"]
    assert OutboxEvent.objects.filter(record_id=communication["id"], event_type="communication.logged").exists()


def test_related_record_must_exist_in_the_tenant(admin_api, design_records):
    body = {**DESIGN_TASK, "relatedTo": {"type": "deal", "id": "deal_nope"}}
    response = admin_api.post("/v1/activities/tasks", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "relatedTo.id"
    body = {**DESIGN_TASK, "relatedTo": {"type": "contact", "id": "deal_456"}}
    assert admin_api.post("/v1/activities/tasks", body, format="json").status_code == 400
    body = {**DESIGN_TASK, "relatedTo": {"type": "invoice", "id": "x"}}
    assert admin_api.post("/v1/activities/tasks", body, format="json").json()["errors"][0]["field"] == "relatedTo.type"


def test_event_ending_before_it_starts_is_refused(admin_api, design_records):
    body = {**DESIGN_EVENT, "endTime": "2025-01-26T09:00:00Z"}
    response = admin_api.post("/v1/activities/events", body, format="json")
    assert response.json()["errors"][0]["field"] == "endTime"


def test_complete_a_task(admin_api, design_records):
    task = admin_api.post("/v1/activities/tasks", DESIGN_TASK, format="json").json()["data"]
    response = admin_api.post(f"/v1/activities/tasks/{task['id']}/complete")
    assert response.status_code == 200
    assert response.json()["data"]["status"] == "completed"
    assert response.json()["data"]["completedAt"]
    assert OutboxEvent.objects.filter(record_id=task["id"], event_type="task.completed").exists()
    assert admin_api.post(f"/v1/activities/tasks/{task['id']}/complete").status_code == 409


def test_get_update_delete_list_each_kind(admin_api, design_records):
    for path, body, change in [
        ("tasks", DESIGN_TASK, {"title": "Call again"}),
        ("events", DESIGN_EVENT, {"location": "Room B", "attendees": ["contact_456"]}),
        ("communications", DESIGN_COMMUNICATION, {"subject": "Re: proposal"}),
    ]:
        created = admin_api.post(f"/v1/activities/{path}", body, format="json").json()["data"]
        url = f"/v1/activities/{path}/{created['id']}"
        assert admin_api.get(url).json()["data"]["id"] == created["id"]
        updated = admin_api.put(url, change, format="json").json()["data"]
        assert all(updated[key] == value for key, value in change.items())
        listed = admin_api.get(f"/v1/activities/{path}?relatedType=deal&relatedId={body['relatedTo']['id']}").json()
        assert [item["id"] for item in listed["data"]] == [created["id"]]
        assert admin_api.delete(url).json()["data"] == {"id": created["id"], "deleted": True}
        assert admin_api.get(url).status_code == 404


def test_design_timeline_query_merges_all_kinds_newest_first(admin_api, design_records):
    for deal_id in ("deal_456", "deal_789"):
        related = {"type": "deal", "id": deal_id}
        admin_api.post("/v1/activities/tasks", {**DESIGN_TASK, "relatedTo": related}, format="json")
        admin_api.post("/v1/activities/events", {**DESIGN_EVENT, "relatedTo": related}, format="json")
        admin_api.post("/v1/activities/communications", {**DESIGN_COMMUNICATION, "relatedTo": related}, format="json")
    body = admin_api.get("/v1/activities/timeline?relatedType=deal&relatedId=deal_456&page=1&limit=20").json()
    kinds = [item["type"] for item in body["data"]]
    assert sorted(kinds) == ["communication", "event", "task"]
    assert kinds[0] == "task"  # created today, after the 2025 event and email
    assert body["data"][1]["event"]["title"] == "Product Demo"
    assert body["data"][2]["communication"]["type"] == "email"
    assert body["meta"]["pagination"]["total"] == 3


def test_account_timeline_includes_its_contacts_and_deals_activities(admin_api, design_records):
    admin_api.post("/v1/activities/tasks", DESIGN_TASK, format="json")
    admin_api.post(
        "/v1/activities/communications",
        {**DESIGN_COMMUNICATION, "relatedTo": {"type": "contact", "id": "contact_456"}},
        format="json",
    )
    admin_api.post(
        "/v1/activities/tasks", {**DESIGN_TASK, "relatedTo": {"type": "account", "id": "account_1"}}, format="json"
    )
    body = admin_api.get("/v1/activities/timeline?relatedType=account&relatedId=account_1").json()
    assert body["meta"]["pagination"]["total"] == 3


def test_timeline_of_unknown_record_is_404(admin_api, design_records):
    assert admin_api.get("/v1/activities/timeline?relatedType=deal&relatedId=deal_nope").status_code == 404
    assert admin_api.get("/v1/activities/timeline?relatedType=deal").status_code == 400


def test_timeline_costs_constant_queries(admin_api, design_records, django_assert_max_num_queries):
    def add(count):
        for _ in range(count):
            admin_api.post("/v1/activities/tasks", DESIGN_TASK, format="json")
            admin_api.post(
                "/v1/activities/events", {**DESIGN_EVENT, "relatedTo": DESIGN_TASK["relatedTo"]}, format="json"
            )

    add(1)
    with django_assert_max_num_queries(15) as small:
        admin_api.get("/v1/activities/timeline?relatedType=deal&relatedId=deal_456&limit=50")
    baseline = len(small)
    add(10)
    with django_assert_max_num_queries(baseline):
        admin_api.get("/v1/activities/timeline?relatedType=deal&relatedId=deal_456&limit=50")


def test_sales_rep_sees_only_their_own_activities(api, make_user, design_records, admin):
    rep = make_user(roles=["sales_rep"])
    Task.objects.create(title="Admin's", owner=admin, related_type="deal", related_id="deal_456")
    api.force_authenticate(rep)
    mine = api.post("/v1/activities/tasks", {**DESIGN_TASK, "assignedTo": rep.pk}, format="json")
    assert mine.status_code == 201, mine.content
    assert [t["title"] for t in api.get("/v1/activities/tasks").json()["data"]] == ["Follow up call"]
    timeline = api.get("/v1/activities/timeline?relatedType=deal&relatedId=deal_456").json()
    assert timeline["meta"]["pagination"]["total"] == 1

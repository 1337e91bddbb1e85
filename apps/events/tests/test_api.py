"""`GET /v1/events?after=&types=&limit=`: catching up from a cursor, in order, only what one may read."""

from apps.events.services import event_emit, events_publish_pending
from apps.events.types import EventType


def _emit_published(count: int, event_type=EventType.CONTACT_UPDATED, owner=None) -> list[str]:
    ids = [
        event_emit(event_type, data={"n": n}, record_id=f"contact_{n}", owner_id=owner.pk if owner else "").event_id
        for n in range(count)
    ]
    events_publish_pending()
    return ids


def test_client_pages_through_the_log_with_the_after_cursor(admin_api, django_assert_max_num_queries):
    ids = _emit_published(5)
    start = admin_api.get("/v1/events", {"limit": 200}).json()["data"]
    before = start[-len(ids) - 1]["event_id"] if len(start) > len(ids) else None
    params = {"limit": 2, **({"after": before} if before else {})}
    seen = []
    with django_assert_max_num_queries(12):
        page = admin_api.get("/v1/events", params).json()
    while True:
        seen += [event["event_id"] for event in page["data"]]
        if not page["meta"]["pagination"]["hasNext"]:
            break
        page = admin_api.get("/v1/events", {"limit": 2, "after": page["meta"]["pagination"]["next_after"]}).json()
    assert seen[-5:] == ids
    event = page["data"][-1]
    assert set(event) == {"event_id", "event_type", "timestamp", "tenant_id", "data"}
    assert event["tenant_id"] == "acme" and event["event_type"] == "contact.updated"


def test_types_filter_keeps_only_the_listed_types(admin_api):
    _emit_published(2, EventType.CONTACT_CREATED)
    _emit_published(1, EventType.DEAL_CREATED)
    body = admin_api.get("/v1/events", {"types": "deal.created,lead.scored", "limit": 500}).json()
    assert body["data"] and {event["event_type"] for event in body["data"]} == {"deal.created"}


def test_events_a_caller_may_not_read_are_not_listed(api, make_user, admin):
    rep = make_user(roles=["sales_rep"])
    _emit_published(1, EventType.ACCOUNT_CREATED, owner=admin)  # no accounts:read
    _emit_published(1, EventType.TASK_DUE, owner=admin)  # activities only own
    own = _emit_published(1, EventType.TASK_DUE, owner=rep)
    api.force_authenticate(rep)
    listed = {event["event_id"]: event["event_type"] for event in api.get("/v1/events", {"limit": 500}).json()["data"]}
    assert own[0] in listed
    assert set(listed.values()) <= {"task.due", "contact.updated", "contact.created", "deal.created", "deal.updated"}
    assert "account.created" not in listed.values()


def test_unknown_cursor_answers_400_and_anonymous_401(admin_api, api):
    response = admin_api.get("/v1/events", {"after": "evt_unknown"})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "after"
    assert admin_api.get("/v1/events", {"limit": "zero"}).status_code == 400
    api.force_authenticate(None)
    assert api.get("/v1/events").status_code == 401

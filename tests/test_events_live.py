"""Events end to end: uvicorn (ASGI) + a real Celery worker + real clients on the `livetest` tenant.

Events are produced by `event_emit` in committed tenant transactions (`commit_in_tenant`), the way
the CRM services emit them; webhooks go to a local HTTP receiver; /ws is spoken with the
`websockets` client and SSE read with httpx streaming.
"""

import asyncio
import contextlib
import hashlib
import hmac
import json
import time
import uuid

import httpx
import pytest
import websockets

from apps.events.services import event_emit
from tests.fixtures import LIVE_TENANT, commit_in_tenant
from tests.test_live_server import login
from tests.webhook_receiver import Receiver

pytestmark = pytest.mark.django_db(transaction=False)


# ------------------------------------------------------------------------------------------------
# helpers


@pytest.fixture(scope="module")
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture(scope="module")
def live_api(live_server_url):
    client = login(live_server_url)
    yield client
    client.close()


@pytest.fixture
def register(live_api):
    """Registers webhooks over HTTP and deletes them after the test."""
    created = []

    def make(**body) -> dict:
        response = live_api.post("/v1/webhooks", json=body)
        assert response.status_code == 201, response.text
        created.append(response.json()["data"]["id"])
        return response.json()["data"]

    yield make
    for webhook_id in created:
        live_api.delete(f"/v1/webhooks/{webhook_id}")


def emit(event_type: str, data: dict, *, record_id: str = "", owner_id: str = "") -> str:
    """A change committed in `livetest` that emits one event; returns its event id."""
    return commit_in_tenant(
        LIVE_TENANT,
        lambda: event_emit(event_type, data=data, record_id=record_id, owner_id=owner_id).event_id,
    )


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


def make_user(roles: list[str]) -> str:
    from apps.users.services import user_create

    email = f"{unique('u')}@{LIVE_TENANT}.test"
    return commit_in_tenant(LIVE_TENANT, lambda: user_create(email=email, password="Str0ng-pass-2025!", roles=roles).pk)


def admin_id() -> str:
    from apps.users.models import User

    return commit_in_tenant(LIVE_TENANT, lambda: User.objects.get(email=f"admin@{LIVE_TENANT}.test").pk)


def token(user_id: str, lifetime: int | None = None) -> str:
    """A real RS256 access token of the identity module, stored (committed) so the server finds it."""
    from apps.identity.tokens import access_token_issue
    from apps.users.models import User

    return commit_in_tenant(
        LIVE_TENANT, lambda: access_token_issue(user=User.objects.get(pk=user_id), lifetime=lifetime)
    )


def verify_signature(header: str, secret: str, body: bytes) -> int:
    """The receiver's side of the documented scheme, written independently of the server code."""
    fields = [item.split("=", 1) for item in header.split(",")]
    timestamp = next(value for key, value in fields if key == "t")
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    assert any(key == "v1" and hmac.compare_digest(value, expected) for key, value in fields), header
    return int(timestamp)


def wait_until(check, timeout: float = 30, interval: float = 0.3):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(interval)


class Socket:
    """A /ws client: JSON in and out, heartbeat pings skipped."""

    def __init__(self, connection) -> None:
        self.connection = connection

    async def send(self, message) -> None:
        await self.connection.send(message if isinstance(message, str) else json.dumps(message))

    async def next(self, timeout: float = 15) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            message = json.loads(await asyncio.wait_for(self.connection.recv(), max(left, 0.01)))
            if message["type"] != "ping":
                return message

    async def auth(self, user_id: str, lifetime: int | None = None) -> dict:
        bearer = await asyncio.to_thread(token, user_id, lifetime)
        await self.send({"type": "auth", "token": f"Bearer {bearer}", "tenant_id": LIVE_TENANT})
        return await self.next()


@contextlib.asynccontextmanager
async def ws_client(live_server_url: str):
    async with websockets.connect(f"{live_server_url.replace('http://', 'ws://')}/ws") as connection:
        yield Socket(connection)


async def in_thread(function, *args, **kwargs):
    return await asyncio.to_thread(function, *args, **kwargs)


# ------------------------------------------------------------------------------------------------
# webhooks

DESIGN_DEAL_DATA = {
    "deal": {
        "id": "deal_789",
        "title": "Enterprise Software License",
        "value": 75000.00,
        "currency": "USD",
        "previous_stage": "proposal",
        "current_stage": "closed_won",
        "pipeline_id": "pipe_123",
        "contact": {"id": "contact_456", "name": "John Doe", "email": "john.doe@enterprise-corp.com"},
        "account": {"id": "account_789", "name": "Enterprise Corp"},
    },
    "change_info": {
        "changed_by": {"id": "user_123", "name": "Sales Rep", "email": "rep@crm-platform.com"},
        "reason": "Customer signed contract",
        "stage_duration_days": 14,
    },
}


def test_webhook_is_delivered_signed_with_the_documented_scheme(celery_worker, receiver, register, live_api):
    path = f"/{unique('hook')}"
    hook = register(
        url=receiver.url + path,
        events=["deal.created", "deal.stage_changed", "contact.updated", "lead.converted"],
        filters={
            "deal.stage_changed": {"pipeline_ids": ["pipe_123", "pipe_456"], "stages": ["closed_won", "closed_lost"]}
        },
        security={"secret": "webhook_secret_key", "signature_header": "X-CRM-Signature"},
        retry_config={"max_retries": 3, "retry_delay_seconds": 60, "timeout_seconds": 30},
    )
    other_pipeline = json.loads(json.dumps(DESIGN_DEAL_DATA))
    other_pipeline["deal"]["pipeline_id"] = "pipe_999"
    skipped = emit("deal.stage_changed", other_pipeline, record_id="deal_789")
    event_id = emit("deal.stage_changed", DESIGN_DEAL_DATA, record_id="deal_789")

    [request] = receiver.wait_for(lambda r: r.path == path)
    sent_at = verify_signature(request.headers["X-CRM-Signature"], "webhook_secret_key", request.body)
    assert abs(time.time() - sent_at) < 60
    assert request.headers["X-CRM-Timestamp"] == str(sent_at)
    assert request.headers["X-CRM-Event"] == "deal.stage_changed"
    assert request.headers["X-CRM-Delivery"].startswith("whd_")
    assert request.headers["Content-Type"] == "application/json"
    assert request.json == {
        "event_id": event_id,
        "event_type": "deal.stage_changed",
        "timestamp": request.json["timestamp"],
        "tenant_id": LIVE_TENANT,
        "data": DESIGN_DEAL_DATA,
    }
    time.sleep(1)
    assert skipped not in {r.json["event_id"] for r in receiver.on_path(path)}  # filtered out by pipeline

    deliveries = live_api.get(f"/v1/webhooks/{hook['id']}/deliveries").json()["data"]
    assert [d["id"] for d in deliveries] == [request.headers["X-CRM-Delivery"]]
    assert deliveries[0]["status"] == "delivered"
    assert deliveries[0]["delivery_attempt"]["status"] == "succeeded"
    assert deliveries[0]["delivery_attempt"]["response_code"] == 200
    assert deliveries[0]["event"] == {
        "id": event_id,
        "type": "deal.stage_changed",
        "timestamp": request.json["timestamp"],
    }


def test_webhook_is_retried_after_a_500_and_every_attempt_is_logged(celery_worker, receiver, register, live_api):
    path = f"/{unique('flaky')}"
    receiver.statuses[path].append(500)
    hook = register(
        url=receiver.url + path,
        events=["contact.updated"],
        security={"secret": "flaky-secret-123"},
        retry_config={"max_retries": 3, "retry_delay_seconds": 1, "timeout_seconds": 5},
    )
    event_id = emit("contact.updated", {"contact": {"id": "contact_1"}}, record_id="contact_1")
    first, second = receiver.wait_for(lambda r: r.path == path, count=2)
    assert first.headers["X-CRM-Delivery"] == second.headers["X-CRM-Delivery"]  # the idempotency key
    assert first.json["event_id"] == second.json["event_id"] == event_id
    verify_signature(second.headers["X-CRM-Signature"], "flaky-secret-123", second.body)

    def delivered():
        data = live_api.get(f"/v1/webhooks/{hook['id']}/deliveries").json()["data"]
        return data if data and data[0]["status"] == "delivered" else None

    [delivery] = wait_until(delivered)
    attempts = delivery["attempts"]
    assert [(a["attempt_number"], a["status"], a["response_code"]) for a in attempts] == [
        (1, "failed", 500),
        (2, "succeeded", 200),
    ]
    assert attempts[0]["error"] == "HTTP 500" and attempts[0]["next_retry"] is not None


def test_test_endpoint_and_redelivery_send_signed_requests(celery_worker, receiver, register, live_api):
    path = f"/{unique('manual')}"
    hook = register(url=receiver.url + path, events=["lead.converted"], security={"secret": "manual-secret-1"})
    response = live_api.post(f"/v1/webhooks/{hook['id']}/test")
    assert response.status_code == 202
    [test] = receiver.wait_for(lambda r: r.path == path)
    assert test.json["event_type"] == "webhook.test" and test.headers["X-CRM-Event"] == "webhook.test"
    verify_signature(test.headers["X-CRM-Signature"], "manual-secret-1", test.body)

    delivery_id = test.headers["X-CRM-Delivery"]
    wait_until(
        lambda: (
            live_api.get(f"/v1/webhooks/{hook['id']}/deliveries/{delivery_id}").json()["data"]["status"] == "delivered"
        )
    )
    again = live_api.post(f"/v1/webhooks/{hook['id']}/deliveries/{delivery_id}/redeliver")
    assert again.status_code == 202
    first, second = receiver.wait_for(lambda r: r.path == path, count=2)
    assert second.json["event_id"] == first.json["event_id"]
    assert second.headers["X-CRM-Delivery"] == again.json()["data"]["id"] != delivery_id


def test_endpoint_failing_repeatedly_is_disabled_and_the_tenant_notified(celery_worker, receiver, register, live_api):
    path = f"/{unique('down')}"
    receiver.always[path] = 503
    hook = register(url=receiver.url + path, events=["lead.created"], retry_config={"max_retries": 0})
    for n in range(5):
        emit("lead.created", {"lead": {"id": f"lead_{n}"}}, record_id=f"lead_{n}")
    wait_until(lambda: live_api.get(f"/v1/webhooks/{hook['id']}").json()["data"]["active"] is False)
    data = live_api.get(f"/v1/webhooks/{hook['id']}").json()["data"]
    assert data["status"] == "disabled" and "5 consecutive" in data["disabled_reason"]

    def notified():
        events = live_api.get("/v1/events", params={"types": "webhook.disabled", "limit": 500}).json()["data"]
        return [event for event in events if event["data"]["webhook_id"] == hook["id"]]

    [event] = wait_until(notified)
    assert event["data"]["url"] == receiver.url + path


# ------------------------------------------------------------------------------------------------
# rollback


def test_rolled_back_change_yields_no_event_anywhere(celery_worker, receiver, register, live_server_url):
    from apps.events.models import OutboxEvent

    path = f"/{unique('rollback')}"
    register(url=receiver.url + path, events=["contact.updated"])
    rolled_back, marker = unique("contact"), unique("contact")

    class Abort(Exception):
        pass

    def change_that_fails():
        event_emit("contact.updated", data={"contact": {"id": rolled_back}}, record_id=rolled_back)
        raise Abort

    async def scenario():
        async with ws_client(live_server_url) as ws:
            assert (await ws.auth(admin_id()))["type"] == "auth.ok"
            await ws.send({"type": "subscribe", "channel": "contacts"})
            assert (await ws.next())["type"] == "subscribed"
            with pytest.raises(Abort):
                await in_thread(commit_in_tenant, LIVE_TENANT, change_that_fails)
            await in_thread(emit, "contact.updated", {"contact": {"id": marker}}, record_id=marker)
            seen = []
            while not seen or seen[-1] != marker:
                message = await ws.next()
                seen.append(message["data"]["contact"]["id"])
            return seen

    assert rolled_back not in asyncio.run(scenario())
    receiver.wait_for(lambda r: r.path == path and r.json["data"]["contact"]["id"] == marker)
    assert [r.json["data"]["contact"]["id"] for r in receiver.on_path(path)] == [marker]
    assert not commit_in_tenant(LIVE_TENANT, lambda: OutboxEvent.objects.filter(record_id=rolled_back).exists())


# ------------------------------------------------------------------------------------------------
# /ws


def test_websocket_speaks_the_design_protocol_and_answers_every_mistake(celery_worker, live_server_url):
    admin = admin_id()
    pipeline = unique("pipe")

    async def scenario():
        async with ws_client(live_server_url) as ws:
            await ws.send({"type": "subscribe", "channel": "deals"})
            assert (await ws.next())["code"] == "UNAUTHORIZED"
            await ws.send("{not json")
            assert (await ws.next()) == {
                "type": "error",
                "code": "INVALID_JSON",
                "message": "The message is not valid JSON.",
            }
            await ws.send({"type": "auth", "token": "Bearer forged.jwt.value", "tenant_id": LIVE_TENANT})
            assert (await ws.next())["code"] == "UNAUTHORIZED"
            raw = await in_thread(token, admin)
            await ws.send({"type": "auth", "token": raw, "tenant_id": "ghost_co"})
            assert (await ws.next())["code"] == "TENANT_NOT_FOUND"
            await ws.send({"type": "auth", "token": raw, "tenant_id": LIVE_TENANT})  # raw JWT, no "Bearer"
            assert (await ws.next())["type"] == "auth.ok"
            await ws.send({"type": "subscribe", "channel": "invoices"})
            assert (await ws.next())["code"] == "UNKNOWN_CHANNEL"
            await ws.send({"type": "subscribe", "channel": "deals", "filters": {"colour": "red"}})
            assert (await ws.next())["code"] == "INVALID_FILTER"
            await ws.send({"type": "hello"})
            assert (await ws.next())["code"] == "UNKNOWN_TYPE"
            await ws.send({"type": "subscribe", "channel": "deals", "filters": {"pipeline_id": pipeline}})
            assert await ws.next() == {"type": "subscribed", "channel": "deals", "filters": {"pipeline_id": pipeline}}

            await in_thread(
                emit, "deal.updated", {"deal": {"id": "deal_a", "pipeline_id": "pipe_other"}}, record_id="deal_a"
            )
            wanted = await in_thread(
                emit, "deal.stage_changed", {"deal": {"id": "deal_b", "pipeline_id": pipeline}}, record_id="deal_b"
            )
            message = await ws.next()
            assert message == {
                "type": "deal.stage_changed",
                "data": {"deal": {"id": "deal_b", "pipeline_id": pipeline}},
                "event_id": wanted,
                "timestamp": message["timestamp"],
            }
            await ws.send({"type": "unsubscribe", "channel": "deals"})
            assert (await ws.next()) == {"type": "unsubscribed", "channel": "deals"}
            await ws.send({"type": "ping"})
            assert (await ws.next())["type"] == "pong"

    asyncio.run(scenario())


def test_websocket_sends_only_what_the_subscriber_may_read(celery_worker, live_server_url):
    from apps.activities.models import Task

    rep, other = make_user(["sales_rep"]), make_user(["sales_rep"])
    foreign_task = commit_in_tenant(LIVE_TENANT, lambda: Task.objects.create(title="Not yours", owner_id=other).pk)

    async def scenario():
        async with ws_client(live_server_url) as ws:
            assert (await ws.auth(rep))["type"] == "auth.ok"
            await ws.send({"type": "subscribe", "channel": "accounts"})
            assert (await ws.next())["code"] == "FORBIDDEN"  # no accounts:read
            await ws.send({"type": "subscribe", "channel": "activities", "filters": {"record_id": foreign_task}})
            assert (await ws.next())["code"] == "FORBIDDEN"  # activities only own
            await ws.send({"type": "subscribe", "channel": "activities", "filters": {"record_id": "task_missing"}})
            assert (await ws.next())["code"] == "NOT_FOUND"
            await ws.send({"type": "subscribe", "channel": "activities"})
            assert (await ws.next())["type"] == "subscribed"
            await in_thread(emit, "task.updated", {"task_id": foreign_task}, record_id=foreign_task, owner_id=other)
            mine = await in_thread(emit, "task.updated", {"task_id": "task_mine"}, record_id="task_mine", owner_id=rep)
            message = await ws.next()
            assert message["event_id"] == mine  # the other owner's task never came

    asyncio.run(scenario())


def test_websocket_pings_and_closes_when_the_token_expires(live_server_url):
    async def scenario():
        async with ws_client(live_server_url) as ws:
            reply = await ws.auth(admin_id(), lifetime=8)  # the JWT verifier allows 5 s of leeway
            assert reply["type"] == "auth.ok" and "expires_at" in reply
            assert json.loads(await asyncio.wait_for(ws.connection.recv(), 5))["type"] == "ping"
            message = await ws.next(timeout=20)
            assert message["code"] == "TOKEN_EXPIRED"
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(ws.connection.recv(), 5)
            assert closed.value.rcvd.code == 4401

    asyncio.run(scenario())


# ------------------------------------------------------------------------------------------------
# SSE and the pull API


class SSEReader:
    """Reads an open `text/event-stream` response line by line (keep-alives arrive every 2 s)."""

    def __init__(self, response) -> None:
        self.lines = response.iter_lines()
        self.comments: list[str] = []

    def first_line(self) -> str:
        return next(self.lines)

    def events(self, count: int, timeout: float = 20) -> list[dict]:
        events, current = [], {}
        deadline = time.monotonic() + timeout
        for line in self.lines:
            if line.startswith((":", "retry:")):
                self.comments.append(line)
            elif line.startswith("id: "):
                current["id"] = line[4:]
            elif line.startswith("data: "):
                current["data"] = json.loads(line[6:])
            elif line == "" and current:
                events.append(current)
                current = {}
            if len(events) == count or time.monotonic() > deadline:
                break
        return events


def test_sse_feed_streams_events_and_replays_what_was_missed_after_reconnect(celery_worker, live_server_url, live_api):
    owner = make_user(["sales_rep"])
    headers = {"X-Tenant-ID": LIVE_TENANT, "Authorization": f"Bearer {token(owner)}", "Accept": "text/event-stream"}
    url = f"{live_server_url}/sse/activity-feed"
    due = {"task_id": "task_789", "title": "Follow up call", "due_date": "2025-01-24T14:00:00Z"}
    with httpx.Client(timeout=30) as client:
        with client.stream("GET", url, params={"user_id": owner}, headers=headers) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            stream = SSEReader(response)
            assert stream.first_line().startswith("retry:")
            first = emit("task.due", due, record_id="task_789", owner_id=owner)
            assert stream.events(1) == [{"id": first, "data": {"type": "task.due", "data": due}}]

        # Offline for a while: two events happen, and another user's.
        missed = [
            emit(
                "deal.updated", {"deal_id": "deal_456", "title": "Updated deal value", "value": 80000}, owner_id=owner
            ),
            emit("lead.scored", {"lead_id": "lead_123", "score": 92, "change": "+15"}, owner_id=owner),
        ]
        emit("lead.scored", {"lead_id": "lead_999", "score": 10}, owner_id=admin_id())
        with client.stream(
            "GET", url, params={"user_id": owner}, headers={**headers, "Last-Event-ID": first}
        ) as response:
            stream = SSEReader(response)
            events = stream.events(2)
            assert [event["id"] for event in events] == missed
            assert [event["data"]["type"] for event in events] == ["deal.updated", "lead.scored"]
            stream.events(1, timeout=5)  # idle: only keep-alive comments come
            assert ": keep-alive" in stream.comments

    # The same log, pulled: /v1/events?after=<first> catches up in order.
    caught_up = live_api.get(
        "/v1/events", params={"after": first, "types": "deal.updated,lead.scored", "limit": 500}
    ).json()
    assert [event["event_id"] for event in caught_up["data"]][:2] == missed


def test_sse_refuses_anonymous_and_unknown_cursor(live_server_url):
    url = f"{live_server_url}/sse/activity-feed"
    anonymous = httpx.get(url, headers={"X-Tenant-ID": LIVE_TENANT})
    assert anonymous.status_code == 401 and anonymous.json()["error"]["code"] == "UNAUTHORIZED"
    headers = {"X-Tenant-ID": LIVE_TENANT, "Authorization": f"Bearer {token(admin_id())}", "Last-Event-ID": "evt_gone"}
    assert httpx.get(url, headers=headers).status_code == 400

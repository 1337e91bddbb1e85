"""Subscriptions over a real WebSocket against the ASGI app under uvicorn (`graphql-transport-ws`)."""

import asyncio
import contextlib
import json

import pytest

from tests.fixtures import LIVE_TENANT
from tests.graphql import data
from tests.graphql.live import GraphQLSocket, committed, cookie_header
from tests.test_live_server import login

pytestmark = pytest.mark.django_db(transaction=False)

DEAL_UPDATED = """
subscription DealUpdates($pipelineId: ID) {
  dealUpdated(pipelineId: $pipelineId) { id title stage contact { fullName } }
}
"""


def publish(event: dict) -> None:
    """What the events module does with a committed event (apps.events.groups.broadcast)."""
    from apps.events.groups import broadcast

    broadcast([event])


def test_socket_acknowledges_a_signed_in_session_and_answers_ping(live_server_url):
    with contextlib.closing(login(live_server_url)) as client:
        cookies = cookie_header(client)

    async def scenario():
        async with await GraphQLSocket.open(live_server_url, cookies=cookies) as socket:
            assert await socket.receive() == {"type": "connection_ack"}
            await socket.send({"type": "ping"})
            assert await socket.receive() == {"type": "pong"}

    asyncio.run(scenario())


def test_socket_without_credentials_is_closed_with_4403(live_server_url):
    async def scenario():
        socket = await GraphQLSocket.open(live_server_url)
        with pytest.raises(Exception) as closed:
            await socket.receive()
        assert "4403" in str(closed.value)

    asyncio.run(scenario())


def test_subscribe_before_connection_init_is_closed_with_4401(live_server_url):
    import websockets

    async def scenario():
        url = live_server_url.replace("http://", "ws://") + "/graphql"
        async with websockets.connect(
            url, subprotocols=["graphql-transport-ws"], additional_headers={"X-Tenant-ID": LIVE_TENANT}
        ) as socket:
            query = 'subscription { taskDue(userId: "x") { id } }'
            await socket.send(json.dumps({"type": "subscribe", "id": "1", "payload": {"query": query}}))
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(socket.recv(), 10)
            assert closed.value.rcvd.code == 4401

    asyncio.run(scenario())


def test_deal_updated_reaches_a_subscriber_filtered_by_pipeline(live_server_url):
    def seed():
        contact = data.make_contact(first_name="Sub", last_name="Scriber")
        return data.make_deal(title="Live deal", contact=contact).pk, data.default_pipeline().pk

    deal_id, pipeline_id = committed(seed)
    with contextlib.closing(login(live_server_url)) as client:
        cookies = cookie_header(client)

    async def scenario():
        async with await GraphQLSocket.open(live_server_url, cookies=cookies) as socket:
            assert (await socket.receive())["type"] == "connection_ack"
            await socket.subscribe("other", DEAL_UPDATED, {"pipelineId": "pipe_elsewhere"})
            await socket.subscribe("mine", DEAL_UPDATED, {"pipelineId": pipeline_id})
            await socket.settled()
            await asyncio.to_thread(
                publish,
                {
                    "event_id": "evt_test",
                    "event_type": "deal.updated",
                    "timestamp": "2025-01-24T10:30:00Z",
                    "tenant_id": LIVE_TENANT,
                    "data": {"deal": {"id": deal_id}},
                },
            )
            message = await socket.receive()
            assert message == {
                "type": "next",
                "id": "mine",
                "payload": {
                    "data": {
                        "dealUpdated": {
                            "id": deal_id,
                            "title": "Live deal",
                            "stage": "qualification",
                            "contact": {"fullName": "Sub Scriber"},
                        }
                    }
                },
            }
            await socket.send({"type": "complete", "id": "mine"})

    asyncio.run(scenario())


def test_connection_init_authenticates_with_a_bearer_token_and_tenant(live_server_url):
    def mint():
        from apps.identity.tokens import access_token_issue
        from apps.users.models import User

        return access_token_issue(user=User.objects.get(email=f"admin@{LIVE_TENANT}.test"))

    token = committed(mint)

    async def scenario():
        socket = await GraphQLSocket.open(
            live_server_url, init_payload={"authorization": f"Bearer {token}", "tenantId": LIVE_TENANT}
        )
        assert await socket.receive() == {"type": "connection_ack"}
        await socket.subscribe("q", "{ apiVersion }")
        assert await socket.receive() == {"type": "next", "id": "q", "payload": {"data": {"apiVersion": "1.0"}}}
        assert await socket.receive() == {"type": "complete", "id": "q"}
        await socket.close()
        refused = await GraphQLSocket.open(
            live_server_url, init_payload={"authorization": "Bearer forged", "tenantId": LIVE_TENANT}
        )
        with pytest.raises(Exception) as closed:
            await refused.receive()
        assert "4403" in str(closed.value)

    asyncio.run(scenario())


def test_a_stage_change_made_over_rest_reaches_a_graphql_subscriber(live_server_url, celery_worker):
    from tests.graphql.queries import DEAL_STAGE_UPDATES

    def seed():
        contact = data.make_contact(first_name="Rest", last_name="Buyer")
        return data.make_deal(title="Moved over REST", contact=contact, value=75000).pk, data.default_pipeline().pk

    deal_id, pipeline_id = committed(seed)
    client = login(live_server_url)

    async def scenario():
        async with await GraphQLSocket.open(live_server_url, cookies=cookie_header(client)) as socket:
            assert (await socket.receive())["type"] == "connection_ack"
            await socket.subscribe("elsewhere", DEAL_STAGE_UPDATES, {"pipelineId": "pipe_elsewhere"})
            await socket.subscribe("stages", DEAL_STAGE_UPDATES, {"pipelineId": pipeline_id})
            await socket.settled()
            moved = await asyncio.to_thread(
                client.post,
                f"/v1/deals/{deal_id}/move-stage",
                json={"newStage": "negotiation", "reason": "Customer approved proposal"},
            )
            assert moved.status_code == 200, moved.text
            message = await socket.receive(timeout=30)
            assert message["type"] == "next" and message["id"] == "stages"
            change = message["payload"]["data"]["dealStageChanged"]
            assert change["deal"] == {
                "id": deal_id,
                "title": "Moved over REST",
                "value": 75000.0,
                "stage": "negotiation",
                "contact": {"fullName": "Rest Buyer"},
            }
            assert change["previousStage"] == "qualification"
            assert change["newStage"] == "negotiation"
            assert change["changedBy"]["name"] == "Tenant Admin"
            assert change["reason"] == "Customer approved proposal"
            assert change["timestamp"].endswith("Z")

    try:
        asyncio.run(scenario())
    finally:
        client.close()


def test_the_designs_subscriptions_receive_changes_made_over_rest(live_server_url, celery_worker):
    from tests.graphql.queries import LEAD_SCORING_UPDATES, USER_ACTIVITY_NOTIFICATIONS

    def seed():
        from apps.users.models import User

        admin = User.objects.get(email=f"admin@{LIVE_TENANT}.test")
        return data.make_lead(company="Prospect Inc").pk, data.default_pipeline().pk, admin.pk

    lead_id, pipeline_id, admin_id = committed(seed)
    client = login(live_server_url)
    metrics = (
        "subscription($p: ID!) { pipelineMetricsUpdated(pipelineId: $p) { dealCount totalValue pipeline { id } } }"
    )

    async def scenario():
        async with await GraphQLSocket.open(live_server_url, cookies=cookie_header(client)) as socket:
            assert (await socket.receive())["type"] == "connection_ack"
            await socket.subscribe("activity", USER_ACTIVITY_NOTIFICATIONS, {"userId": admin_id})
            await socket.subscribe("score", LEAD_SCORING_UPDATES, {"leadId": lead_id})
            await socket.subscribe("metrics", metrics, {"p": pipeline_id})
            await socket.settled()

            def changes():
                task = {
                    "title": "Call back",
                    "priority": "high",
                    "assignedTo": admin_id,
                    "dueDate": "2030-01-25T14:00:00Z",
                }
                assert client.post("/v1/activities/tasks", json=task).status_code == 201
                score = {"score": 85, "scoringFactors": ["Email opened", "Demo requested"]}
                assert client.put(f"/v1/leads/{lead_id}/score", json=score).status_code == 200
                deal = {"title": "Metrics deal", "value": 1234}
                assert client.post("/v1/deals", json=deal).status_code == 201

            await asyncio.to_thread(changes)
            received = {}
            while len(received) < 3:
                message = await socket.receive(timeout=30)
                assert message["type"] == "next", message
                received.setdefault(message["id"], message["payload"]["data"])
            assert received["activity"]["newActivity"]["title"] == "Call back"
            assert received["activity"]["newActivity"]["priority"] == "HIGH"
            score = received["score"]["leadScoreChanged"]
            assert score["lead"] == {"id": lead_id, "fullName": "Jane Smith", "company": "Prospect Inc"}
            assert score["newScore"] == 85
            assert [factor["factor"] for factor in score["scoringFactors"]] == ["Email opened", "Demo requested"]
            figures = received["metrics"]["pipelineMetricsUpdated"]
            assert figures["pipeline"] == {"id": pipeline_id} and figures["dealCount"] >= 1

    try:
        asyncio.run(scenario())
    finally:
        client.close()

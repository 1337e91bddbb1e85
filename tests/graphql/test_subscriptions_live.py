"""Subscriptions over a real WebSocket against the ASGI app under uvicorn (`graphql-transport-ws`)."""

import asyncio
import contextlib
import json

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from apps.core.graphql.subscriptions import events_group
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
    """What the events module does with a committed event."""
    resource = {"deal": "deals", "lead": "leads"}.get(event["event_type"].split(".")[0], "activities")
    group = events_group(LIVE_TENANT, resource)
    async_to_sync(get_channel_layer().group_send)(group, {"type": "crm.event", "event": event})


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
            await asyncio.sleep(0.3)
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

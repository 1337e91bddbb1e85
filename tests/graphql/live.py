"""Helpers for GraphQL end-to-end tests against the live server (tenant `livetest`)."""

import asyncio
import json

import websockets

from tests.fixtures import LIVE_TENANT


def committed(work):
    """Runs `work()` committed in `livetest` (the live server cannot see a test's rolled-back
    transaction) and returns its result."""
    from tests.fixtures import commit_in_tenant

    return commit_in_tenant(LIVE_TENANT, work)


class GraphQLSocket:
    """A `graphql-transport-ws` client over a real WebSocket."""

    def __init__(self, socket):
        self.socket = socket

    @classmethod
    async def open(cls, live_server_url: str, *, cookies: str = "", init_payload: dict | None = None):
        url = live_server_url.replace("http://", "ws://") + "/graphql"
        headers = {"X-Tenant-ID": LIVE_TENANT}
        if cookies:
            headers["Cookie"] = cookies
        socket = await websockets.connect(url, subprotocols=["graphql-transport-ws"], additional_headers=headers)
        client = cls(socket)
        await client.send({"type": "connection_init", "payload": init_payload or {"tenantId": LIVE_TENANT}})
        return client

    async def send(self, message: dict) -> None:
        await self.socket.send(json.dumps(message))

    async def receive(self, timeout: float = 10) -> dict:
        return json.loads(await asyncio.wait_for(self.socket.recv(), timeout))

    async def subscribe(self, operation_id: str, query: str, variables: dict | None = None) -> None:
        await self.send(
            {"type": "subscribe", "id": operation_id, "payload": {"query": query, "variables": variables or {}}}
        )

    async def settled(self) -> None:
        """Returns once the server has handled every message sent so far: it handles a socket's
        messages in order, so its `pong` comes after the subscriptions are in place."""
        await self.send({"type": "ping"})
        assert await self.receive() == {"type": "pong"}

    async def close(self) -> None:
        await self.socket.close()

    async def __aenter__(self) -> "GraphQLSocket":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()  # even when an assertion failed: the server must not wait for us


def cookie_header(client) -> str:
    return "; ".join(f"{name}={value}" for name, value in client.cookies.items())

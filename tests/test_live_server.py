"""End to end against the ASGI app under uvicorn, over real HTTP and WebSocket, as clients see it."""

import asyncio
import contextlib
import json
import re
import threading
import uuid

import httpx
import pytest
import websockets

from tests.fixtures import ADMIN_PASSWORD, LIVE_TENANT

pytestmark = pytest.mark.django_db(transaction=False)


def login(url: str) -> httpx.Client:
    """Signs in through the server-rendered login form; the session then authorises the API."""
    client = httpx.Client(base_url=url, headers={"X-Tenant-ID": LIVE_TENANT}, timeout=20)
    page = client.get("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = client.post(
        "/accounts/login/",
        data={"csrfmiddlewaretoken": token, "username": f"admin@{LIVE_TENANT}.test", "password": ADMIN_PASSWORD},
        headers={"Referer": f"{url}/accounts/login/"},
    )
    assert response.status_code == 302, response.text
    client.headers["X-CSRFToken"] = client.cookies["csrftoken"]
    client.headers["Referer"] = f"{url}/"
    return client


def test_health_and_envelope_over_http(live_server_url):
    response = httpx.get(f"{live_server_url}/healthz", headers={"X-Request-ID": "e2e-1"})
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == "e2e-1"
    assert response.json()["meta"]["requestId"] == "e2e-1"
    assert httpx.get(f"{live_server_url}/readyz").json()["data"]["checks"] == {"postgres": "ok", "redis": "ok"}


def test_tenant_by_header_and_by_host(live_server_url):
    unauthenticated = httpx.get(f"{live_server_url}/v1/users", headers={"X-Tenant-ID": LIVE_TENANT})
    assert unauthenticated.status_code == 401
    by_host = httpx.get(f"{live_server_url}/v1/users", headers={"Host": f"{LIVE_TENANT}.localhost"})
    assert by_host.status_code == 401
    unknown = httpx.get(f"{live_server_url}/v1/users", headers={"X-Tenant-ID": "ghost_co"})
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "NOT_FOUND"


def test_openapi_and_swagger_are_served_without_internet(live_server_url):
    schema = httpx.get(f"{live_server_url}/v1/schema?format=json")
    assert schema.status_code == 200
    assert "/v1/users" in schema.json()["paths"]
    docs = httpx.get(f"{live_server_url}/v1/docs")
    assert docs.status_code == 200
    assert "http://" not in re.sub(r"http://127\.0\.0\.1:\d+", "", docs.text.split("<body>")[0]).replace(
        "http://www.w3.org", ""
    )


def test_session_login_then_api(live_server_url):
    with contextlib.closing(login(live_server_url)) as client:
        body = client.get("/v1/users").json()
        assert body["success"] is True
        assert f"admin@{LIVE_TENANT}.test" in {user["email"] for user in body["data"]}


def test_concurrent_retries_of_one_idempotency_key_do_the_work_once(live_server_url):
    name = f"team_{uuid.uuid4().hex[:8]}"
    key = f"idem-{uuid.uuid4()}"
    with contextlib.closing(login(live_server_url)) as client:
        results: list[httpx.Response] = []

        def send():
            results.append(client.post("/v1/teams", json={"name": name}, headers={"Idempotency-Key": key}))

        threads = [threading.Thread(target=send) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert [r.status_code for r in results] == [201] * 4
        assert len({r.json()["data"]["id"] for r in results}) == 1
        teams = client.get("/v1/teams", params={"limit": 200}).json()["data"]
        assert [team["name"] for team in teams].count(name) == 1


def test_websocket_scope_is_routed_to_its_tenant(live_server_url):
    ws_url = live_server_url.replace("http://", "ws://")
    by_query = asyncio.run(_probe(f"{ws_url}/ws/health?tenant_id={LIVE_TENANT}"))
    assert by_query == {"type": "health", "tenant_id": LIVE_TENANT}
    by_header = asyncio.run(_probe(f"{ws_url}/ws/health", additional_headers={"X-Tenant-ID": LIVE_TENANT}))
    assert by_header["tenant_id"] == LIVE_TENANT


async def _probe(uri: str, **kwargs) -> dict:
    async with websockets.connect(uri, **kwargs) as socket:
        return json.loads(await socket.recv())

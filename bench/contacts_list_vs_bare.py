"""Throughput of `GET /v1/contacts?limit=50` (with account and owner) against a bare Django view
running the same SQL and returning the same JSON with JsonResponse (bench/_urls_bench.py).

    .venv/bin/python bench/contacts_list_vs_bare.py [N] [SECONDS] [CONCURRENCY]

Both are served by one uvicorn process in the same run, under the same concurrent load (httpx
async clients), taking turns so that drift hits both alike. Goal (issue 4): the API reaches at
least 0.7x the bare view's requests per second; the difference is what the envelope, DRF,
permissions, serializers and the session cost.
"""

import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
from _contacts_data import ADMIN_EMAIL, TENANT, contacts_ensure
from django_tenants.utils import tenant_context

ROOT = Path(__file__).resolve().parent.parent
GOAL = 0.7


def session_cookie(tenant) -> str:
    """A logged-in session of the tenant admin, as the login form would leave it."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from apps.users.models import User

    with tenant_context(tenant):
        user = User.objects.get(email=ADMIN_EMAIL)
        session = SessionStore()
        session[SESSION_KEY] = user.pk
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return session.session_key


def serve(port: int) -> subprocess.Popen:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench._settings_bench", LOG_LEVEL="WARNING")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "crm.asgi:application",
            "--port",
            str(port),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("uvicorn did not start")


async def load(client: httpx.AsyncClient, url: str, seconds: float, concurrency: int) -> list[float]:
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            response = await client.get(url)
            assert response.status_code == 200, response.text[:300]
            latencies.append(time.perf_counter() - started)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


async def measure(base: str, headers: dict, seconds: float, concurrency: int) -> dict[str, list[float]]:
    urls = {"api": f"{base}/v1/contacts?limit=50", "bare": f"{base}/bare/contacts?limit=50"}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    results: dict[str, list[float]] = {"api": [], "bare": []}
    async with httpx.AsyncClient(headers=headers, limits=limits, timeout=30) as client:
        api = (await client.get(urls["api"])).json()
        bare = (await client.get(urls["bare"])).json()
        if api["data"] != bare["data"]:
            diff = [
                (k, a.get(k), b.get(k))
                for a, b in zip(api["data"], bare["data"], strict=False)
                for k in a
                if a.get(k) != b.get(k)
            ]
            raise AssertionError(f"the bare view must answer the same contacts: {diff[:5]} {len(api['data'])}")
        await load(client, urls["api"], 1, concurrency)  # warm-up
        await load(client, urls["bare"], 1, concurrency)
        for _ in range(3):  # take turns
            for name in ("api", "bare", "bare", "api"):
                results[name].extend(await load(client, urls[name], seconds / 6, concurrency))
    return results


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 20
    concurrency = int(sys.argv[3]) if len(sys.argv) > 3 else 8
    tenant = contacts_ensure(size)
    headers = {"X-Tenant-ID": TENANT, "Cookie": f"sessionid={session_cookie(tenant)}"}
    port = 8765
    server = serve(port)
    try:
        results = asyncio.run(measure(f"http://127.0.0.1:{port}", headers, seconds, concurrency))
    finally:
        server.terminate()
        server.wait(timeout=10)
    per_side = seconds / 2
    rps = {name: len(values) / per_side for name, values in results.items()}
    print(f"GET /v1/contacts?limit=50 vs bare JsonResponse view, {size:,} contacts, one uvicorn process,")
    print(f"{concurrency} concurrent clients, {seconds / 2:.0f} s each side in turns")
    for name, label in (("api", "API (DRF, envelope, auth, scope)"), ("bare", "bare Django view")):
        latencies = sorted(results[name])
        print(
            f"  {label:<34} {rps[name]:7.1f} req/s   p50 {statistics.median(latencies) * 1000:6.1f} ms   "
            f"p95 {latencies[int(len(latencies) * 0.95)] * 1000:6.1f} ms"
        )
    ratio = rps["api"] / rps["bare"]
    verdict = "ok" if ratio >= GOAL else "MISSED"
    print(f"  ratio API / bare                   {ratio:7.2f}x        (goal >= {GOAL}x: {verdict})")


if __name__ == "__main__":
    main()

"""Live updates and webhooks at scale.

    .venv/bin/python bench/realtime_webhooks.py [CONNECTIONS=1000] [EVENTS=20] [WEBHOOK_EVENTS=10000]

Goals (issue 7):
  * 1,000 concurrent /ws connections on ONE server process (uvicorn): an event reaches every
    subscribed client with p95 latency under 250 ms, measured from the commit of the change that
    emitted it (so the Celery dispatcher and the Channels layer are inside the figure);
  * webhook dispatch of 10,000 events to a local receiver: at least 500 deliveries/s with a Celery
    worker of 2 processes.

It provisions a tenant `bench_rt` in the local database, starts its own uvicorn, Celery worker and
receiver (on their own queue and Channels prefix), and drops the tenant's events after. The /ws
clients authenticate with a real access token (RS256 JWT) of the tenant's admin.
"""

import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
# Own Celery queue and Channels prefix (crm/settings/workers.py), apart from a running `make run`.
os.environ.setdefault("CRM_DATABASE_NAME", "crm")
os.environ["CRM_WEBHOOKS_ALLOW_PRIVATE_NETWORKS"] = "1"
os.environ["PYTHONUNBUFFERED"] = "1"

import django  # noqa: E402

django.setup()

import httpx  # noqa: E402
import websockets  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from apps.events.models import OutboxEvent  # noqa: E402
from apps.events.services import event_emit  # noqa: E402
from apps.identity.tokens import access_token_issue  # noqa: E402
from apps.tenants.services import platform_setup, tenant_provision  # noqa: E402
from apps.users.models import User  # noqa: E402
from apps.webhooks.models import Webhook, WebhookDelivery  # noqa: E402
from apps.webhooks.services import webhook_create  # noqa: E402

TENANT = "bench_rt"
LOG_DIR = ROOT / "var" / "log"
RECEIVER = """
import asyncio, sys
count = 0
async def app(scope, receive, send):
    global count
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    if scope["method"] == "POST":
        count += 1
        body = b"ok"
    else:
        body = str(count).encode()
    headers = [(b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(name: str, args: list[str], ready: str) -> subprocess.Popen:
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log_path = LOG_DIR / f"bench-{name}.log"
    log = open(log_path, "w")  # noqa: SIM115
    process = subprocess.Popen(args, cwd=ROOT, env=dict(os.environ), stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while ready not in log_path.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            process.terminate()
            raise SystemExit(f"{name} did not start, see {log_path}")
        time.sleep(0.2)
    return process


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def worker(concurrency: int) -> subprocess.Popen:
    return start(
        f"worker{concurrency}",
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "crm",
            "worker",
            "-l",
            "info",
            "--concurrency",
            str(concurrency),
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
        ],
        "ready.",
    )


def setup() -> str:
    platform_setup()
    tenant_provision(slug=TENANT, name="Bench RT", admin_email="admin@bench-rt.test", admin_password="Bench-Pass-2025!")
    with schema_context(TENANT):
        Webhook.objects.all().delete()
        OutboxEvent.objects.all().delete()
        return User.objects.get(email="admin@bench-rt.test").pk


def emit(count: int, *, per_transaction: int = 1, data: dict | None = None) -> float:
    """Commits `count` deal.updated events; returns the time of the last commit."""
    with schema_context(TENANT):
        for start_at in range(0, count, per_transaction):
            with transaction.atomic():
                for n in range(start_at, min(count, start_at + per_transaction)):
                    event_emit("deal.updated", data=data or {"deal": {"id": f"deal_{n}"}}, record_id=f"deal_{n}")
    return time.time()


# ------------------------------------------------------------------------------------------------
# 1. /ws fan-out


async def ws_fanout(url: str, token: str, clients: int, events: int) -> list[float]:
    received: dict[str, list[float]] = {}
    sent_at: dict[str, float] = {}
    ready = asyncio.Event()
    subscribed = 0

    async def client() -> None:
        nonlocal subscribed
        async with websockets.connect(url, max_queue=None, open_timeout=60) as ws:
            await ws.send(json.dumps({"type": "auth", "token": token, "tenant_id": TENANT}))
            await ws.send(json.dumps({"type": "subscribe", "channel": "deals"}))
            async for raw in ws:
                message = json.loads(raw)
                if message["type"] == "subscribed":
                    subscribed += 1
                    if subscribed == clients:
                        ready.set()
                elif message["type"] == "deal.updated":
                    received.setdefault(message["data"]["marker"], []).append(time.time())
                elif message["type"] == "error":
                    raise RuntimeError(message)
                if len(received.get("stop", [])) >= 1:
                    return

    tasks = []
    for _ in range(clients):  # open gradually: a thousand handshakes at once overflow the backlog
        tasks.append(asyncio.create_task(client()))
        await asyncio.sleep(0.002)
    await asyncio.wait_for(ready.wait(), 120)
    for n in range(events):
        marker = f"m{n}"
        sent_at[marker] = await asyncio.to_thread(emit, 1, data={"deal": {"id": "deal_ws"}, "marker": marker})
        await asyncio.sleep(0.5)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(len(received.get(m, [])) < clients for m in sent_at):
        await asyncio.sleep(0.2)
    await asyncio.to_thread(emit, 1, data={"deal": {"id": "deal_ws"}, "marker": "stop"})
    await asyncio.wait(tasks, timeout=30)
    latencies = [(t - sent_at[m]) * 1000 for m, times in received.items() if m in sent_at for t in times]
    missing = clients * events - len(latencies)
    if missing:
        print(f"  WARNING: {missing} deliveries did not arrive")
    return latencies


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


# ------------------------------------------------------------------------------------------------
# 2. webhook throughput


def webhook_throughput(receiver_url: str, events: int) -> tuple[float, int]:
    """Writes `events` committed outbox events (what 100-event transactions of `event_emit` leave
    behind, with one dispatcher wake-up each) while no worker runs, then starts the worker with 2
    processes and times the dispatch: publication, delivery rows, tasks, signed POSTs, log."""
    from apps.events import dispatch

    with schema_context(TENANT):
        webhook_create(
            url=f"{receiver_url}/hook",
            events=["deal.updated"],
            filters={},
            secret="bench-secret",
            retry_config={"max_retries": 3, "retry_delay_seconds": 5, "timeout_seconds": 10},
            created_by=None,
            grants=["*"],
        )
        for start_at in range(0, events, 100):
            with transaction.atomic():
                OutboxEvent.objects.bulk_create(
                    OutboxEvent(event_type="deal.updated", record_id=f"deal_{n}", data={"deal": {"id": f"deal_{n}"}})
                    for n in range(start_at, min(events, start_at + 100))
                )
            dispatch.schedule(TENANT, 0)
    process = worker(2)
    started = time.time()
    with schema_context(TENANT):
        while True:
            delivered = WebhookDelivery.objects.filter(status="delivered").count()
            if delivered >= events or time.time() - started > 600:
                break
            time.sleep(0.2)
        finished = WebhookDelivery.objects.filter(status="delivered").order_by("-delivered_at").first().delivered_at
    stop([process])
    return finished.timestamp() - started, delivered


def main() -> None:
    clients = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    ws_events = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    webhook_events = int(sys.argv[3]) if len(sys.argv) > 3 else 10000
    admin = setup()
    port, receiver_port = free_port(), free_port()
    server = start(
        "server",
        [
            sys.executable,
            "-m",
            "uvicorn",
            "crm.asgi:application",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--ws",
            "websockets-sansio",
            "--backlog",
            "4096",
        ],
        "",
    )
    processes = [server]
    try:
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        processes.append(worker(1))
        with schema_context(TENANT):
            token = access_token_issue(user=User.objects.get(pk=admin))
        latencies = asyncio.run(ws_fanout(f"ws://127.0.0.1:{port}/ws", token, clients, ws_events))
        stop(processes[1:])
        processes = processes[:1]
        print(f"/ws fan-out: {clients} connections on one uvicorn process, {ws_events} events")
        if latencies:
            print(f"  deliveries      : {len(latencies)} of {clients * ws_events}")
            print(f"  latency p50     : {percentile(latencies, 0.50):7.1f} ms  (commit -> client)")
            print(f"  latency p95     : {percentile(latencies, 0.95):7.1f} ms  (goal < 250)")
            print(f"  latency max     : {max(latencies):7.1f} ms   mean {statistics.mean(latencies):.1f} ms")

        receiver = start(
            "receiver",
            [
                sys.executable,
                "-c",
                f"import uvicorn, sys; sys.argv=['x']; exec({RECEIVER!r}); "
                f"uvicorn.run(app, port={receiver_port}, log_level='warning', access_log=False)",
            ],
            "",
        )
        processes.append(receiver)
        time.sleep(1.5)
        total, delivered = webhook_throughput(f"http://127.0.0.1:{receiver_port}", webhook_events)
        received = int(httpx.get(f"http://127.0.0.1:{receiver_port}/count").text)
        print(f"webhooks: {webhook_events} events, Celery worker with 2 processes, local receiver")
        print(f"  delivered       : {delivered} (receiver counted {received})")
        print(f"  all delivered   : {total:7.2f} s after the worker started")
        print(f"  throughput      : {delivered / total:7.0f} deliveries/s  (goal >= 500)")
    finally:
        stop(processes)
        with schema_context(TENANT):
            Webhook.objects.all().delete()
            OutboxEvent.objects.all().delete()
        connection.close()


if __name__ == "__main__":
    main()

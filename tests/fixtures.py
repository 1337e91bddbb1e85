"""Shared fixtures: the test database holds the public tenant, the template and two tenants,
created once per test session (per xdist worker). Each test runs in a transaction that is rolled
back, inside the `acme` tenant unless it asks for another.

    def test_something(api, admin):            # APIClient sending X-Tenant-ID: acme
        api.force_authenticate(admin)
        api.get("/v1/users")
"""

import email
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from django.db import connection
from django_tenants.utils import get_public_schema_name
from rest_framework.test import APIClient

from apps.tenants.models import Tenant

ROOT = Path(__file__).resolve().parent.parent
# Processes the tests start (live server, Celery worker): /ws pings and SSE keep-alives, quickly,
# and webhooks to the tests' local receivers (as `make test` sets it for the test process itself).
os.environ.setdefault("CRM_REALTIME_HEARTBEAT_SECONDS", "2")
os.environ.setdefault("CRM_WEBHOOKS_ALLOW_PRIVATE_NETWORKS", "1")
TENANT = "acme"
OTHER_TENANT = "globex"
LIVE_TENANT = "livetest"
ADMIN_PASSWORD = "Admin-Pass-2025!"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from apps.tenants.services import platform_setup, tenant_provision

    with django_db_blocker.unblock():
        platform_setup()
        for slug in (TENANT, OTHER_TENANT, LIVE_TENANT):
            tenant_provision(
                slug=slug,
                name=slug.title(),
                admin_email=f"admin@{slug}.test",
                admin_password=ADMIN_PASSWORD,
            )
        connection.set_schema_to_public()
    yield
    # Servers and workers started for end-to-end tests may still hold connections while they
    # shut down; the test database can only be dropped once they are gone.
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _fresh_rate_limit_counters(settings) -> None:
    """Rate-limit and login-failure counters live in Redis, outside the rolled-back transaction:
    give each test its own namespace so one test's requests never count against the next."""
    settings.CRM_CACHE_NAMESPACE_SUFFIX = f":{uuid.uuid4().hex[:12]}"
    # The design's per-second burst (50) would refuse tests that seed data through the API in a
    # loop; the per-minute/hour/day limits stay as designed (tests of the burst set their own).
    from apps.security.ratelimit import DEFAULT_TIERS

    settings.CRM_RATE_LIMIT_TIERS = {name: {**limits, "burst": 100_000} for name, limits in DEFAULT_TIERS.items()}


def _enter(slug: str) -> Tenant:
    connection.set_schema_to_public()
    tenant = Tenant.objects.get(schema_name=slug)
    connection.set_tenant(tenant)
    return tenant


@pytest.fixture
def tenant(db) -> Iterator[Tenant]:
    """The `acme` tenant, active on the connection for the test."""
    yield _enter(TENANT)
    connection.set_schema_to_public()


@pytest.fixture
def other_tenant(db) -> Tenant:
    connection.set_schema_to_public()
    return Tenant.objects.get(schema_name=OTHER_TENANT)


@pytest.fixture
def public_schema(db) -> Iterator[None]:
    connection.set_schema_to_public()
    yield
    connection.set_schema_to_public()


@pytest.fixture
def api(tenant) -> APIClient:
    """A REST client routed to `acme` by header."""
    return APIClient(HTTP_X_TENANT_ID=TENANT)


@pytest.fixture
def admin(tenant):
    from apps.users.models import User

    return User.objects.get(email=f"admin@{TENANT}.test")


@pytest.fixture
def admin_api(api, admin) -> APIClient:
    api.force_authenticate(admin)
    return api


@pytest.fixture
def make_user(tenant):
    """Creates a user of the active tenant with the given roles."""
    from apps.users.services import user_create

    counter = iter(range(1, 10_000))

    def make(*, roles: list[str] | None = None, **fields):
        number = next(counter)
        fields.setdefault("email", f"user{number}@{TENANT}.test")
        fields.setdefault("password", ADMIN_PASSWORD)
        return user_create(roles=roles or [], **fields)

    return make


def in_tenant(slug: str):
    """Switches the connection to another tenant inside a test (e.g. to seed `globex`)."""
    return _enter(slug)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_mail_dir(tmp_path_factory) -> Path:
    """Where the live server writes the e-mails it sends (Django's file backend): read them with
    `live_mail_to`. The test process itself uses Django's locmem outbox (`mailoutbox`)."""
    return tmp_path_factory.mktemp("live-mail")


def live_mail_to(mail_dir: Path, address: str) -> list[email.message.Message]:
    """The messages the live server sent to `address`, oldest first."""
    found = []
    for path in sorted(mail_dir.iterdir(), key=lambda item: item.stat().st_mtime):
        for raw in path.read_text().split("\n" + "-" * 79 + "\n"):
            if raw.strip():
                message = email.message_from_string(raw.lstrip())
                if address in message.get("To", ""):
                    found.append(message)
    return found


@pytest.fixture(scope="session")
def live_server_url(django_db_setup, django_db_blocker, live_mail_dir) -> Iterator[str]:
    """The ASGI app under uvicorn, as `make run` serves it, on the test database.

    Tests talk to it over real HTTP/WebSocket; use the `livetest` tenant, whose data is committed.
    """
    from django.conf import settings

    port = _free_port()
    env = dict(
        os.environ,
        CRM_DATABASE_NAME=settings.DATABASES["default"]["NAME"],
        PYTHONUNBUFFERED="1",
        EMAIL_HOST="",  # never a real mail server: files in live_mail_dir
        CRM_EMAIL_FILE_PATH=str(live_mail_dir),
    )
    log = open(ROOT / "var" / f"live-server-{port}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "uvicorn", "crm.asgi:application", "--host", "127.0.0.1", "--port", str(port)),
            *("--ws", "websockets-sansio", "--timeout-graceful-shutdown", "5"),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        process.terminate()
        raise RuntimeError(f"live server did not start, see {log.name}")
    _warm_websockets(url)
    yield url
    stop_process(process, log)  # a server still draining after its grace period is killed


def _warm_websockets(url: str) -> None:
    """Opens one socket before the tests do: the first one loads the WebSocket routing and its
    consumers, seconds on a busy machine, which a test's own timeouts should not have to absorb."""
    import asyncio

    import websockets

    async def probe() -> None:
        ws_url = url.replace("http://", "ws://") + f"/ws/health?tenant_id={LIVE_TENANT}"
        async with websockets.connect(ws_url, open_timeout=30) as socket:
            await asyncio.wait_for(socket.recv(), 30)

    asyncio.run(probe())


@pytest.fixture
def public_schema_name() -> str:
    return get_public_schema_name()


@pytest.fixture
def bearer(tenant):
    """Mints a real RS256 access token (stored, revocable) for a user of the active tenant.

    def test_x(api, make_user, bearer):
        rep = make_user(roles=["sales_rep"])
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer(rep)}")
    """
    from apps.identity.tokens import access_token_issue

    def mint(user, scopes: list[str] | None = None) -> str:
        return access_token_issue(user=user, scopes=scopes)

    return mint


@pytest.fixture(scope="session", autouse=True)
def redis_namespace(django_db_setup) -> str:
    """This test process's Celery queue and Channels prefix, as the processes it starts derive them
    from CRM_DATABASE_NAME (crm/settings/workers.py): parallel test runs share one Redis."""
    from channels.layers import channel_layers
    from django.conf import settings

    from crm.celery import app as celery_app

    name = settings.DATABASES["default"]["NAME"]
    celery_app.conf.task_default_queue = f"crm.{name}"
    settings.CELERY_TASK_DEFAULT_QUEUE = f"crm.{name}"
    settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = f"asgi.{name}"
    channel_layers.backends.clear()
    return name


def commit_in_tenant(slug: str, work):
    """Runs `work()` in tenant `slug` in a transaction that really commits (or rolls back if it
    raises), on its own database connection in a thread, outside the test's rolled-back one.
    Background processes (Celery worker, live server) see what it commits."""
    import threading

    from django.db import connections, transaction
    from django_tenants.utils import schema_context

    outcome: dict = {}

    def run():
        try:
            with schema_context(slug), transaction.atomic():
                outcome["value"] = work()
        except BaseException as exc:  # handed to the caller
            outcome["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def start_process(args: list[str], *, log_name: str, env: dict, ready: str, timeout: float = 60):
    """Starts a background process of the project and waits for `ready` in its output."""
    log_path = ROOT / "var" / log_name
    log = open(log_path, "w")  # noqa: SIM115
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready in log_path.read_text(errors="replace"):
            return process, log
        if process.poll() is not None:
            break
        time.sleep(0.2)
    process.terminate()
    raise RuntimeError(f"{args[0]} did not start, see {log_path}")


def stop_process(process, log) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)
    log.close()


def worker_env(**extra: str) -> dict:
    from django.conf import settings

    return dict(
        os.environ,
        CRM_DATABASE_NAME=settings.DATABASES["default"]["NAME"],
        CRM_WEBHOOKS_ALLOW_PRIVATE_NETWORKS="1",
        PYTHONUNBUFFERED="1",
        **extra,
    )


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, redis_namespace) -> Iterator[subprocess.Popen]:
    """A real `celery -A crm worker` (2 processes) on the test database and this run's queue.

    No beat: tests that need the sweep run their own (see the Redis outage test).
    """
    process, log = start_process(
        [sys.executable, "-m", "celery", "-A", "crm", "worker", "-l", "info", "--concurrency", "2"],
        log_name=f"celery-worker-{redis_namespace}.log",
        env=worker_env(),
        ready="ready.",
    )
    yield process
    stop_process(process, log)

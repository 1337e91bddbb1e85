"""Shared fixtures: the test database holds the public tenant, the template and two tenants,
created once per test session (per xdist worker). Each test runs in a transaction that is rolled
back, inside the `acme` tenant unless it asks for another.

    def test_something(api, admin):            # APIClient sending X-Tenant-ID: acme
        api.force_authenticate(admin)
        api.get("/v1/users")
"""

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
def live_server_url(django_db_setup, django_db_blocker) -> Iterator[str]:
    """The ASGI app under uvicorn, as `make run` serves it, on the test database.

    Tests talk to it over real HTTP/WebSocket; use the `livetest` tenant, whose data is committed.
    """
    from django.conf import settings

    port = _free_port()
    env = dict(os.environ, CRM_DATABASE_NAME=settings.DATABASES["default"]["NAME"], PYTHONUNBUFFERED="1")
    log = open(ROOT / "var" / f"live-server-{port}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "crm.asgi:application", "--host", "127.0.0.1", "--port", str(port)],
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
    yield url
    process.terminate()
    process.wait(timeout=10)
    log.close()


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

"""End to end over real HTTP against the live server: an operator registers the design's app on
the public host, the `livetest` admin installs it, the app gets a token by client_credentials and
reads the deals it was granted; and the same in the consoles, in a real browser."""

import re

import httpx
import pytest
from django.db import connection
from django_tenants.utils import schema_context

from apps.marketplace.tests.conftest import REGISTER_BODY, install_body
from tests.browser import screenshot
from tests.fixtures import ADMIN_PASSWORD, LIVE_TENANT, commit_in_tenant

OPERATOR_EMAIL = "ops.marketplace@platform.test"
OPERATOR_PASSWORD = "Operator-Pass-2025!"
LIVE_ADMIN = f"admin@{LIVE_TENANT}.test"


@pytest.fixture(scope="module")
def live_operator(django_db_setup, django_db_blocker):
    from apps.tenants.services import operator_ensure

    with django_db_blocker.unblock():
        operator = operator_ensure(email=OPERATOR_EMAIL, password=OPERATOR_PASSWORD)
        connection.set_schema_to_public()
        return operator


def operator_session(base_url: str) -> httpx.Client:
    """An HTTP client signed in to the operators' console (the public host's API uses that session)."""
    client = httpx.Client(base_url=base_url, timeout=30)
    page = client.get("/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    signed_in = client.post(
        "/admin/login/?next=/admin/",
        data={"username": OPERATOR_EMAIL, "password": OPERATOR_PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert signed_in.status_code == 302, signed_in.text
    client.headers["X-CSRFToken"] = client.cookies["csrftoken"]
    return client


def tenant_admin_token() -> str:
    """A real access token of the `livetest` admin, committed so the live server sees it."""

    def mint():
        from apps.identity.tokens import access_token_issue
        from apps.users.models import User

        return access_token_issue(user=User.objects.get(email=LIVE_ADMIN))

    return commit_in_tenant(LIVE_TENANT, mint)


@pytest.fixture(scope="module")
def live_deal(django_db_setup, django_db_blocker):
    def create():
        from apps.deals.services import deal_create
        from apps.users.models import User

        admin = User.objects.get(email=LIVE_ADMIN)
        return deal_create(title="Marketplace Live Deal", value=4321, pipeline=None, owner=admin, actor=admin).pk

    with django_db_blocker.unblock():
        return commit_in_tenant(LIVE_TENANT, create)


@pytest.mark.django_db(transaction=False)
def test_register_install_token_and_data_over_http(live_server_url, live_operator, live_deal):
    operator = operator_session(live_server_url)
    registered = operator.post("/v1/marketplace/apps/register", json=REGISTER_BODY)
    operator.close()
    assert registered.status_code == 201, registered.text
    app = registered.json()["data"]

    tenant = {"X-Tenant-ID": LIVE_TENANT}
    admin_headers = {**tenant, "Authorization": f"Bearer {tenant_admin_token()}"}
    with httpx.Client(base_url=live_server_url, headers=admin_headers) as admin:
        installed = admin.post("/v1/marketplace/apps/install", json=install_body(app["id"]))
        assert installed.status_code == 201, installed.text

        credentials = app["credentials"]
        token = httpx.post(
            f"{live_server_url}/oauth2/token",
            headers=tenant,
            data={
                "grant_type": "client_credentials",
                "client_id": credentials["client_id"],
                "client_secret": credentials["client_secret"],
            },
        )
        assert token.status_code == 200, token.text
        app_headers = {**tenant, "Authorization": f"Bearer {token.json()['access_token']}", "X-App-ID": app["id"]}
        with httpx.Client(base_url=live_server_url, headers=app_headers) as client:
            deals = client.get("/v1/marketplace/data/deals", params={"status": "active", "limit": 100})
            assert deals.status_code == 200, deals.text
            assert live_deal in [deal["id"] for deal in deals.json()["data"]]
            assert deals.json()["meta"]["pagination"]["limit"] == 100
            assert client.get("/v1/marketplace/data/leads").status_code == 403

            uninstalled = admin.delete(f"/v1/marketplace/installations/{installed.json()['data']['id']}")
            assert uninstalled.status_code == 200
            assert client.get("/v1/marketplace/data/deals").status_code == 401


@pytest.mark.django_db(transaction=False)
def test_marketplace_pages_in_both_consoles(page, live_server_url, live_operator, django_db_blocker):
    page.goto(f"{live_server_url}/admin/")
    page.fill("#id_username", OPERATOR_EMAIL)
    page.fill("#id_password", OPERATOR_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")
    page.goto(f"{live_server_url}/admin/marketplace/marketplaceapp/add/")
    page.fill("#id_name", "Browser Analytics")
    page.fill("#id_version", "1.2.0")
    page.fill("#id_developer_name", "Browser Dev")
    page.fill("#id_developer_email", "dev@browser.test")
    page.fill("#id_permissions_requested", "deals:read, pipelines:read")
    screenshot(page, "operator-marketplace-register")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist")
    assert "client secret: mks_" in page.content()
    screenshot(page, "operator-marketplace-apps")

    tenant_base = live_server_url.replace("127.0.0.1", f"{LIVE_TENANT}.localhost")
    page.goto(f"{tenant_base}/admin/")
    page.fill("#id_username", LIVE_ADMIN)
    page.fill("#id_password", ADMIN_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")
    page.goto(f"{tenant_base}/admin/marketplace/installation/add/")
    page.select_option("#id_app", label="Browser Analytics 1.2.0")
    page.fill("#id_permissions_granted", "deals:read")
    screenshot(page, "tenant-marketplace-install")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist")
    assert "Browser Analytics" in page.content()
    screenshot(page, "tenant-marketplace-installed")

    with django_db_blocker.unblock(), schema_context("public"):
        from apps.marketplace.models import Installation

        installation = Installation.objects.get(tenant__schema_name=LIVE_TENANT, app__name="Browser Analytics")
        assert installation.permissions_granted == ["deals:read"]
    page.goto(f"{tenant_base}/admin/marketplace/installation/{installation.pk}/delete/")
    page.click("input[type=submit]")
    page.wait_for_selector(".messagelist")
    screenshot(page, "tenant-marketplace-uninstalled")
    with django_db_blocker.unblock(), schema_context("public"):
        assert not Installation.objects.filter(pk=installation.pk).exists()

"""The operators' console on the public host, in a real browser: create a tenant, suspend it,
schedule its deletion, check platform health."""

import re

import httpx
import pytest
from django.db import connection

from apps.tenants.models import Tenant
from tests.browser import screenshot

OPERATOR_EMAIL = "ops@platform.test"
OPERATOR_PASSWORD = "Operator-Pass-2025!"


@pytest.fixture(scope="module")
def operator(django_db_setup, django_db_blocker):
    from apps.tenants.services import operator_ensure

    with django_db_blocker.unblock():
        return operator_ensure(email=OPERATOR_EMAIL, password=OPERATOR_PASSWORD)


def operator_login(page, url: str) -> None:
    page.goto(f"{url}/admin/")
    page.fill("#id_username", OPERATOR_EMAIL)
    page.fill("#id_password", OPERATOR_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")


@pytest.mark.django_db(transaction=False)
def test_operator_creates_a_tenant_through_the_console(page, live_server_url, operator, django_db_blocker):
    operator_login(page, live_server_url)
    screenshot(page, "operator-home")
    page.goto(f"{live_server_url}/admin/tenants/tenant/add/")
    page.fill("#id_slug", "browserco")
    page.fill("#id_name", "Browser Co")
    page.fill("#id_admin_email", "admin@browserco.test")
    page.fill("#id_admin_password", "Browser-Pass-2025!")
    screenshot(page, "operator-add-tenant")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist")
    screenshot(page, "operator-tenants")
    assert "browserco" in page.content()

    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        assert Tenant.objects.filter(schema_name="browserco").exists()
    # the new tenant answers on its host, and its admin can sign in there
    health = httpx.get(f"{live_server_url}/healthz", headers={"X-Tenant-ID": "browserco"})
    assert health.status_code == 200


@pytest.fixture(scope="module")
def doomed_tenant(django_db_setup, django_db_blocker) -> Tenant:
    """Committed before the test's transaction, so the live server sees it."""
    from apps.tenants.services import tenant_provision

    with django_db_blocker.unblock():
        tenant = tenant_provision(
            slug="doomedco", name="Doomed", admin_email="a@doomed.test", admin_password="Doomed-Pass-2025!"
        ).tenant
        connection.set_schema_to_public()
    return tenant


@pytest.mark.django_db(transaction=False)
def test_operator_suspends_then_schedules_deletion(page, live_server_url, operator, doomed_tenant, django_db_blocker):
    tenant = doomed_tenant
    operator_login(page, live_server_url)
    page.goto(f"{live_server_url}/admin/tenants/tenant/?q=doomedco")
    page.check(f"input[name=_selected_action][value='{tenant.pk}']")
    page.select_option("select[name=action]", "suspend")
    page.click("button[name=index]")
    page.wait_for_selector(".messagelist")
    suspended = httpx.get(f"{live_server_url}/healthz", headers={"X-Tenant-ID": "doomedco"})
    assert suspended.status_code == 403
    assert suspended.json()["error"]["details"]["reason"] == "tenant_suspended"

    page.check(f"input[name=_selected_action][value='{tenant.pk}']")
    page.select_option("select[name=action]", "schedule_deletion")
    page.click("button[name=index]")
    page.wait_for_selector("#confirm-deletion")
    screenshot(page, "operator-confirm-deletion")
    page.click("#confirm-deletion")
    page.wait_for_selector(".messagelist")
    assert re.search("Scheduled for deletion", page.content())
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        assert Tenant.objects.get(schema_name="doomedco").deletion_scheduled_at is not None


@pytest.mark.django_db(transaction=False)
def test_operator_health_page(page, live_server_url, operator):
    operator_login(page, live_server_url)
    page.goto(f"{live_server_url}/admin/health/")
    screenshot(page, "operator-health")
    rows = page.locator("#health tbody tr")
    assert rows.count() == 5
    assert page.locator("#health tr.failing").count() == 0


def test_tenant_users_cannot_enter_the_operators_console(live_server_url):
    response = httpx.get(f"{live_server_url}/admin/", follow_redirects=False)
    assert response.status_code == 302
    assert "/admin/login/" in response.headers["location"]

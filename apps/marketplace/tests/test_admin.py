"""The marketplace in the consoles: operators register and disable apps, tenant admins install
and uninstall them, all through the services."""

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from apps.marketplace import services
from apps.marketplace.models import Installation, MarketplaceApp
from apps.marketplace.tests.conftest import REGISTER_BODY
from tests.fixtures import TENANT, in_tenant

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client(operator) -> Client:
    with schema_context("public"):  # the session lives where the operator signs in
        client = Client()
        client.force_login(operator)
    return client


@pytest.fixture
def admin_client(admin) -> Client:
    client = Client(HTTP_X_TENANT_ID=TENANT)
    client.force_login(admin)
    return client


@pytest.fixture
def app(tenant) -> MarketplaceApp:
    info = REGISTER_BODY["app_info"]
    return services.app_register(
        name=info["name"],
        version=info["version"],
        developer=info["developer"],
        permissions_requested=REGISTER_BODY["permissions_requested"],
        webhook_endpoints=REGISTER_BODY["webhook_endpoints"],
    ).app


def test_operator_registers_an_app_in_the_console_and_sees_its_secret_once(operator_client):
    response = operator_client.post(
        "/admin/marketplace/marketplaceapp/add/",
        {
            "name": "Console App",
            "description": "Made in the console",
            "version": "2.0.0",
            "developer_name": "Console Dev",
            "developer_email": "dev@console.test",
            "permissions_requested": "deals:read, contacts:read",
            "webhook_url": "https://hooks.console.test/crm",
            "webhook_events": "deal.updated",
        },
        follow=True,
    )
    text = response.content.decode()
    assert response.status_code == 200 and "client secret: mks_" in text
    app = MarketplaceApp.objects.get(name="Console App")
    assert app.permissions_requested == ["deals:read", "contacts:read"]
    assert app.webhook_endpoints == [{"url": "https://hooks.console.test/crm", "events": ["deal.updated"]}]
    page = operator_client.get(f"/admin/marketplace/marketplaceapp/{app.pk}/change/").content.decode()
    assert "mks_" not in page and app.client_id in page


def test_console_registration_shows_the_services_refusal(operator_client):
    response = operator_client.post(
        "/admin/marketplace/marketplaceapp/add/",
        {
            "name": "Bad App",
            "version": "1.0.0",
            "developer_name": "Dev",
            "developer_email": "dev@console.test",
            "permissions_requested": "deals:teleport",
        },
    )
    assert response.status_code == 200 and "Unknown permissions: deals:teleport" in response.content.decode()
    assert not MarketplaceApp.objects.filter(name="Bad App").exists()


def test_operator_disables_an_app_from_the_list(operator_client, app):
    assert operator_client.get("/admin/marketplace/marketplaceapp/").status_code == 200
    operator_client.post(
        "/admin/marketplace/marketplaceapp/",
        {"action": "disable", "_selected_action": [app.pk]},
    )
    app.refresh_from_db()
    assert app.status == "disabled"


def test_tenant_admin_installs_and_uninstalls_in_the_console(admin_client, app):
    assert admin_client.get("/admin/marketplace/installation/add/").status_code == 200
    response = admin_client.post(
        "/admin/marketplace/installation/add/",
        {
            "app": app.pk,
            "permissions_granted": "deals:read, pipelines:read",
            "data_access_level": "tenant",
            "enable_webhooks": "on",
        },
        follow=True,
    )
    assert response.status_code == 200
    installation = Installation.objects.get(app=app)
    assert installation.permissions_granted == ["deals:read", "pipelines:read"]
    # the app offers contact.created too, but was not granted contacts:read
    assert installation.webhook_config["events"] == ["deal.updated", "pipeline.changed"]
    listing = admin_client.get("/admin/marketplace/installation/").content.decode()
    assert "Advanced Analytics Dashboard" in listing

    admin_client.post(f"/admin/marketplace/installation/{installation.pk}/delete/", {"post": "yes"})
    in_tenant(TENANT)
    assert not Installation.objects.filter(pk=installation.pk).exists()


def test_console_install_refuses_permissions_not_requested(admin_client, app):
    response = admin_client.post(
        "/admin/marketplace/installation/add/",
        {"app": app.pk, "permissions_granted": "deals:read, users:manage", "data_access_level": "tenant"},
    )
    assert response.status_code == 200 and "Not requested by the app: users:manage" in response.content.decode()
    assert not Installation.objects.filter(app=app).exists()


def test_sales_rep_sees_no_marketplace_pages(make_user):
    rep = make_user(roles=["sales_rep"])
    client = Client(HTTP_X_TENANT_ID=TENANT)
    client.force_login(rep)
    assert client.get("/admin/marketplace/installation/").status_code == 403

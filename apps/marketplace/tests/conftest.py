"""The design's marketplace bodies, verbatim, and helpers to register, install and get app tokens."""

import copy

import pytest
from rest_framework.test import APIClient

from tests.fixtures import TENANT, in_tenant

REGISTER_BODY = {
    "app_info": {
        "name": "Advanced Analytics Dashboard",
        "description": "Enhanced reporting and analytics for CRM data",
        "version": "1.0.0",
        "developer": {
            "name": "Analytics Pro Inc",
            "email": "support@analyticspro.com",
            "website": "https://analyticspro.com",
        },
    },
    "permissions_requested": ["deals:read", "contacts:read", "pipelines:read", "reports:read", "custom_objects:read"],
    "webhook_endpoints": [
        {
            "url": "https://app.analyticspro.com/webhooks/crm-data",
            "events": ["deal.updated", "contact.created", "pipeline.changed"],
        }
    ],
    "oauth_config": {
        "redirect_uris": ["https://app.analyticspro.com/oauth/callback"],
        "scopes": ["analytics:read", "reports:generate"],
    },
}

INSTALL_BODY = {
    "app_id": "app_analytics_pro_123",
    "installation_config": {
        "permissions_granted": ["deals:read", "contacts:read", "pipelines:read"],
        "data_access_level": "tenant",
        "webhook_config": {"enabled": True, "events": ["deal.updated", "contact.created"]},
        "custom_settings": {"report_frequency": "daily", "dashboard_theme": "dark", "data_retention_days": 90},
    },
}

WIDGET_BODY = {
    "widget_info": {
        "name": "Sales Velocity Chart",
        "description": "Track deal velocity across pipelines",
        "type": "chart",
        "size": "medium",
    },
    "data_source": {
        "query": "deals",
        "filters": {"status": "active", "created_after": "30_days_ago"},
        "aggregations": [{"field": "value", "operation": "sum", "group_by": "stage"}],
    },
    "visualization": {"chart_type": "line", "x_axis": "date", "y_axis": "deal_value", "color_scheme": "blue"},
}


def install_body(app_id: str) -> dict:
    """The design's install body, naming the app that was actually registered."""
    body = copy.deepcopy(INSTALL_BODY)
    body["app_id"] = app_id
    return body


@pytest.fixture
def operator(db):
    from apps.tenants.services import operator_ensure  # in the public schema, whatever is active

    return operator_ensure(email="ops@marketplace.test", password="Operator-Pass-2025!")


@pytest.fixture
def operator_api(operator) -> APIClient:
    """A client on the public host (no tenant header), signed in as an operator."""
    client = APIClient()
    client.force_authenticate(operator)
    return client


@pytest.fixture
def registered(operator_api, tenant) -> dict:
    """The design's app, registered over the public host's API: its answer (with credentials)."""
    response = operator_api.post("/v1/marketplace/apps/register", REGISTER_BODY, format="json")
    assert response.status_code == 201, response.json()
    in_tenant(TENANT)  # the request left the connection on the public schema
    return response.json()["data"]


@pytest.fixture
def installed(admin_api, registered) -> dict:
    """The design's app installed in `acme` by its tenant admin."""
    response = admin_api.post("/v1/marketplace/apps/install", install_body(registered["id"]), format="json")
    assert response.status_code == 201, response.json()
    return response.json()["data"]


def client_credentials_token(client: APIClient, credentials: dict, *, tenant: str = TENANT) -> tuple[int, dict]:
    """Asks the tenant's real token endpoint for an app token."""
    response = client.post(
        "/oauth2/token",
        {
            "grant_type": "client_credentials",
            "client_id": credentials["client_id"],
            "client_secret": credentials["client_secret"],
        },
        HTTP_X_TENANT_ID=tenant,
    )
    return response.status_code, response.json()


@pytest.fixture
def app_api(installed, registered) -> APIClient:
    """A client holding the installed app's token, sending its X-App-ID."""
    client = APIClient(HTTP_X_TENANT_ID=TENANT)
    status, body = client_credentials_token(client, registered["credentials"])
    assert status == 200, body
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access_token']}", HTTP_X_APP_ID=registered["id"])
    return client

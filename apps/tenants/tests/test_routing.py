"""Requests reach their tenant by `X-Tenant-ID` or by host; nothing crosses tenants."""

from rest_framework.test import APIClient

from apps.users.models import User
from tests.fixtures import OTHER_TENANT, TENANT, in_tenant


def test_routing_by_header(admin_api):
    response = admin_api.get("/v1/users")
    emails = {user["email"] for user in response.json()["data"]}
    assert f"admin@{TENANT}.test" in emails


def test_routing_by_host(tenant, admin):
    client = APIClient(HTTP_HOST=f"{TENANT}.localhost")
    client.force_authenticate(admin)
    response = client.get("/v1/users")
    assert response.status_code == 200
    assert f"admin@{TENANT}.test" in {user["email"] for user in response.json()["data"]}


def test_unknown_tenant_header_answers_404_envelope(db):
    response = APIClient(HTTP_X_TENANT_ID="nosuchco").get("/v1/users")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "NOT_FOUND"


def test_unknown_tenant_host_answers_404_envelope(db):
    response = APIClient(HTTP_HOST="nosuchco.localhost").get("/healthz")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "NOT_FOUND"


def test_template_and_public_schemas_are_not_routable(db):
    for slug in ("public", "tenant_template"):
        assert APIClient(HTTP_X_TENANT_ID=slug).get("/healthz").status_code == 404


def test_public_host_serves_operators_site(db):
    client = APIClient(HTTP_HOST="localhost")
    assert client.get("/healthz").status_code == 200
    assert client.get("/v1/users").status_code == 404  # tenant APIs do not exist on the public host


def test_two_tenants_rows_cannot_see_each_other(tenant, admin_api):
    created = admin_api.post("/v1/teams", {"name": "Acme Only"}, format="json").json()["data"]
    in_tenant(OTHER_TENANT)
    other_admin = User.objects.get(email=f"admin@{OTHER_TENANT}.test")
    other = APIClient(HTTP_X_TENANT_ID=OTHER_TENANT)
    other.force_authenticate(other_admin)
    assert "Acme Only" not in {team["name"] for team in other.get("/v1/teams").json()["data"]}
    assert other.get(f"/v1/teams/{created['id']}").status_code == 404


def test_a_user_of_one_tenant_does_not_exist_in_another(tenant, admin):
    in_tenant(OTHER_TENANT)
    assert not User.objects.filter(email=admin.email).exists()

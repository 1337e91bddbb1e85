"""The marketplace API: registration by operators on the public host, install by tenant admins,
app tokens by client_credentials limited to the grant, data access and widgets."""

import copy

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from apps.marketplace.models import Installation
from apps.marketplace.tests.conftest import (
    INSTALL_BODY,
    REGISTER_BODY,
    WIDGET_BODY,
    client_credentials_token,
    install_body,
)
from tests.fixtures import OTHER_TENANT, TENANT, in_tenant

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------------------------------------
# registration


def test_operator_registers_the_designs_app_and_sees_its_secrets_once(operator_api, registered):
    assert registered["id"].startswith("app_")
    assert registered["app_info"]["name"] == "Advanced Analytics Dashboard"
    assert registered["app_info"]["developer"]["email"] == "support@analyticspro.com"
    assert registered["permissions_requested"] == REGISTER_BODY["permissions_requested"]
    assert registered["webhook_endpoints"] == REGISTER_BODY["webhook_endpoints"]
    credentials = registered["credentials"]
    assert credentials["client_id"] == registered["oauth_config"]["client_id"]
    assert credentials["client_secret"] and credentials["webhook_secret"]
    assert credentials["grant_type"] == "client_credentials"

    shown = operator_api.get(f"/v1/marketplace/apps/{registered['id']}").json()["data"]
    assert "credentials" not in shown
    assert credentials["client_secret"] not in str(shown) and credentials["webhook_secret"] not in str(shown)
    listed = operator_api.get("/v1/marketplace/apps").json()
    assert registered["id"] in [app["id"] for app in listed["data"]]
    assert listed["meta"]["pagination"]["total"] >= 1


def test_registration_refuses_unknown_permissions(operator_api):
    body = copy.deepcopy(REGISTER_BODY)
    body["permissions_requested"] = ["deals:read", "deals:teleport", "*"]
    response = operator_api.post("/v1/marketplace/apps/register", body, format="json")
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["field"] == "permissions_requested"
    assert "deals:teleport" in error["message"] and "*" in error["message"]


def test_registration_refuses_webhook_events_the_app_may_not_read(operator_api):
    body = copy.deepcopy(REGISTER_BODY)
    body["webhook_endpoints"][0]["events"] = ["deal.updated", "lead.created"]
    response = operator_api.post("/v1/marketplace/apps/register", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "webhook_endpoints[0].events"


def test_registration_refuses_private_webhook_targets(operator_api, settings):
    settings.CRM_WEBHOOKS_ALLOW_PRIVATE_NETWORKS = False
    body = copy.deepcopy(REGISTER_BODY)
    body["webhook_endpoints"][0]["url"] = "http://169.254.169.254/latest/meta-data"
    response = operator_api.post("/v1/marketplace/apps/register", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "webhook_endpoints[0].url"


def test_only_operators_register_apps(operator, admin, db):
    anonymous = APIClient()
    assert anonymous.post("/v1/marketplace/apps/register", REGISTER_BODY, format="json").status_code == 401
    # a tenant's admin on a tenant host: registration is not a tenant route at all
    tenant_admin = APIClient(HTTP_X_TENANT_ID=TENANT)
    tenant_admin.force_authenticate(admin)
    assert tenant_admin.post("/v1/marketplace/apps/register", REGISTER_BODY, format="json").status_code in (404, 405)
    # a non-operator account of the public schema
    from django_tenants.utils import schema_context

    from apps.users.models import User

    with schema_context("public"):
        staff = User.objects.create_user(email="not.an.operator@platform.test", password="Staff-Pass-2025!")
    client = APIClient()
    client.force_authenticate(staff)
    response = client.post("/v1/marketplace/apps/register", REGISTER_BODY, format="json")
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "FORBIDDEN"


def test_operator_app_list_has_no_n_plus_one(operator_api, django_assert_max_num_queries):
    for number in range(5):
        body = copy.deepcopy(REGISTER_BODY)
        body["app_info"]["name"] = f"App {number}"
        assert operator_api.post("/v1/marketplace/apps/register", body, format="json").status_code == 201
    with django_assert_max_num_queries(6):
        response = operator_api.get("/v1/marketplace/apps?limit=50")
    assert response.status_code == 200 and len(response.json()["data"]) >= 5


def test_tenant_admins_see_the_catalogue_of_active_apps(admin_api, operator_api, registered):
    listed = admin_api.get("/v1/marketplace/apps").json()["data"]
    assert registered["id"] in [app["id"] for app in listed]
    assert "credentials" not in listed[0]
    operator_api.post(f"/v1/marketplace/apps/{registered['id']}/disable")
    assert registered["id"] not in [app["id"] for app in admin_api.get("/v1/marketplace/apps").json()["data"]]
    assert admin_api.get(f"/v1/marketplace/apps/{registered['id']}").status_code == 404


def test_a_disabled_app_cannot_be_installed(admin_api, operator_api, registered):
    operator_api.post(f"/v1/marketplace/apps/{registered['id']}/disable")
    response = admin_api.post("/v1/marketplace/apps/install", install_body(registered["id"]), format="json")
    assert response.status_code == 409


# ------------------------------------------------------------------------------------------------
# installation


def test_tenant_admin_installs_the_designs_app(installed, registered, admin):
    assert installed["id"].startswith("inst_")
    assert installed["app_id"] == registered["id"]
    assert installed["tenant_id"] == TENANT
    config = installed["installation_config"]
    assert config["permissions_granted"] == ["deals:read", "contacts:read", "pipelines:read"]
    assert config["data_access_level"] == "tenant"
    assert config["custom_settings"] == INSTALL_BODY["installation_config"]["custom_settings"]
    assert installed["installed_by"] == admin.pk

    # the webhook subscription is the tenant's own, through the webhooks module, signed with the app's secret
    from apps.webhooks.models import Webhook

    in_tenant(TENANT)
    (webhook,) = Webhook.objects.filter(pk__in=installed["webhook_ids"])
    assert webhook.url == "https://app.analyticspro.com/webhooks/crm-data"
    assert webhook.events == ["deal.updated", "contact.created"]
    assert webhook.secret == registered["credentials"]["webhook_secret"]


def test_install_refuses_permissions_the_app_did_not_request(admin_api, registered):
    body = install_body(registered["id"])
    body["installation_config"]["permissions_granted"] = ["deals:read", "deals:write", "users:read"]
    response = admin_api.post("/v1/marketplace/apps/install", body, format="json")
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["field"] == "installation_config.permissions_granted"
    assert "deals:write" in error["message"] and "users:read" in error["message"]
    assert "deals:read" not in error["message"]
    assert not Installation.objects.filter(app_id=registered["id"]).exists()


def test_install_refuses_webhook_events_not_granted(admin_api, registered):
    body = install_body(registered["id"])
    body["installation_config"]["permissions_granted"] = ["deals:read"]
    response = admin_api.post("/v1/marketplace/apps/install", body, format="json")
    assert response.status_code == 400
    assert "contact.created" in response.json()["errors"][0]["message"]


def test_install_twice_is_a_conflict(admin_api, installed, registered):
    response = admin_api.post("/v1/marketplace/apps/install", install_body(registered["id"]), format="json")
    assert response.status_code == 409


def test_install_of_an_unknown_app_names_it(admin_api):
    response = admin_api.post("/v1/marketplace/apps/install", install_body("app_analytics_pro_123"), format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "app_id"


def test_sales_rep_cannot_install_apps(api, make_user, registered):
    api.force_authenticate(make_user(roles=["sales_rep"]))
    response = api.post("/v1/marketplace/apps/install", install_body(registered["id"]), format="json")
    assert response.status_code == 403
    assert response.json()["errors"][0]["details"]["required_permissions"] == ["marketplace:manage"]


def test_installed_apps_list_only_this_tenants(admin_api, installed, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = admin_api.get("/v1/marketplace/installations")
    assert [item["id"] for item in response.json()["data"]] == [installed["id"]]
    other = APIClient(HTTP_X_TENANT_ID=OTHER_TENANT)
    from apps.users.models import User

    in_tenant(OTHER_TENANT)
    other.force_authenticate(User.objects.get(email=f"admin@{OTHER_TENANT}.test"))
    assert other.get("/v1/marketplace/installations").json()["data"] == []
    assert other.get(f"/v1/marketplace/installations/{installed['id']}").status_code == 404
    in_tenant(TENANT)


def test_install_and_uninstall_are_events_of_the_tenant(admin_api, installed, admin):
    from apps.events.models import OutboxEvent

    in_tenant(TENANT)
    event = OutboxEvent.objects.get(event_type="app.installed", record_id=installed["id"])
    assert event.data["app_id"] == installed["app_id"] and event.actor_id == admin.pk
    assert event.data["permissions_granted"] == ["deals:read", "contacts:read", "pipelines:read"]
    admin_api.delete(f"/v1/marketplace/installations/{installed['id']}")
    in_tenant(TENANT)
    assert OutboxEvent.objects.filter(event_type="app.uninstalled", record_id=installed["id"]).exists()


# ------------------------------------------------------------------------------------------------
# app tokens


def test_app_token_carries_exactly_the_granted_permissions(api, installed, registered):
    import jwt

    status, body = client_credentials_token(api, registered["credentials"])
    assert status == 200, body
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert sorted(claims["permissions"]) == ["contacts:read", "deals:read", "pipelines:read"]
    assert claims["tenant_id"] == TENANT
    assert claims["sub"] == f"client:{registered['credentials']['client_id']}"


def test_app_gets_no_token_where_it_is_not_installed(api, installed, registered):
    status, body = client_credentials_token(api, registered["credentials"], tenant=OTHER_TENANT)
    assert status == 401 and body["error"] == "invalid_client"


def test_app_token_is_useless_in_another_tenant(app_api):
    response = app_api.get("/v1/marketplace/data/deals", HTTP_X_TENANT_ID=OTHER_TENANT)
    assert response.status_code == 401
    assert response.json()["errors"][0]["details"]["error_type"] == "tenant_mismatch"


def test_wrong_client_secret_gets_no_token(api, installed, registered):
    credentials = {**registered["credentials"], "client_secret": "mks_not-the-secret"}
    status, _ = client_credentials_token(api, credentials)
    assert status == 401


def test_uninstall_revokes_the_apps_tokens_and_removes_its_webhook(admin_api, app_api, installed, registered):
    assert app_api.get("/v1/marketplace/data/deals").status_code == 200
    response = admin_api.delete(f"/v1/marketplace/installations/{installed['id']}")
    assert response.status_code == 200
    assert response.json()["data"] == {"id": installed["id"], "deleted": True}

    refused = app_api.get("/v1/marketplace/data/deals")
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["details"]["error_type"] == "token_revoked"
    status, _ = client_credentials_token(APIClient(), registered["credentials"])
    assert status == 401
    from apps.webhooks.models import Webhook

    in_tenant(TENANT)
    assert not Webhook.objects.filter(pk__in=installed["webhook_ids"]).exists()
    assert not Installation.objects.filter(pk=installed["id"]).exists()


def test_operator_disabling_an_app_revokes_its_tokens_until_enabled(operator_api, app_api, installed, registered):
    response = operator_api.post(f"/v1/marketplace/apps/{registered['id']}/disable")
    assert response.status_code == 200 and response.json()["data"]["status"] == "disabled"
    assert app_api.get("/v1/marketplace/data/deals").status_code == 401
    assert client_credentials_token(APIClient(), registered["credentials"])[0] == 401

    assert operator_api.post(f"/v1/marketplace/apps/{registered['id']}/enable").status_code == 200
    status, body = client_credentials_token(APIClient(), registered["credentials"])
    assert status == 200
    fresh = APIClient(HTTP_X_TENANT_ID=TENANT)
    fresh.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access_token']}", HTTP_X_APP_ID=registered["id"])
    assert fresh.get("/v1/marketplace/data/deals").status_code == 200


# ------------------------------------------------------------------------------------------------
# data access


@pytest.fixture
def deals(admin):
    from apps.deals.services import deal_create

    in_tenant(TENANT)
    return [
        deal_create(title=f"Deal {number}", value=1000 * (number + 1), pipeline=None, owner=admin, actor=admin)
        for number in range(3)
    ]


def test_app_reads_granted_deals_through_the_deals_api(app_api, deals, django_assert_max_num_queries):
    with django_assert_max_num_queries(9):
        response = app_api.get("/v1/marketplace/data/deals?status=active&limit=100")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["success"] is True
    assert {deal["id"] for deal in body["data"]} == {deal.pk for deal in deals}
    assert body["meta"]["pagination"]["limit"] == 100 and body["meta"]["pagination"]["total"] == 3
    assert {"title", "value", "stage", "ownerId", "createdAt"} <= set(body["data"][0])


def test_data_access_query_count_does_not_grow_with_records(app_api, deals, admin):
    from apps.deals.services import deal_create

    app_api.get("/v1/marketplace/data/deals?limit=100")  # warm caches (security config)
    with CaptureQueriesContext(connection) as few:
        app_api.get("/v1/marketplace/data/deals?limit=100")
    in_tenant(TENANT)
    for number in range(10):
        deal_create(title=f"More {number}", value=10, pipeline=None, owner=admin, actor=admin)
    with CaptureQueriesContext(connection) as many:
        response = app_api.get("/v1/marketplace/data/deals?limit=100")
    assert len(response.json()["data"]) == 13
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize("resource", ["contacts", "pipelines"])
def test_app_reads_other_granted_resources(app_api, resource):
    response = app_api.get(f"/v1/marketplace/data/{resource}?limit=10")
    assert response.status_code == 200, response.json()
    assert "pagination" in response.json()["meta"]


@pytest.mark.parametrize("resource", ["leads", "accounts"])
def test_app_cannot_read_resources_not_granted(app_api, resource):
    response = app_api.get(f"/v1/marketplace/data/{resource}")
    assert response.status_code == 403
    assert response.json()["errors"][0]["details"]["required_permissions"] == [f"{resource}:read"]


def test_app_token_cannot_write_through_the_records_api(app_api):
    response = app_api.post("/v1/deals", {"title": "Sneaky", "value": 1}, format="json")
    assert response.status_code == 403


def test_data_access_needs_the_apps_own_id(app_api, registered):
    token = APIClient(HTTP_X_TENANT_ID=TENANT, HTTP_AUTHORIZATION=app_api._credentials["HTTP_AUTHORIZATION"])
    missing = token.get("/v1/marketplace/data/deals")
    assert missing.status_code == 400 and missing.json()["errors"][0]["field"] == "X-App-ID"
    other = token.get("/v1/marketplace/data/deals", HTTP_X_APP_ID="app_analytics_pro_123")
    assert other.status_code == 403
    assert token.get("/v1/marketplace/data/deals", HTTP_X_APP_ID=registered["id"]).status_code == 200


def test_people_cannot_use_the_app_data_endpoint(admin_api, installed, registered):
    response = admin_api.get("/v1/marketplace/data/deals", HTTP_X_APP_ID=registered["id"])
    assert response.status_code == 403


def test_unknown_resource_is_not_found(app_api):
    assert app_api.get("/v1/marketplace/data/users").status_code == 404


# ------------------------------------------------------------------------------------------------
# widgets


def test_app_creates_the_designs_widget_and_gets_its_data(app_api, deals, registered):
    response = app_api.post("/v1/marketplace/widgets", WIDGET_BODY, format="json")
    assert response.status_code == 201, response.json()
    widget = response.json()["data"]
    assert widget["id"].startswith("widget_")
    assert widget["app_id"] == registered["id"]
    assert widget["widget_info"] == WIDGET_BODY["widget_info"]
    assert widget["data_source"] == WIDGET_BODY["data_source"]
    assert widget["visualization"] == WIDGET_BODY["visualization"]

    listed = app_api.get("/v1/marketplace/widgets").json()["data"]
    assert [item["id"] for item in listed] == [widget["id"]]

    data = app_api.get(f"/v1/marketplace/widgets/{widget['id']}/data").json()["data"]
    (result,) = data["results"]
    assert result["operation"] == "sum" and result["group_by"] == "stage"
    by_stage = {group["label"]: group["value"] for group in result["groups"]}
    stage = deals[0].stage.name  # every new deal starts in the pipeline's first stage
    assert by_stage == {stage: 6000.0}


def test_widget_data_follows_filters_and_groupings(app_api, deals, admin):
    from apps.deals.services import deal_move_stage

    in_tenant(TENANT)
    won_stage = deals[0].pipeline.stages.get(stage_type="won")
    deal_move_stage(deal=deals[2], new_stage=won_stage, actor=admin)
    body = copy.deepcopy(WIDGET_BODY)
    body["data_source"]["filters"] = {"created_after": "today"}
    body["data_source"]["aggregations"] = [
        {"field": "value", "operation": "sum", "group_by": "status"},
        {"operation": "count"},
        {"field": "value", "operation": "avg"},
    ]
    widget = app_api.post("/v1/marketplace/widgets", body, format="json").json()["data"]
    sums, count, average = app_api.get(f"/v1/marketplace/widgets/{widget['id']}/data").json()["data"]["results"]
    assert {group["key"]: group["value"] for group in sums["groups"]} == {"open": 3000.0, "won": 3000.0}
    assert count["value"] == 3
    assert average["value"] == 2000.0


def test_widget_over_a_resource_not_granted_is_refused(app_api):
    body = copy.deepcopy(WIDGET_BODY)
    body["data_source"] = {"query": "leads", "aggregations": [{"operation": "count", "group_by": "status"}]}
    response = app_api.post("/v1/marketplace/widgets", body, format="json")
    assert response.status_code == 403
    assert response.json()["errors"][0]["details"]["required_permissions"] == ["leads:read"]


def test_widget_refuses_unknown_fields_filters_and_groupings(app_api):
    body = copy.deepcopy(WIDGET_BODY)
    body["data_source"]["filters"] = {"colour": "red", "created_after": "last tuesday"}
    body["data_source"]["aggregations"] = [{"field": "title", "operation": "sum", "group_by": "weather"}]
    response = app_api.post("/v1/marketplace/widgets", body, format="json")
    assert response.status_code == 400
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {
        "data_source.filters.colour",
        "data_source.filters.created_after",
        "data_source.aggregations[0].field",
        "data_source.aggregations[0].group_by",
    }


def test_widgets_are_made_by_apps_and_seen_by_tenant_admins(admin_api, app_api, installed):
    assert admin_api.post("/v1/marketplace/widgets", WIDGET_BODY, format="json").status_code == 403
    widget = app_api.post("/v1/marketplace/widgets", WIDGET_BODY, format="json").json()["data"]
    assert [item["id"] for item in admin_api.get("/v1/marketplace/widgets").json()["data"]] == [widget["id"]]
    assert admin_api.get(f"/v1/marketplace/widgets/{widget['id']}/data").status_code == 200


def test_people_see_widget_figures_only_for_records_they_may_read(api, app_api, make_user):
    from apps.users.models import Role

    widget = app_api.post("/v1/marketplace/widgets", WIDGET_BODY, format="json").json()["data"]
    in_tenant(TENANT)
    Role.objects.create(name="marketplace_viewer", permissions=["marketplace:read"])
    api.force_authenticate(make_user(roles=["marketplace_viewer"]))
    assert api.get("/v1/marketplace/widgets").status_code == 200
    refused = api.get(f"/v1/marketplace/widgets/{widget['id']}/data")
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["details"]["required_permissions"] == ["deals:read"]


def test_widget_list_has_no_n_plus_one(app_api, django_assert_max_num_queries):
    for _ in range(4):
        app_api.post("/v1/marketplace/widgets", WIDGET_BODY, format="json")
    with django_assert_max_num_queries(7):
        response = app_api.get("/v1/marketplace/widgets")
    assert len(response.json()["data"]) == 4


def test_widgets_go_with_the_installation(admin_api, app_api, installed):
    widget = app_api.post("/v1/marketplace/widgets", WIDGET_BODY, format="json").json()["data"]
    admin_api.delete(f"/v1/marketplace/installations/{installed['id']}")
    from apps.marketplace.models import Widget

    assert not Widget.objects.filter(pk=widget["id"]).exists()
    assert connection.schema_name in (TENANT, "public")


def test_operators_script_registration_with_http_basic(operator, db):
    import base64

    client = APIClient()
    wrong = base64.b64encode(b"ops@marketplace.test:not-the-password").decode()
    refused = client.post(
        "/v1/marketplace/apps/register", REGISTER_BODY, format="json", HTTP_AUTHORIZATION=f"Basic {wrong}"
    )
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["code"] == "UNAUTHORIZED"
    good = base64.b64encode(b"ops@marketplace.test:Operator-Pass-2025!").decode()
    response = client.post(
        "/v1/marketplace/apps/register", REGISTER_BODY, format="json", HTTP_AUTHORIZATION=f"Basic {good}"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["data"]["credentials"]["client_secret"]
    in_tenant(TENANT)

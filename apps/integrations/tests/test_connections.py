"""Connections: credentials checked per provider, stored encrypted, never answered; tenants and
permissions."""

import pytest
from django.db import connection as db
from rest_framework.test import APIClient

from apps.integrations.crypto import credentials_decrypt
from apps.integrations.models import Connection, Sync
from apps.integrations.tests.conftest import MAILCHIMP_KEY, google_body, mailchimp_body, quickbooks_body
from apps.users.models import User
from tests.fixtures import in_tenant

pytestmark = pytest.mark.django_db


def test_credentials_are_stored_encrypted_and_never_answered(admin_api, connect, mailchimp):
    created = connect(mailchimp_body(mailchimp))
    with db.cursor() as cursor:
        cursor.execute("SELECT credentials FROM integrations_connection WHERE id = %s", [created["id"]])
        raw = cursor.fetchone()[0]
    assert MAILCHIMP_KEY not in raw and "api_key" not in raw
    assert credentials_decrypt(raw) == {"api_key": MAILCHIMP_KEY}
    assert created["credentials_set"] == ["api_key"]
    for answer in (
        created,
        admin_api.get(f"/v1/integrations/connections/{created['id']}").json(),
        admin_api.get("/v1/integrations/connections").json(),
    ):
        assert MAILCHIMP_KEY not in str(answer)
        assert "credentials" not in str(answer).replace("credentials_set", "")


def test_mailchimp_base_url_defaults_to_the_data_center_of_the_key(connect):
    created = connect({"provider": "mailchimp", "credentials": {"api_key": "abc123def456-us21"}})
    assert created["base_url"] == "https://us21.api.mailchimp.com/3.0"
    google = connect({"provider": "google_calendar", "credentials": {"access_token": "ya29.x"}})
    assert google["base_url"] == "https://www.googleapis.com/calendar/v3"
    qbo = connect({"provider": "quickbooks", "credentials": {"access_token": "t", "realm_id": "4620816365"}})
    assert qbo["base_url"] == "https://quickbooks.api.intuit.com/v3/company/4620816365"


def test_unknown_provider_and_bad_credentials_are_refused_by_name(admin_api):
    post = lambda body: admin_api.post("/v1/integrations/connections", body, format="json")  # noqa: E731
    unknown = post({"provider": "hubspot", "credentials": {}})
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["field"] == "provider"
    no_dc = post({"provider": "mailchimp", "credentials": {"api_key": "nodatacenter"}})
    assert no_dc.status_code == 400 and no_dc.json()["errors"][0]["field"] == "credentials.api_key"
    missing = post({"provider": "quickbooks", "credentials": {"access_token": "t", "password": "x"}})
    assert missing.status_code == 400
    assert {e["field"] for e in missing.json()["errors"]} == {"credentials.realm_id", "credentials.password"}
    setting = post({"provider": "google_calendar", "credentials": {"access_token": "t"}, "settings": {"colour": 1}})
    assert setting.status_code == 400 and setting.json()["errors"][0]["field"] == "settings.colour"


def test_base_url_in_a_private_network_is_refused_by_the_webhooks_ssrf_rule(admin_api, settings):
    settings.CRM_WEBHOOKS_ALLOW_PRIVATE_NETWORKS = False
    body = {
        "provider": "mailchimp",
        "credentials": {"api_key": "abc-us21"},
        "settings": {"base_url": "http://10.0.0.5/3.0"},
    }
    response = admin_api.post("/v1/integrations/connections", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "settings.base_url"
    assert not Connection.objects.exists()


def test_one_connection_per_provider_and_patch_replaces_credentials(admin_api, connect, quickbooks):
    created = connect(quickbooks_body(quickbooks))
    again = admin_api.post("/v1/integrations/connections", quickbooks_body(quickbooks), format="json")
    assert again.status_code == 409
    patched = admin_api.patch(
        f"/v1/integrations/connections/{created['id']}",
        {"credentials": {"access_token": "new", "realm_id": "1", "refresh_token": "r"}, "settings": {"item_id": "7"}},
        format="json",
    ).json()["data"]
    assert patched["credentials_set"] == ["access_token", "realm_id", "refresh_token"]
    assert patched["settings"] == {"base_url": quickbooks.url, "item_id": "7"}
    stored = Connection.objects.get(pk=created["id"])
    assert credentials_decrypt(stored.credentials)["access_token"] == "new"
    deleted = admin_api.delete(f"/v1/integrations/connections/{created['id']}").json()["data"]
    assert deleted == {"id": created["id"], "deleted": True}
    assert not Connection.objects.exists()


def test_sales_rep_without_integration_permissions_is_refused(api, make_user, connect, mailchimp):
    connect(mailchimp_body(mailchimp))
    rep = make_user(roles=["sales_rep"])
    api.force_authenticate(rep)
    calls = [
        ("get", "/v1/integrations/connections", None),
        ("post", "/v1/integrations/connections", mailchimp_body(mailchimp)),
        ("get", "/v1/integrations/syncs", None),
        ("post", "/v1/integrations/email-marketing/sync-contacts", {"provider": "mailchimp", "list_id": "x"}),
        ("post", "/v1/integrations/calendar/create-event", {"provider": "google_calendar"}),
        ("post", "/v1/integrations/accounting/create-invoice", {"provider": "quickbooks"}),
    ]
    for method, path, body in calls:
        response = getattr(api, method)(path, body, format="json")
        assert response.status_code == 403, path
        assert response.json()["errors"][0]["details"]["required_permissions"][0].startswith("integrations:")
    assert mailchimp.requests == []


def test_another_tenant_sees_neither_connections_nor_syncs(connect, admin, mailchimp):
    created = connect(mailchimp_body(mailchimp))
    sync = Sync.objects.create(provider="mailchimp", owner=admin, request={"list_id": "l"})
    in_tenant("globex")
    try:
        client = APIClient(HTTP_X_TENANT_ID="globex")
        client.force_authenticate(User.objects.get(email="admin@globex.test"))
        assert client.get("/v1/integrations/connections").json()["data"] == []
        assert client.get(f"/v1/integrations/connections/{created['id']}").status_code == 404
        assert client.get(f"/v1/integrations/syncs/{sync.pk}").status_code == 404
        assert client.get("/v1/integrations/syncs").json()["data"] == []
    finally:
        in_tenant("acme")


def test_connection_and_sync_lists_cost_a_fixed_number_of_queries(
    admin_api, admin, connect, mailchimp, google, quickbooks, django_assert_max_num_queries
):
    for body in (mailchimp_body(mailchimp), google_body(google), quickbooks_body(quickbooks)):
        connect(body)
    mailchimp_connection = Connection.objects.get(provider="mailchimp")
    for _ in range(5):
        Sync.objects.create(
            provider="mailchimp", connection=mailchimp_connection, owner=admin, request={"list_id": "l"}
        )
    with django_assert_max_num_queries(8):
        connections = admin_api.get("/v1/integrations/connections").json()
    assert [c["provider"] for c in connections["data"]] == ["google_calendar", "mailchimp", "quickbooks"]
    with django_assert_max_num_queries(8):
        syncs = admin_api.get("/v1/integrations/syncs").json()
    assert len(syncs["data"]) == 5 and syncs["meta"]["pagination"]["total"] == 5
    assert syncs["data"][0]["webhook_url"].endswith(f"/v1/integrations/syncs/{syncs['data'][0]['sync_id']}")

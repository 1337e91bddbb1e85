"""`/v1/tenant/security-config` (the design's JSON, enforced) and `/v1/security-events`."""

import uuid

from django.test import Client

from apps.security.models import SecurityEvent
from apps.security.services import security_config_update, security_event_record
from tests.fixtures import ADMIN_PASSWORD, TENANT

DESIGN_CONFIG = {
    "tenant_id": "tenant_abc123",
    "security_config": {
        "password_policy": {
            "min_length": 12,
            "require_uppercase": True,
            "require_numbers": True,
            "require_symbols": True,
            "max_age_days": 90,
        },
        "session_config": {"timeout_minutes": 480, "concurrent_sessions": 3, "remember_me_days": 30},
        "api_security": {"rate_limit_multiplier": 1.5, "ip_whitelist_enabled": True, "api_key_rotation_days": 90},
    },
}


def test_get_answers_the_designs_json(admin_api):
    data = admin_api.get("/v1/tenant/security-config").json()["data"]
    assert data["tenant_id"] == TENANT
    assert set(data["security_config"]) == {"password_policy", "session_config", "api_security"}
    assert data["security_config"]["password_policy"] == DESIGN_CONFIG["security_config"]["password_policy"]
    assert set(data["security_config"]["api_security"]) == {
        "rate_limit_multiplier",
        "ip_whitelist_enabled",
        "api_key_rotation_days",
    }


def test_put_of_the_designs_body_is_stored_for_the_requests_tenant(admin_api):
    response = admin_api.put("/v1/tenant/security-config", DESIGN_CONFIG, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["data"] == {**DESIGN_CONFIG, "tenant_id": TENANT}
    assert (
        admin_api.get("/v1/tenant/security-config").json()["data"]["security_config"]["api_security"][
            "rate_limit_multiplier"
        ]
        == 1.5
    )


def test_partial_put_changes_only_what_is_sent(admin_api):
    body = {"security_config": {"session_config": {"concurrent_sessions": 5}}}
    config = admin_api.put("/v1/tenant/security-config", body, format="json").json()["data"]["security_config"]
    assert config["session_config"] == {"timeout_minutes": 480, "concurrent_sessions": 5, "remember_me_days": 30}
    assert config["password_policy"]["min_length"] == 12


def test_invalid_values_are_refused_field_by_field(admin_api):
    body = {"security_config": {"password_policy": {"min_length": "long", "shoe_size": 3}}}
    response = admin_api.put("/v1/tenant/security-config", body, format="json")
    assert response.status_code == 400
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"security_config.password_policy.min_length", "security_config.password_policy.shoe_size"}


def test_only_tenant_admins_see_or_change_the_config(api, make_user):
    api.force_authenticate(make_user(roles=["sales_manager"]))
    assert api.get("/v1/tenant/security-config").status_code == 403
    assert api.put("/v1/tenant/security-config", DESIGN_CONFIG, format="json").status_code == 403


def test_password_policy_applies_to_every_password_set(admin_api, make_user):
    security_config_update(sections={"password_policy": {"min_length": 20}})
    body = {"email": "short@acme.test", "password": "Strong-Pass-2025!"}
    refused = admin_api.post("/v1/users", body, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["field"] == "password"
    assert "at least 20 characters" in refused.json()["error"]["message"]
    user = make_user(password="A-Much-Longer-Pass-2025!")
    update = admin_api.patch(f"/v1/users/{user.pk}", {"password": "nosymbolsatallhere2025X"}, format="json")
    assert update.status_code == 400
    assert "a symbol" in update.json()["error"]["message"]


def test_security_events_list_in_the_contracts_shape_and_filters(admin_api, admin):
    security_event_record(event_type="login_failure", actor_id="user_x", details={"email": "x@acme.test"})
    security_event_record(event_type="data_export_request", actor_id=admin.pk, details={"resource": "contacts"})
    events = admin_api.get("/v1/security-events").json()["data"]
    assert set(events[0]) == {"id", "event_type", "actor_id", "ip", "user_agent", "request_id", "timestamp", "details"}
    assert events[0]["id"].startswith("sev_")
    only = admin_api.get("/v1/security-events", {"event_type": "data_export_request"}).json()["data"]
    assert [event["actor_id"] for event in only] == [admin.pk]
    by_actor = admin_api.get("/v1/security-events", {"actor_id": "user_x"}).json()["data"]
    assert [event["event_type"] for event in by_actor] == ["login_failure"]
    assert admin_api.get("/v1/security-events", {"since": "2999-01-01T00:00:00Z"}).json()["data"] == []
    assert len(admin_api.get("/v1/security-events", {"until": "2999-01-01T00:00:00Z"}).json()["data"]) >= 2


def test_security_events_are_for_tenant_admins_only(api, make_user):
    api.force_authenticate(make_user(roles=["sales_rep"]))
    assert api.get("/v1/security-events").status_code == 403
    denied = SecurityEvent.objects.get(event_type="permission_denied")
    assert denied.details["required_permission"] == "security:read"
    assert denied.request_id.startswith("req_")


def test_security_events_list_query_count_is_flat(admin_api, django_assert_max_num_queries):
    for index in range(10):
        security_event_record(event_type="logout", actor_id=f"user_{index}")
    with django_assert_max_num_queries(6):
        assert len(admin_api.get("/v1/security-events").json()["data"]) == 10


def test_event_details_never_hold_credentials(tenant):
    event = security_event_record(
        event_type="invalid_api_key", details={"api_key": "ak_live_x", "password": "p", "secret": "s", "kept": 1}
    )
    assert event.details == {"kept": 1}


def _login(client: Client, email: str, password: str):
    return client.post("/accounts/login/", {"username": email, "password": password})


def test_login_success_failure_and_logout_are_recorded(tenant, make_user):
    user = make_user(email=f"events-{uuid.uuid4().hex[:8]}@acme.test")
    client = Client(HTTP_X_TENANT_ID=TENANT, HTTP_USER_AGENT="pytest-browser")
    assert _login(client, user.email, "wrong-password").status_code == 200
    assert _login(client, user.email, ADMIN_PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    events = list(SecurityEvent.objects.order_by("timestamp").values_list("event_type", "actor_id"))
    assert events == [("login_failure", ""), ("login_success", user.pk), ("logout", user.pk)]
    success = SecurityEvent.objects.get(event_type="login_success")
    assert success.user_agent == "pytest-browser" and success.ip == "127.0.0.1"


def test_repeated_failures_lock_the_login_even_with_the_right_password(tenant, make_user, settings):
    settings.CRM_LOGIN_MAX_FAILURES = 3
    user = make_user(email=f"locked-{uuid.uuid4().hex[:8]}@acme.test")  # counters live in Redis, not the test DB
    client = Client(HTTP_X_TENANT_ID=TENANT)
    for _ in range(3):
        assert _login(client, user.email, "wrong-password").status_code == 200
    assert SecurityEvent.objects.filter(event_type="login_lockout").count() == 1
    assert _login(client, user.email, ADMIN_PASSWORD).status_code == 200  # refused while locked
    other = make_user(email=f"free-{uuid.uuid4().hex[:8]}@acme.test")
    assert _login(client, other.email, ADMIN_PASSWORD).status_code == 302


def test_sessions_time_out_and_the_oldest_beyond_the_limit_ends(tenant, make_user):
    security_config_update(sections={"session_config": {"timeout_minutes": 30, "concurrent_sessions": 2}})
    user = make_user(email="sessions@acme.test")
    browsers = [Client(HTTP_X_TENANT_ID=TENANT) for _ in range(3)]
    for browser in browsers:
        assert _login(browser, user.email, ADMIN_PASSWORD).status_code == 302
    assert browsers[2].session.get_expiry_age() == 30 * 60
    statuses = [browser.get("/v1/users/me").status_code for browser in browsers]
    assert statuses[0] == 401
    assert statuses[1] != 401 and statuses[2] != 401

"""`/v1/api-keys`: the design's create body and response, key use, expiry, IP allow-list, rotation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.apikeys.models import ApiKey
from apps.security.models import SecurityEvent
from apps.security.services import security_config_update

DESIGN_BODY = {
    "name": "Third-party Integration",
    "description": "Integration with external system",
    "permissions": ["contacts:read", "deals:read", "leads:write"],
    "rate_limit_tier": "api_integration",
    "expires_at": "2099-12-31T23:59:59Z",
    "ip_whitelist": ["192.168.1.0/24", "10.0.0.100"],
}


def _create(admin_api, **changes) -> dict:
    response = admin_api.post("/v1/api-keys", {**DESIGN_BODY, **changes}, format="json")
    assert response.status_code == 201, response.content
    return response.json()["data"]


def _use(api, created: dict, path: str = "/v1/users", ip: str = "192.168.1.7", **headers):
    api.force_authenticate(None)
    return api.get(
        path,
        HTTP_X_API_KEY=created["api_key"],
        HTTP_X_API_SECRET=created["api_secret"],
        REMOTE_ADDR=ip,
        **headers,
    )


def test_create_answers_the_designs_response_once(admin_api):
    data = _create(admin_api)
    assert set(data) == {
        "id",
        "name",
        "api_key",
        "api_secret",
        "permissions",
        "rate_limit_tier",
        "created_at",
        "expires_at",
    }
    assert data["id"].startswith("key_")
    assert data["api_key"].startswith("ak_live_")
    assert data["api_secret"].startswith("sk_live_")
    assert data["permissions"] == ["contacts:read", "deals:read", "leads:write"]
    assert data["expires_at"] == "2099-12-31T23:59:59Z"
    stored = ApiKey.objects.get(pk=data["id"])
    assert data["api_secret"] not in (stored.secret_digest, stored.key_digest)
    listed = admin_api.get("/v1/api-keys").json()["data"][0]
    assert "api_secret" not in listed and "api_key" not in listed
    assert listed["key_prefix"] == data["api_key"][:14]
    assert listed["ip_whitelist"] == ["192.168.1.0/24", "10.0.0.100/32"]
    assert admin_api.get(f"/v1/api-keys/{data['id']}").json()["data"]["rotation_due"] is False


def test_key_and_secret_authenticate_with_the_keys_permissions(admin_api, api):
    data = _create(admin_api, permissions=["users:read"])
    assert _use(api, data).status_code == 200
    assert _use(api, data, "/v1/roles").status_code == 403


def test_wrong_secret_is_refused_and_recorded(admin_api, api):
    data = _create(admin_api)
    response = _use(api, {**data, "api_secret": "sk_live_wrong"})
    assert response.status_code == 401
    assert response.json()["error"]["details"]["error_type"] == "api_key_invalid"
    assert SecurityEvent.objects.filter(event_type="invalid_api_key").exists()


def test_expired_key_is_refused(admin_api, api):
    data = _create(admin_api, permissions=["users:read"])
    ApiKey.objects.filter(pk=data["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = _use(api, data)
    assert response.status_code == 401
    assert response.json()["error"]["details"]["error_type"] == "api_key_expired"


def test_expiry_in_the_past_is_refused_at_creation(admin_api):
    response = admin_api.post("/v1/api-keys", {**DESIGN_BODY, "expires_at": "2001-01-01T00:00:00Z"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "expires_at"


def test_address_outside_the_allow_list_is_refused(admin_api, api):
    data = _create(admin_api, permissions=["users:read"])
    assert _use(api, data, ip="10.0.0.100").status_code == 200
    response = _use(api, data, ip="203.0.113.9")
    assert response.status_code == 401
    assert response.json()["error"]["details"]["error_type"] == "ip_not_allowed"


def test_forwarded_for_is_believed_only_from_trusted_proxies(admin_api, api, settings):
    data = _create(admin_api, permissions=["users:read"])
    spoofed = _use(api, data, ip="203.0.113.9", HTTP_X_FORWARDED_FOR="192.168.1.7")
    assert spoofed.status_code == 401
    settings.CRM_TRUSTED_PROXIES = ["172.16.0.0/12"]
    proxied = _use(api, data, ip="172.16.0.5", HTTP_X_FORWARDED_FOR="203.0.113.50, 192.168.1.7")
    assert proxied.status_code == 200
    refused = _use(api, data, ip="172.16.0.5", HTTP_X_FORWARDED_FOR="192.168.1.7, 203.0.113.50")
    assert refused.status_code == 401


def test_allow_list_switched_off_by_the_tenant(admin_api, api):
    data = _create(admin_api, permissions=["users:read"])
    security_config_update(sections={"api_security": {"ip_whitelist_enabled": False}})
    assert _use(api, data, ip="203.0.113.9").status_code == 200


def test_bad_cidr_is_refused(admin_api):
    response = admin_api.post("/v1/api-keys", {**DESIGN_BODY, "ip_whitelist": ["not-an-ip"]}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "ip_whitelist[0]"


def test_key_cannot_hold_more_than_its_creator(api, make_user):
    manager = make_user(roles=["sales_manager"])
    from apps.users.models import Role

    Role.objects.filter(name="sales_manager").update(
        permissions=[*Role.objects.get(name="sales_manager").permissions, "api_keys:*"]
    )
    api.force_authenticate(manager)
    response = api.post("/v1/api-keys", {**DESIGN_BODY, "permissions": ["contacts:read", "users:write"]}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["details"]["required_permissions"] == ["users:write"]
    assert SecurityEvent.objects.filter(event_type="role_escalation_attempt", actor_id=manager.pk).exists()
    assert api.post("/v1/api-keys", {**DESIGN_BODY, "ip_whitelist": []}, format="json").status_code == 201


def test_rotate_shows_new_credentials_once_and_retires_the_old(admin_api, api):
    data = _create(admin_api, permissions=["users:read"], ip_whitelist=[])
    rotated = admin_api.post(f"/v1/api-keys/{data['id']}/rotate").json()["data"]
    assert rotated["id"] == data["id"]
    assert rotated["api_secret"] != data["api_secret"] and rotated["api_key"] != data["api_key"]
    assert _use(api, data).status_code == 401
    assert _use(api, rotated).status_code == 200


def test_revoke_deletes_the_key(admin_api, api):
    data = _create(admin_api, permissions=["users:read"], ip_whitelist=[])
    assert admin_api.delete(f"/v1/api-keys/{data['id']}").json()["data"] == {"id": data["id"], "deleted": True}
    assert _use(api, data).status_code == 401


def test_old_key_is_flagged_for_rotation_and_reminded_once(admin_api, api, admin):
    data = _create(admin_api, permissions=["users:read"], ip_whitelist=[])
    ApiKey.objects.filter(pk=data["id"]).update(created_at=timezone.now() - timedelta(days=91))
    _use(api, data)
    _use(api, data)
    assert SecurityEvent.objects.filter(event_type="api_key_rotation_due").count() == 1
    admin_api.force_authenticate(admin)
    detail = admin_api.get(f"/v1/api-keys/{data['id']}").json()["data"]
    assert detail["rotation_due"] is True


def test_list_query_count_is_flat(admin_api, django_assert_max_num_queries):
    for index in range(5):
        _create(admin_api, name=f"key {index}", ip_whitelist=[])
    with django_assert_max_num_queries(6):
        assert len(admin_api.get("/v1/api-keys").json()["data"]) == 5


@pytest.mark.parametrize("tier", ["api_integration", "premium_integration"])
def test_key_uses_its_rate_tier(admin_api, api, tier):
    data = _create(admin_api, permissions=["users:read"], ip_whitelist=[], rate_limit_tier=tier)
    limit = {"api_integration": "5000", "premium_integration": "10000"}[tier]
    assert _use(api, data)["X-RateLimit-Limit"] == limit


def test_key_keeps_its_explicit_tier_whatever_the_tenant_plan(tenant, admin_api, api):
    type(tenant).objects.filter(pk=tenant.pk).update(plan="premium")
    data = _create(admin_api, permissions=["users:read"], ip_whitelist=[], rate_limit_tier="api_integration")
    assert _use(api, data)["X-RateLimit-Limit"] == "5000"


@pytest.mark.parametrize(("plan", "tier"), [("standard", "api_integration"), ("premium", "premium_integration")])
def test_key_without_a_tier_gets_api_integration_or_its_plans_tier_if_higher(tenant, admin_api, api, plan, tier):
    type(tenant).objects.filter(pk=tenant.pk).update(plan=plan)
    body = {key: value for key, value in DESIGN_BODY.items() if key != "rate_limit_tier"}
    body |= {"permissions": ["users:read"], "ip_whitelist": []}
    response = admin_api.post("/v1/api-keys", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()["data"]
    assert data["rate_limit_tier"] == tier
    assert _use(api, data)["X-RateLimit-Limit"] == {"api_integration": "5000", "premium_integration": "10000"}[tier]

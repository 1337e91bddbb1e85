"""The design's rate limits: tiers, per-endpoint limits, tenant multiplier, headers, 429 body."""

import pytest

from apps.security.models import SecurityEvent
from apps.security.services import security_config_update
from tests.fixtures import OTHER_TENANT

SMALL = {
    "authenticated_user": {"minute": 3, "hour": 100, "day": 1000, "burst": 50},
    "api_integration": {"minute": 5000, "hour": 50000, "day": 500000, "burst": 100},
}


@pytest.fixture
def small_limits(settings):
    settings.CRM_RATE_LIMIT_TIERS = SMALL
    return settings


@pytest.fixture
def rep_api(api, make_user):
    api.force_authenticate(make_user(roles=["tenant_admin"], first_name="Rate"))
    return api


def test_every_api_answer_carries_rate_limit_headers(admin_api):
    response = admin_api.get("/v1/teams")
    assert response["X-RateLimit-Limit"] == "1000"
    assert int(response["X-RateLimit-Remaining"]) < 1000
    assert int(response["X-RateLimit-Reset"]) > 1_700_000_000


def test_over_the_minute_limit_answers_429_with_the_designs_body(small_limits, rep_api):
    remaining = [rep_api.get("/v1/teams")["X-RateLimit-Remaining"] for _ in range(3)]
    assert remaining == ["2", "1", "0"]
    refused = rep_api.get("/v1/teams")
    assert refused.status_code == 429
    assert refused["X-RateLimit-Limit"] == "3"
    assert refused["X-RateLimit-Remaining"] == "0"
    assert int(refused["Retry-After"]) >= 1
    assert refused["X-RateLimit-Retry-After"] == refused["Retry-After"]
    error = refused.json()["error"]
    assert error["code"] == "RATE_LIMIT_EXCEEDED"
    assert error["message"] == f"Rate limit exceeded. Try again in {refused['Retry-After']} seconds."
    assert error["details"] == {"limit": 3, "window": "1 minute", "retry_after": int(refused["Retry-After"])}
    rep_api.get("/v1/teams")
    assert SecurityEvent.objects.filter(event_type="rate_limit_exceeded").count() == 1


def test_burst_limit_refuses_many_calls_in_one_second(settings, rep_api):
    settings.CRM_RATE_LIMIT_TIERS = {"authenticated_user": {"minute": 100, "hour": 100, "day": 100, "burst": 1}}
    statuses = [rep_api.get("/v1/teams").status_code for _ in range(5)]
    assert 429 in statuses
    refused = next(r for r in [rep_api.get("/v1/teams") for _ in range(3)] if r.status_code == 429)
    assert refused.json()["error"]["details"]["window"] == "1 second"


def test_expensive_endpoint_has_its_own_limit(settings, rep_api):
    settings.CRM_RATE_LIMIT_ENDPOINTS = [(r"^/v1/teams/?$", 2)]
    assert rep_api.get("/v1/teams")["X-RateLimit-Limit"] == "2"
    assert rep_api.get("/v1/teams").status_code == 200
    assert rep_api.get("/v1/teams").status_code == 429
    assert rep_api.get("/v1/roles").status_code == 200  # other endpoints keep the tier's limit


def test_design_endpoint_limits_are_the_defaults():
    from apps.security.ratelimit import endpoint_limit

    assert endpoint_limit("/v1/contacts/search")[1] == 100
    assert endpoint_limit("/v1/deals/forecast")[1] == 50
    assert endpoint_limit("/v1/reports/pipeline")[1] == 20
    assert endpoint_limit("/v1/export/contacts")[1] == 10
    assert endpoint_limit("/v1/bulk/contacts/export")[1] == 10
    assert endpoint_limit("/v1/contacts") is None


def test_tenant_multiplier_scales_the_limits(small_limits, rep_api):
    security_config_update(sections={"api_security": {"rate_limit_multiplier": 2.0}})
    assert rep_api.get("/v1/teams")["X-RateLimit-Limit"] == "6"


def test_limits_are_counted_per_caller(small_limits, api, make_user):
    first, second = make_user(roles=["tenant_admin"]), make_user(roles=["tenant_admin"])
    api.force_authenticate(first)
    for _ in range(4):
        api.get("/v1/teams")
    api.force_authenticate(second)
    assert api.get("/v1/teams").status_code == 200


def test_refused_credentials_are_counted_by_address_and_wear_the_headers(small_limits, api):
    api.credentials(HTTP_AUTHORIZATION="Bearer not-a-real-token")
    refused = [api.get("/v1/teams") for _ in range(3)]
    assert [r.status_code for r in refused] == [401, 401, 401]
    assert [r["X-RateLimit-Remaining"] for r in refused] == ["2", "1", "0"]
    assert refused[0]["X-RateLimit-Limit"] == "3"
    guessing = api.get("/v1/teams")  # a fourth guess from the same address within the minute
    assert guessing.status_code == 429
    assert guessing.json()["error"]["code"] == "RATE_LIMIT_EXCEEDED"
    assert int(guessing["Retry-After"]) >= 1


def _set_plan(tenant, plan: str) -> None:
    type(tenant).objects.filter(pk=tenant.pk).update(plan=plan)


def test_tenant_plan_sets_the_tier_of_its_users_from_the_next_request(tenant, admin_api):
    assert admin_api.get("/v1/teams")["X-RateLimit-Limit"] == "1000"
    _set_plan(tenant, "integration")
    assert admin_api.get("/v1/teams")["X-RateLimit-Limit"] == "5000"
    _set_plan(tenant, "premium")
    assert admin_api.get("/v1/teams")["X-RateLimit-Limit"] == "10000"
    _set_plan(tenant, "standard")
    assert admin_api.get("/v1/teams")["X-RateLimit-Limit"] == "1000"


def test_tenant_plan_sets_the_tier_of_anonymous_callers(tenant, api):
    assert api.get("/v1/teams")["X-RateLimit-Limit"] == "1000"
    _set_plan(tenant, "premium")
    refused = api.get("/v1/teams")
    assert refused.status_code == 401
    assert refused["X-RateLimit-Limit"] == "10000"


def test_tenant_plan_never_leaks_into_another_tenant(tenant, admin_api, api):
    other_tenant = type(tenant).objects.get(schema_name=OTHER_TENANT)
    _set_plan(other_tenant, "premium")
    assert admin_api.get("/v1/teams")["X-RateLimit-Limit"] == "1000"
    assert api.get("/v1/teams", HTTP_X_TENANT_ID=other_tenant.schema_name)["X-RateLimit-Limit"] == "10000"


@pytest.mark.parametrize(("plan", "limit"), [("standard", "5000"), ("integration", "5000"), ("premium", "10000")])
def test_oauth_clients_get_api_integration_or_their_plans_tier_if_higher(tenant, api, plan, limit):
    from apps.identity.services import oauth_client_permissions_set
    from apps.tenants.services import oauth_client_register

    application, secret = oauth_client_register(
        client_id="tier_app", redirect_uris=["https://partner.example/cb"], confidential=True
    )
    oauth_client_permissions_set(application=application, permissions=["users:read"])
    token = api.post(
        "/oauth2/token",
        {"grant_type": "client_credentials", "client_id": "tier_app", "client_secret": secret, "scope": "users:read"},
    ).json()["access_token"]
    _set_plan(tenant, plan)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = api.get("/v1/users")
    assert response.status_code == 200
    assert response["X-RateLimit-Limit"] == limit

"""A plan chosen in the operators' console sets the rate tier of the tenant's callers at once."""

from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from apps.tenants.models import Tenant
from tests.fixtures import TENANT, in_tenant


def _change_plan_in_console(tenant: Tenant, plan: str) -> None:
    from apps.tenants.services import operator_ensure

    connection.set_schema_to_public()
    operator = operator_ensure(email="plans@platform.test", password="Operator-Pass-2025!")
    console = Client()  # the public host
    console.force_login(operator)
    domains = list(tenant.domains.order_by("pk"))
    form = {
        "name": tenant.name,
        "plan": plan,
        "currency": tenant.currency,
        "domains-TOTAL_FORMS": str(len(domains)),
        "domains-INITIAL_FORMS": str(len(domains)),
        "domains-MIN_NUM_FORMS": "0",
        "domains-MAX_NUM_FORMS": "1000",
    }
    for index, domain in enumerate(domains):
        form |= {f"domains-{index}-id": domain.pk, f"domains-{index}-tenant": tenant.pk}
        form |= {f"domains-{index}-domain": domain.domain}
        if domain.is_primary:
            form[f"domains-{index}-is_primary"] = "on"
    response = console.post(f"/admin/tenants/tenant/{tenant.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_plan_changed_in_the_console_sets_the_tier_of_the_next_request(tenant, admin):
    api = APIClient(HTTP_X_TENANT_ID=TENANT)
    api.force_authenticate(admin)
    assert api.get("/v1/teams")["X-RateLimit-Limit"] == "1000"

    _change_plan_in_console(tenant, "premium")
    assert Tenant.objects.get(pk=tenant.pk).plan == "premium"
    assert api.get("/v1/teams")["X-RateLimit-Limit"] == "10000"

    _change_plan_in_console(Tenant.objects.get(pk=tenant.pk), "integration")
    assert api.get("/v1/teams")["X-RateLimit-Limit"] == "5000"
    in_tenant(TENANT)

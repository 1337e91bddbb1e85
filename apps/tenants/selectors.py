from django.conf import settings
from django_tenants.utils import get_public_schema_name

from apps.tenants.models import Domain, Tenant


def tenant_by_slug(slug: str) -> Tenant | None:
    return Tenant.objects.filter(schema_name=slug).first()


def tenant_by_hostname(hostname: str) -> Tenant | None:
    domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
    return domain.tenant if domain else None


def tenant_list():
    return Tenant.objects.exclude(schema_name__in=[get_public_schema_name(), settings.TENANT_BASE_SCHEMA]).order_by(
        "schema_name"
    )

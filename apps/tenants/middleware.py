"""Routes each request to its tenant: by `X-Tenant-ID`, else by host (`<slug>.<CRM_BASE_DOMAIN>`).

The public host (the base domain itself, or a host no tenant claims when no header is sent)
serves operators. An `X-Tenant-ID` or tenant host that names no tenant answers 404 in the
envelope, before any view runs.
"""

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.utils import get_public_schema_name

from apps.core.responses import error_response
from apps.tenants.selectors import tenant_by_hostname, tenant_by_slug

_NOT_ROUTABLE = {get_public_schema_name(), settings.TENANT_BASE_SCHEMA}


class TenantRoutingMiddleware(TenantMainMiddleware):
    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        connection.set_schema_to_public()
        slug = request.META.get(settings.TENANT_HEADER, "").strip()
        if slug:
            tenant = tenant_by_slug(slug)
            if tenant is None or tenant.schema_name in _NOT_ROUTABLE:
                return _unknown_tenant(request, slug)
        else:
            hostname = self.hostname_from_request_safely(request)
            tenant = tenant_by_hostname(hostname) if hostname else None
            if tenant is None:
                if hostname and _looks_like_tenant_host(hostname):
                    return _unknown_tenant(request, hostname.split(".", 1)[0])
                tenant = tenant_by_slug(get_public_schema_name())
                if tenant is None:
                    return _unknown_tenant(request, hostname or "")
            tenant.domain_url = hostname
        if tenant.is_suspended:
            return error_response(
                request,
                status=403,
                code="FORBIDDEN",
                message=f"Tenant '{tenant.schema_name}' is suspended.",
                details={"tenant_id": tenant.schema_name, "reason": "tenant_suspended"},
            )
        request.tenant = tenant
        connection.set_tenant(tenant)
        self.setup_url_routing(request)
        return None

    def hostname_from_request_safely(self, request: HttpRequest) -> str:
        try:
            return self.hostname_from_request(request)
        except Exception:  # DisallowedHost and malformed Host headers route to the public site
            return ""


def _looks_like_tenant_host(hostname: str) -> bool:
    base = settings.CRM_BASE_DOMAIN
    return hostname.endswith("." + base) and hostname.count(".") == base.count(".") + 1


def _unknown_tenant(request: HttpRequest, slug: str) -> HttpResponse:
    return error_response(
        request,
        status=404,
        code="NOT_FOUND",
        message=f"No tenant '{slug}'.",
        details={"tenant_id": slug},
    )

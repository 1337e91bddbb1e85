"""Routes of a tenant's host (or any host with `X-Tenant-ID`)."""

from django.urls import include, path, re_path

from apps.console.sites import tenant_site
from apps.core.graphql.view import CrmGraphQLView
from crm.urls_common import common_urlpatterns, handler400, handler403, handler404, handler500  # noqa: F401

# Each module's REST routes, all under /v1.
API_MODULES = [
    "core",
    "users",
    "identity",
    "apikeys",
    "security",
    "contacts",
    "accounts",
    "leads",
    "activities",
    "pipelines",
    "deals",
    "reports",
    "history",
    "events",
    "webhooks",
    "bulk",
    "integrations",
    "marketplace",
    "ai",
]
api_v1 = [path("", include(f"apps.{module}.api.urls")) for module in API_MODULES]

urlpatterns = [
    *common_urlpatterns,
    re_path(r"^v1/", include(api_v1)),
    re_path(r"^graphql/?$", CrmGraphQLView.as_view(), name="graphql"),
    path("accounts/", include("apps.users.urls")),
    path("", include("apps.identity.urls")),  # /oauth2/..., /.well-known/jwks.json
    path("", include("apps.realtime.urls")),  # /sse/...
    path("admin/", tenant_site.urls),
]

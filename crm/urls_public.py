"""Routes of the public host: operators, tenant provisioning, marketplace registration."""

from django.urls import include, path, re_path

from apps.console.sites import operator_site
from crm.urls_common import common_urlpatterns, handler400, handler403, handler404, handler500  # noqa: F401

urlpatterns = [
    *common_urlpatterns,
    re_path(r"^v1/", include("apps.marketplace.api.urls_public")),
    path("admin/", operator_site.urls),
]

"""Routes of the public host: operators, tenant provisioning, marketplace registration."""

from django.contrib import admin
from django.urls import path

from crm.urls_common import common_urlpatterns, handler400, handler403, handler404, handler500  # noqa: F401

urlpatterns = [
    *common_urlpatterns,
    path("admin/", admin.site.urls),
]

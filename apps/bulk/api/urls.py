from django.urls import re_path

from apps.bulk.api.views import BulkExportView, BulkImportView, BulkJobViewSet
from apps.core.api.urls import OptionalSlashRouter

router = OptionalSlashRouter()
router.register("bulk/jobs", BulkJobViewSet, basename="bulk-job")
urlpatterns = [
    *router.urls,
    re_path(r"^bulk/(?P<resource>[a-z_]+)/import/?$", BulkImportView.as_view(), name="bulk-import"),
    re_path(r"^bulk/(?P<resource>[a-z_]+)/export/?$", BulkExportView.as_view(), name="bulk-export"),
]

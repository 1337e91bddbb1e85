from django.urls import re_path

from apps.core.api.urls import OptionalSlashRouter
from apps.integrations.api.views import (
    CalendarEventView,
    ConnectionViewSet,
    CreateInvoiceView,
    SyncContactsView,
    SyncViewSet,
)

router = OptionalSlashRouter()
router.register("integrations/connections", ConnectionViewSet, basename="integration-connection")
router.register("integrations/syncs", SyncViewSet, basename="integration-sync")
urlpatterns = [
    *router.urls,
    re_path(
        r"^integrations/email-marketing/sync-contacts/?$", SyncContactsView.as_view(), name="integration-sync-contacts"
    ),
    re_path(r"^integrations/calendar/create-event/?$", CalendarEventView.as_view(), name="integration-create-event"),
    re_path(
        r"^integrations/accounting/create-invoice/?$", CreateInvoiceView.as_view(), name="integration-create-invoice"
    ),
]

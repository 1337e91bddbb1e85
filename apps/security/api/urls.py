from django.urls import re_path

from apps.core.api.urls import OptionalSlashRouter
from apps.security.api.views import SecurityConfigView, SecurityEventViewSet

router = OptionalSlashRouter()
router.register("security-events", SecurityEventViewSet, basename="security-event")
urlpatterns = [
    re_path(r"^tenant/security-config/?$", SecurityConfigView.as_view(), name="security-config"),
    *router.urls,
]

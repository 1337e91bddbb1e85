from django.urls import re_path

from apps.core.api.urls import OptionalSlashRouter
from apps.events.api.views import EventListView

router = OptionalSlashRouter()
urlpatterns = [re_path(r"^events/?$", EventListView.as_view(), name="event-list"), *router.urls]

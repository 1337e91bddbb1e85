from apps.activities.api.views import CommunicationViewSet, EventViewSet, TaskViewSet, TimelineViewSet
from apps.core.api.urls import OptionalSlashRouter

router = OptionalSlashRouter()
router.register("activities/tasks", TaskViewSet, basename="task")
router.register("activities/events", EventViewSet, basename="event")
router.register("activities/communications", CommunicationViewSet, basename="communication")
router.register("activities/timeline", TimelineViewSet, basename="timeline")
urlpatterns = router.urls

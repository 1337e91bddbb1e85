from apps.core.api.urls import OptionalSlashRouter
from apps.leads.api.views import LeadViewSet

router = OptionalSlashRouter()
router.register("leads", LeadViewSet, basename="lead")
urlpatterns = router.urls

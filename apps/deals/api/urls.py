from apps.core.api.urls import OptionalSlashRouter
from apps.deals.api.views import DealViewSet

router = OptionalSlashRouter()
router.register("deals", DealViewSet, basename="deal")
urlpatterns = router.urls

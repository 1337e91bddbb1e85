from apps.core.api.urls import OptionalSlashRouter
from apps.pipelines.api.views import PipelineViewSet

router = OptionalSlashRouter()
router.register("pipelines", PipelineViewSet, basename="pipeline")
urlpatterns = router.urls

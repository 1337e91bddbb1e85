from apps.apikeys.api.views import ApiKeyViewSet
from apps.core.api.urls import OptionalSlashRouter

router = OptionalSlashRouter()
router.register("api-keys", ApiKeyViewSet, basename="api-key")
urlpatterns = router.urls

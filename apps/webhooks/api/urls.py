from apps.core.api.urls import OptionalSlashRouter
from apps.webhooks.api.views import WebhookViewSet

router = OptionalSlashRouter()
router.register("webhooks", WebhookViewSet, basename="webhook")
urlpatterns = router.urls

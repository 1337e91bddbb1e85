"""Routes of the public host under /v1: the operators' side of the marketplace."""

from apps.core.api.urls import OptionalSlashRouter
from apps.marketplace.api.views_public import OperatorAppViewSet

router = OptionalSlashRouter()
router.register("marketplace/apps", OperatorAppViewSet, basename="operator-marketplace-app")
urlpatterns = router.urls

from django.urls import re_path

from apps.core.api.urls import OptionalSlashRouter
from apps.marketplace.api.views import CatalogueViewSet, InstallationViewSet, MarketplaceDataView, WidgetViewSet

router = OptionalSlashRouter()
router.register("marketplace/apps", CatalogueViewSet, basename="marketplace-app")
router.register("marketplace/installations", InstallationViewSet, basename="marketplace-installation")
router.register("marketplace/widgets", WidgetViewSet, basename="marketplace-widget")
urlpatterns = [
    re_path(
        r"^marketplace/data/(?P<resource>deals|contacts|accounts|leads|pipelines)/?$",
        MarketplaceDataView.as_view(),
        name="marketplace-data",
    ),
    *router.urls,
]

from django.urls import re_path

from apps.core.api.urls import OptionalSlashRouter
from apps.marketplace.api.views import (
    DATA_VIEWSETS,
    CatalogueViewSet,
    InstallationViewSet,
    MarketplaceDataView,
    WidgetViewSet,
)

router = OptionalSlashRouter()
router.register("marketplace/apps", CatalogueViewSet, basename="marketplace-app")
router.register("marketplace/installations", InstallationViewSet, basename="marketplace-installation")
router.register("marketplace/widgets", WidgetViewSet, basename="marketplace-widget")
urlpatterns = [
    *(
        re_path(
            rf"^marketplace/data/{resource}/?$",
            MarketplaceDataView.as_view(resource=resource),
            name=f"marketplace-data-{resource}",
        )
        for resource in DATA_VIEWSETS
    ),
    *router.urls,
]

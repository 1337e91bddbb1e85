from rest_framework.routers import SimpleRouter

from apps.core.api.views import CustomFieldDefinitionViewSet


class OptionalSlashRouter(SimpleRouter):
    """Paths without a trailing slash (`/v1/contacts`); the same path with one is accepted too."""

    def __init__(self) -> None:
        super().__init__()
        self.trailing_slash = "/?"


router = OptionalSlashRouter()
router.register("custom-fields", CustomFieldDefinitionViewSet, basename="custom-field")
urlpatterns = router.urls

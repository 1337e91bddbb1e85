from apps.core.api.urls import OptionalSlashRouter

router = OptionalSlashRouter()
urlpatterns = router.urls

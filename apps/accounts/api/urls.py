from apps.accounts.api.views import AccountViewSet
from apps.core.api.urls import OptionalSlashRouter

router = OptionalSlashRouter()
router.register("accounts", AccountViewSet, basename="account")
urlpatterns = router.urls

from apps.contacts.api.views import ContactViewSet
from apps.core.api.urls import OptionalSlashRouter

router = OptionalSlashRouter()
router.register("contacts", ContactViewSet, basename="contact")
urlpatterns = router.urls

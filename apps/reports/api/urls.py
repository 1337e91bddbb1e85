from apps.core.api.urls import OptionalSlashRouter
from apps.reports.api.views import CurrencyRateViewSet, ReportViewSet

router = OptionalSlashRouter()
router.register("reports", ReportViewSet, basename="report")
router.register("currency-rates", CurrencyRateViewSet, basename="currency-rate")
urlpatterns = router.urls

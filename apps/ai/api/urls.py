from django.urls import re_path

from apps.ai.api.views import (
    ContactEnrichView,
    DealProbabilityView,
    LeadScoreView,
    TrainedModelViewSet,
    TrainingJobViewSet,
)
from apps.core.api.urls import OptionalSlashRouter

router = OptionalSlashRouter()
router.register("ai/models/jobs", TrainingJobViewSet, basename="ai-training-job")  # before ai/models/<id>
router.register("ai/models", TrainedModelViewSet, basename="ai-model")
urlpatterns = [
    re_path(r"^ai/lead-scoring/score/?$", LeadScoreView.as_view(), name="ai-lead-score"),
    re_path(r"^ai/analytics/deal-probability/?$", DealProbabilityView.as_view(), name="ai-deal-probability"),
    re_path(r"^ai/data-enrichment/contact/?$", ContactEnrichView.as_view(), name="ai-contact-enrich"),
    *router.urls,
]

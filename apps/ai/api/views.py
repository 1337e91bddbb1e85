"""`/v1/ai/...`: lead scoring, deal win probability, contact enrichment, models and training jobs."""

from abc import ABCMeta, abstractmethod

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.ai import permissions as perms
from apps.ai.api.serializers import (
    ContactEnrichRequestSerializer,
    DealProbabilityRequestSerializer,
    LeadScoreRequestSerializer,
)
from apps.ai.choices import ACTIVE, JobTrigger, ModelKind
from apps.ai.enrichment import contact_enrich
from apps.ai.forecasting import deal_win_probability
from apps.ai.learning import MIN_PER_CLASS
from apps.ai.models import TrainedModel, TrainingJob
from apps.ai.payloads import job_data, model_data
from apps.ai.runtime import RULES_INFO
from apps.ai.scoring import lead_ai_score
from apps.ai.selectors import current_models, outcomes_since_training
from apps.ai.services import RETRAIN_AFTER_OUTCOMES, training_request
from apps.contacts.models import Contact
from apps.core.errors import NotFound
from apps.core.permissions import caller_grants, grant_scope, permission_denied_details
from apps.core.scoping import record_in_scope
from apps.core.security_hooks import record_resource_access_denied
from apps.deals.models import Deal
from apps.leads.models import Lead

ANSWER = {200: OpenApiTypes.OBJECT}


def _record_for(request, queryset, record_id: str, resource: str, label: str):
    """The record the body names, if the caller may see it (else 404) and act on it (else 403)."""
    record = queryset.filter(pk=record_id).first()
    read_scope = grant_scope(caller_grants(request), f"{resource}:read") or request.permission_scope
    if record is None or not record_in_scope(record, request.user, read_scope):
        raise NotFound(f"No {label} '{record_id}'.")
    if not record_in_scope(record, request.user, request.permission_scope):
        record_resource_access_denied(request, record)
        denied = PermissionDenied("Insufficient permissions")
        denied.details = permission_denied_details(request, request.required_permission)
        raise denied
    return record


class RecordAnswerView(APIView, metaclass=ABCMeta):
    """POST a body naming one record (`<label>_id`): parse, find it in the caller's scope, answer."""

    body_class: type
    resource = ""
    label = ""

    @abstractmethod
    def records(self):
        """The queryset the body's record is looked up in (before the caller's scope)."""

    @abstractmethod
    def answer(self, record, data: dict, request) -> dict:
        """The answer's `data` for that record and the validated body."""

    def post(self, request):
        body = self.body_class(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        record = _record_for(request, self.records(), data[f"{self.label}_id"], self.resource, self.label)
        return Response(self.answer(record, data, request))


@extend_schema_view(
    post=extend_schema(
        summary="Score a lead with the tenant's model (or the rules); stores it as the lead's score",
        description=(
            "The lead's factors come from the CRM; `scoring_factors` given here override them and are kept for "
            "later trainings. The score is written to the lead (scoring history, source `ai`, `lead.scored`)."
        ),
        request=LeadScoreRequestSerializer,
        responses=ANSWER,
    )
)
class LeadScoreView(RecordAnswerView):
    required_permissions = {"post": perms.LEAD_SCORE}
    body_class, resource, label = LeadScoreRequestSerializer, "leads", "lead"

    def records(self):
        return Lead.objects.select_related("owner")

    def answer(self, record, data, request):
        return lead_ai_score(lead=record, actor=request.user, scoring_factors=data.get("scoring_factors") or {})


@extend_schema_view(
    post=extend_schema(
        summary="A deal's win probability, its risks and success indicators, and its forecast",
        request=DealProbabilityRequestSerializer,
        responses=ANSWER,
    )
)
class DealProbabilityView(RecordAnswerView):
    required_permissions = {"post": perms.DEAL_PROBABILITY}
    body_class, resource, label = DealProbabilityRequestSerializer, "deals", "deal"

    def records(self):
        return Deal.objects.select_related("owner", "stage", "pipeline")

    def answer(self, record, data, request):
        return deal_win_probability(deal=record, analysis_factors=data.get("analysis_factors") or {})


@extend_schema_view(
    post=extend_schema(
        summary="Enrich a contact from the tenant's own records; unreachable external sources are reported",
        request=ContactEnrichRequestSerializer,
        responses=ANSWER,
    )
)
class ContactEnrichView(RecordAnswerView):
    required_permissions = {"post": perms.CONTACT_ENRICH}
    body_class, resource, label = ContactEnrichRequestSerializer, "contacts", "contact"

    def records(self):
        return Contact.objects.select_related("owner", "account")

    def answer(self, record, data, request):
        return contact_enrich(contact=record, sources=data["enrichment_sources"], fields=data["fields_to_enrich"])


class TrainedModelViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Every trained version, newest first; `current=true` keeps the ones in use."""

    required_permissions = {
        "list": perms.MODELS_READ,
        "retrieve": perms.MODELS_READ,
        "status": perms.MODELS_READ,
        "train": perms.MODELS_TRAIN,
    }
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        models = TrainedModel.objects.defer("blob").order_by("-trained_at", "-version")
        kind = self.request.query_params.get("kind")
        if kind:
            models = models.filter(kind=kind)
        if self.request.query_params.get("current") in ("true", "1"):
            models = models.filter(is_current=True)
        return models

    @extend_schema(
        summary="The tenant's trained models with their holdout metrics",
        parameters=[
            OpenApiParameter("kind", str, enum=ModelKind.values),
            OpenApiParameter("current", bool),
        ],
        responses=ANSWER,
    )
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([model_data(model) for model in page])

    @extend_schema(summary="One trained model", responses=ANSWER)
    def retrieve(self, request, *args, **kwargs):
        return Response(model_data(self.get_object()))

    @extend_schema(
        summary="What answers now for each kind (trained model or rules), and when retraining comes",
        responses=ANSWER,
    )
    @action(detail=False, methods=["get"])
    def status(self, request):
        current = current_models()
        active = TrainingJob.objects.filter(status__in=ACTIVE).first()
        return Response(
            {
                "models": {
                    kind: model_data(current[kind]) if kind in current else {**RULES_INFO, "kind": kind}
                    for kind in ModelKind.values
                },
                "minimum_outcomes_per_class": MIN_PER_CLASS,
                "outcomes_since_training": outcomes_since_training(),
                "retrain_after_outcomes": RETRAIN_AFTER_OUTCOMES,
                "active_job": job_data(active) if active else None,
            }
        )

    @extend_schema(
        summary="Train the tenant's models now (a job; a job already queued or running is answered instead)",
        request=None,
        responses={202: OpenApiTypes.OBJECT},
    )
    @action(detail=False, methods=["post"])
    def train(self, request):
        job, _created = training_request(trigger=JobTrigger.MANUAL, actor=request.user)
        return Response(job_data(job), status=status.HTTP_202_ACCEPTED)


class TrainingJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    required_permissions = {"*": perms.MODELS_READ}
    lookup_value_regex = "[^/]+"
    queryset = TrainingJob.objects.order_by("-created_at", "-id")

    @extend_schema(summary="Training jobs, newest first", responses=ANSWER)
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([job_data(job) for job in page])

    @extend_schema(summary="A training job: its status and what it produced", responses=ANSWER)
    def retrieve(self, request, *args, **kwargs):
        return Response(job_data(self.get_object()))

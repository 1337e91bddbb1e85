"""`/v1/deals`: the design's Deals API, stage moves, stage history and the forecast."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from apps.core.api.viewsets import CrmViewSet
from apps.core.errors import ValidationFailed
from apps.core.permissions import permission_denied_details
from apps.deals import services
from apps.deals.api.serializers import DealSerializer, DealStageChangeSerializer, MoveStageSerializer, deals_data
from apps.deals.filtersets import DealFilterSet
from apps.deals.permissions import (
    DEALS_FORECAST,
    DEALS_MOVE_STAGE,
    DEALS_READ,
    DEALS_WRITE,
    require_roles,
    widest_held,
)
from apps.deals.selectors import deal_queryset, deal_stage_history
from apps.history.api.mixins import HistoryTrashMixin
from apps.pipelines.models import Pipeline
from apps.reports import selectors as reports

# The body's id fields and the records they name; an unknown id is a 400 on that field.
_REFERENCES = {
    "pipeline_id": ("pipeline", "pipelineId", "apps.pipelines.models.Pipeline"),
    "contact_id": ("contact", "contactId", "apps.contacts.models.Contact"),
    "account_id": ("account", "accountId", "apps.accounts.models.Account"),
    "owner_id": ("owner", "ownerId", "apps.users.models.User"),
}


def _resolve_references(data: dict) -> dict:
    """Replaces `<name>_id` keys by the records they name (None stays None)."""
    from django.utils.module_loading import import_string

    resolved = dict(data)
    errors = {}
    for key, (name, field, model_path) in _REFERENCES.items():
        if key not in resolved:
            continue
        record_id = resolved.pop(key)
        if record_id is None:
            resolved[name] = None
            continue
        model = import_string(model_path)
        queryset = model.objects.filter(is_active=True) if name == "owner" else model.objects.all()
        record = queryset.filter(pk=record_id).first()
        if record is None:
            errors[field] = f"No {name} '{record_id}'."
        resolved[name] = record
    if errors:
        raise ValidationFailed(errors)
    return resolved


class DealViewSet(HistoryTrashMixin, CrmViewSet):
    queryset = deal_queryset()
    serializer_class = DealSerializer
    permission_resource = "deals"
    filterset_class = DealFilterSet
    search_fields = ["title"]

    def perform_restore(self, record) -> None:
        services.deal_restore(deal=record, actor=self.request.user)

    sort_fields = {
        "title": "title",
        "value": "value",
        "probability": "probability",
        "expectedCloseDate": "expected_close_date",
        "actualCloseDate": "actual_close_date",
        "createdAt": "created_at",
        "updatedAt": "updated_at",
        "stage": "stage__order",
    }
    default_sort = "-created_at"

    @property
    def required_permissions(self) -> dict[str, str]:
        return {
            "forecast": DEALS_FORECAST,
            "stage_history": DEALS_READ,
            "move_stage": widest_held(self.request, DEALS_MOVE_STAGE, DEALS_WRITE),
        }

    def _render(self, deals, *, many: bool = False):
        return deals_data(deals, many=many, context=self.get_serializer_context())

    def _check_owner(self, owner) -> None:
        """A caller who may write only their own deals cannot give one to someone else."""
        if owner is not None and self.scope() == "own" and owner.pk != self.request.user.pk:
            denied = PermissionDenied("You may only own deals yourself.")
            denied.details = permission_denied_details(self.request, "deals:write")
            raise denied

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self._render(page, many=True))

    def retrieve(self, request, *args, **kwargs):
        return Response(self._render(self.get_object()))

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = _resolve_references(serializer.validated_data)
        owner = data.pop("owner", None) or request.user
        self._check_owner(owner)
        deal = services.deal_create(
            title=data.pop("title"),
            value=data.pop("value"),
            pipeline=data.pop("pipeline", None),
            stage=data.pop("stage", None),
            owner=owner,
            actor=request.user,
            **data,
        )
        return Response(self._render(deal), status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        deal = self.get_object()
        serializer = self.get_serializer(deal, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = _resolve_references(serializer.validated_data)
        if "owner" in data:
            if data["owner"] is None:
                raise ValidationFailed({"ownerId": "A deal keeps an owner."})
            self._check_owner(data["owner"])
        deal = services.deal_update(deal=deal, data=data, actor=request.user)
        return Response(self._render(deal))

    def perform_destroy(self, instance) -> None:
        services.deal_delete(deal=instance, actor=self.request.user)

    @extend_schema(request=MoveStageSerializer, responses=DealSerializer)
    @action(detail=True, methods=["post"], url_path="move-stage")
    def move_stage(self, request, pk=None):
        deal = self.get_object()
        body = MoveStageSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        deal = services.deal_move_stage(
            deal=deal,
            new_stage=body.validated_data["newStage"],
            reason=body.validated_data["reason"],
            actor=request.user,
        )
        return Response(self._render(deal))

    @extend_schema(responses=DealStageChangeSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="stage-history")
    def stage_history(self, request, pk=None):
        page = self.paginate_queryset(deal_stage_history(self.get_object()))
        return self.get_paginated_response(DealStageChangeSerializer(page, many=True).data)

    @extend_schema(
        summary="dealForecast: per period, open, weighted, best case, commit and closed-won value, by owner",
        parameters=[
            OpenApiParameter("pipelineId", OpenApiTypes.STR),
            OpenApiParameter("period", OpenApiTypes.STR, enum=["month", "quarter", "year"]),
            OpenApiParameter("year", OpenApiTypes.INT),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    @action(detail=False, methods=["get"])
    def forecast(self, request):
        require_roles(request)
        params = reports.period_params(request.query_params, default_period="quarter")
        pipeline = None
        if request.query_params.get("pipelineId"):
            pipeline = Pipeline.objects.filter(pk=request.query_params["pipelineId"]).first()
            if pipeline is None:
                raise ValidationFailed({"pipelineId": f"No pipeline '{request.query_params['pipelineId']}'."})
        data = reports.deal_forecast(
            pipeline=pipeline, period=params.period, year=params.year, user=request.user, scope=self.scope()
        )
        return Response(data)

"""`/v1/pipelines`: pipelines, their stages, stage automation and pipeline analytics."""

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.api.viewsets import CrmViewSet
from apps.core.errors import NotFound, ValidationFailed
from apps.deals.permissions import (
    DEALS_READ,
    PIPELINES_MANAGE,
    PIPELINES_READ,
    PIPELINES_WRITE,
    REPORTS_READ,
    REPORTS_SALES_READ,
    require_roles,
    widest_held,
)
from apps.pipelines import services
from apps.pipelines.api.serializers import (
    AutomationRunSerializer,
    AutomationSerializer,
    PipelineSerializer,
    StageInputSerializer,
    StageReorderSerializer,
    StageSerializer,
)
from apps.pipelines.models import AutomationRun, Pipeline, Stage
from apps.pipelines.selectors import stage_deal_figures
from apps.reports import selectors as reports

STAGE_PATH = r"stages/(?P<stage_id>stage_[^/.]+)"


class PipelineViewSet(CrmViewSet):
    queryset = Pipeline.objects.prefetch_related(Prefetch("stages", queryset=Stage.objects.order_by("order")))
    serializer_class = PipelineSerializer
    permission_resource = "pipelines"
    owner_field = None
    sort_fields = {"name": "name", "createdAt": "created_at", "updatedAt": "updated_at"}
    default_sort = "name"
    search_fields = ["name"]

    @property
    def required_permissions(self) -> dict[str, str]:
        # Whoever works deals may read the pipelines they move through.
        read = widest_held(self.request, PIPELINES_READ, DEALS_READ)
        return {
            "list": read,
            "retrieve": read,
            "automation": read,
            "automation_runs": read,
            "stages": PIPELINES_WRITE,
            "stage": PIPELINES_WRITE,
            "stage_remove": PIPELINES_WRITE,
            "stages_reorder": PIPELINES_WRITE,
            "automation_set": PIPELINES_MANAGE,
            "analytics": widest_held(self.request, REPORTS_SALES_READ, REPORTS_READ),
        }

    def _render(self, pipelines, *, many: bool = False):
        items = pipelines if many else [pipelines]
        stage_ids = [stage.pk for pipeline in items for stage in pipeline.stages.all()]
        context = {**self.get_serializer_context(), "stage_figures": stage_deal_figures(stage_ids)}
        return PipelineSerializer(pipelines, many=many, context=context).data

    def _reload(self, pipeline: Pipeline) -> Pipeline:
        return self.get_queryset().get(pk=pipeline.pk)

    def _stage(self, stage_id: str) -> Stage:
        stage = Stage.objects.filter(pipeline=self.get_object(), pk=stage_id).select_related("pipeline").first()
        if stage is None:
            raise NotFound(f"No stage '{stage_id}' in this pipeline.")
        return stage

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self._render(page, many=True))

    def retrieve(self, request, *args, **kwargs):
        return Response(self._render(self.get_object()))

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        pipeline = services.pipeline_create(
            name=data["name"],
            description=data.get("description", ""),
            stages=data["stages"],
            is_default=data.get("is_default", False),
            actor=request.user,
        )
        return Response(self._render(self._reload(pipeline)), status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        pipeline = self.get_object()
        serializer = self.get_serializer(pipeline, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.pipeline_update(pipeline=pipeline, data=serializer.validated_data, actor=request.user)
        return Response(self._render(self._reload(pipeline)))

    def perform_destroy(self, instance: Pipeline) -> None:
        services.pipeline_delete(pipeline=instance, actor=self.request.user)

    @extend_schema(request=StageInputSerializer, responses=StageSerializer)
    @action(detail=True, methods=["post"], url_path="stages")
    def stages(self, request, pk=None):
        pipeline = self.get_object()
        body = StageInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        stage = services.stage_add(
            pipeline=pipeline,
            name=data["name"],
            probability=data.get("probability", 0),
            stage_type=data.get("type"),
            order=data.get("order"),
            actor=request.user,
        )
        figures = stage_deal_figures([stage.pk])
        return Response(StageSerializer(stage, context={"stage_figures": figures}).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=StageReorderSerializer, responses=PipelineSerializer)
    @action(detail=True, methods=["post"], url_path="stages/reorder")
    def stages_reorder(self, request, pk=None):
        pipeline = self.get_object()
        body = StageReorderSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.stages_reorder(pipeline=pipeline, stage_ids=body.validated_data["stageIds"], actor=request.user)
        return Response(self._render(self._reload(pipeline)))

    @action(detail=True, methods=["put", "patch"], url_path=STAGE_PATH)
    def stage(self, request, pk=None, stage_id=None):
        stage = self._stage(stage_id)
        body = StageSerializer(stage, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        if "stage_type" in data:
            data["type"] = data.pop("stage_type")
        stage = services.stage_update(stage=stage, data=data, actor=request.user)
        figures = stage_deal_figures([stage.pk])
        return Response(StageSerializer(stage, context={"stage_figures": figures}).data)

    @stage.mapping.delete
    def stage_remove(self, request, pk=None, stage_id=None):
        stage = self._stage(stage_id)
        target = None
        target_id = request.query_params.get("targetStageId")
        if target_id:
            target = Stage.objects.filter(pipeline_id=stage.pipeline_id, pk=target_id).first()
            if target is None:
                raise ValidationFailed({"targetStageId": f"No stage '{target_id}' in this pipeline."})
        services.stage_remove(stage=stage, target_stage=target, actor=request.user)
        return Response({"id": stage_id, "deleted": True})

    @action(detail=True, methods=["get"], url_path=f"{STAGE_PATH}/automation")
    def automation(self, request, pk=None, stage_id=None):
        stage = self._stage(stage_id)
        return Response({"stageId": stage.pk, "rules": stage.automation_rules})

    @automation.mapping.post
    def automation_set(self, request, pk=None, stage_id=None):
        require_roles(request)
        stage = self._stage(stage_id)
        body = AutomationSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        stage = services.stage_automation_set(stage=stage, rules=body.validated_data["rules"], actor=request.user)
        return Response({"stageId": stage.pk, "rules": stage.automation_rules}, status=status.HTTP_201_CREATED)

    @extend_schema(responses=AutomationRunSerializer(many=True))
    @action(detail=True, methods=["get"], url_path=f"{STAGE_PATH}/automation/runs")
    def automation_runs(self, request, pk=None, stage_id=None):
        stage = self._stage(stage_id)
        runs = AutomationRun.objects.filter(stage=stage).order_by("-created_at", "-id")
        if request.query_params.get("dealId"):
            runs = runs.filter(deal_id=request.query_params["dealId"])
        page = self.paginate_queryset(runs)
        return self.get_paginated_response(AutomationRunSerializer(page, many=True).data)

    @extend_schema(
        summary="pipelineAnalytics: per stage counts, value, time in stage, conversion; win rate, cycle, size",
        parameters=[
            OpenApiParameter("period", OpenApiTypes.STR, enum=["month", "quarter", "year"]),
            OpenApiParameter("year", OpenApiTypes.INT),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    @action(detail=True, methods=["get"])
    def analytics(self, request, pk=None):
        params = reports.period_params(request.query_params, default_period="month")
        return Response(reports.pipeline_analytics(pipeline=self.get_object(), period=params.period, year=params.year))

"""`/v1/reports/sales|performance|dashboard` and the tenant's `/v1/currency-rates`."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.api.viewsets import CrmViewSet
from apps.core.errors import ValidationFailed
from apps.deals.permissions import DEALS_READ, REPORTS_READ, REPORTS_SALES_MANAGE, REPORTS_SALES_READ, widest_held
from apps.pipelines.models import Pipeline
from apps.reports import selectors, services
from apps.reports.api.serializers import CurrencyRateSerializer
from apps.reports.models import CurrencyRate


def _user_param(query, name: str = "userId", *, required: bool = False):
    from apps.users.models import User

    user_id = query.get(name)
    if not user_id:
        if required:
            raise ValidationFailed({name: "This parameter is required."})
        return None
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise ValidationFailed({name: f"No user '{user_id}'."})
    return user


def _pipeline_ids(query) -> list[str] | None:
    raw = [part.strip() for value in query.getlist("pipelineIds") for part in value.split(",") if part.strip()]
    if not raw:
        return None
    known = set(Pipeline.objects.filter(pk__in=raw).values_list("pk", flat=True))
    unknown = [pipeline_id for pipeline_id in raw if pipeline_id not in known]
    if unknown:
        raise ValidationFailed({"pipelineIds": f"No pipeline {', '.join(unknown)}."})
    return raw


class ReportViewSet(viewsets.ViewSet):
    """Sales reports. A `reports:read` grant reads them as well as `reports:sales:read`."""

    @property
    def required_permissions(self) -> dict[str, str]:
        return {"*": widest_held(self.request, REPORTS_SALES_READ, REPORTS_READ)}

    @extend_schema(
        summary="salesReport: revenue, deals closed, conversion, top performers, per-pipeline stage metrics",
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE, description="first day (default: the month's first)"),
            OpenApiParameter("end", OpenApiTypes.DATE, description="last day, included (default: today)"),
            OpenApiParameter("userId", OpenApiTypes.STR),
            OpenApiParameter("pipelineIds", OpenApiTypes.STR, description="comma-separated pipeline ids"),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    @action(detail=False, methods=["get"])
    def sales(self, request):
        today = timezone.now().date()
        start = selectors.date_param(request.query_params, "start", today.replace(day=1))
        end = selectors.date_param(request.query_params, "end", today)
        if end < start:
            raise ValidationFailed({"end": "The end comes on or after the start."})
        user = _user_param(request.query_params)
        return Response(
            selectors.sales_report(
                start=start,
                end=end,
                user_id=user.pk if user else None,
                pipeline_ids=_pipeline_ids(request.query_params),
            )
        )

    @extend_schema(
        summary="performanceMetrics: one person's results over a month, quarter or year",
        parameters=[
            OpenApiParameter("userId", OpenApiTypes.STR, description="default: the caller"),
            OpenApiParameter("period", OpenApiTypes.STR, enum=["month", "quarter", "year"]),
            OpenApiParameter("date", OpenApiTypes.DATE, description="a day of the period (default: today)"),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    @action(detail=False, methods=["get"])
    def performance(self, request):
        user = _user_param(request.query_params) or request.user
        params = selectors.period_params(request.query_params, default_period="month")
        anchor = selectors.date_param(request.query_params, "date", timezone.now().date())
        return Response(selectors.performance_metrics(user=user, period=params.period, anchor=anchor))

    @extend_schema(
        summary="dashboardData: funnel by stage, forecast by month, won/lost trend, activity by rep",
        parameters=[
            OpenApiParameter("pipelineId", OpenApiTypes.STR, description="default: the default pipeline"),
            OpenApiParameter("year", OpenApiTypes.INT),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    @action(detail=False, methods=["get"])
    def dashboard(self, request):
        pipeline_id = request.query_params.get("pipelineId")
        pipelines = Pipeline.objects.filter(pk=pipeline_id) if pipeline_id else Pipeline.objects.order_by("-is_default")
        pipeline = pipelines.first()
        if pipeline is None:
            raise ValidationFailed({"pipelineId": f"No pipeline '{pipeline_id}'." if pipeline_id else "No pipeline."})
        params = selectors.period_params(request.query_params)
        return Response(selectors.dashboard_data(pipeline=pipeline, year=params.year))


class CurrencyRateViewSet(CrmViewSet):
    queryset = CurrencyRate.objects.all()
    serializer_class = CurrencyRateSerializer
    owner_field = None
    lookup_field = "currency"
    sort_fields = {"currency": "currency", "updatedAt": "updated_at"}
    default_sort = "currency"

    @property
    def required_permissions(self) -> dict[str, str]:
        read = widest_held(self.request, REPORTS_SALES_READ, REPORTS_READ, DEALS_READ)
        return {"list": read, "retrieve": read, "*": REPORTS_SALES_MANAGE}

    def get_object(self):
        self.kwargs[self.lookup_field] = self.kwargs[self.lookup_field].upper()
        return super().get_object()

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = services.currency_rate_create(**serializer.validated_data)
        return Response(self.get_serializer(record).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        record = self.get_object()
        serializer = self.get_serializer(record, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        if serializer.validated_data.get("currency", record.currency) != record.currency:
            raise ValidationFailed({"currency": "The currency of a rate cannot change."})
        record = services.currency_rate_update(
            rate_record=record, rate=serializer.validated_data.get("rate", record.rate)
        )
        return Response(self.get_serializer(record).data)

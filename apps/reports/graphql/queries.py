"""Reporting queries: the figures of REST's report endpoints, asked of those very endpoints
(same parameters, permissions and selectors), typed for GraphQL."""

import graphene

from apps.core.graphql.rest_bridge import rest_call
from apps.reports.graphql.types import (
    AnalyticsPeriod,
    DashboardData,
    ForecastData,
    ForecastPeriod,
    MetricsPeriod,
    PerformanceMetrics,
    PipelineAnalytics,
    SalesReport,
    SalesReportFilter,
)


def _value(enum_value):
    return getattr(enum_value, "value", enum_value)


def deal_forecast(info, pipeline_id, period):
    return rest_call(info, "GET", "/v1/deals/forecast", query={"pipelineId": pipeline_id, "period": _value(period)})


def pipeline_analytics(info, pipeline_id, period):
    return rest_call(info, "GET", f"/v1/pipelines/{pipeline_id}/analytics", query={"period": _value(period)})


def performance_metrics(info, user_id, period):
    return rest_call(info, "GET", "/v1/reports/performance", query={"userId": user_id, "period": _value(period)})


def dashboard_data(info, pipeline_id):
    return rest_call(info, "GET", "/v1/reports/dashboard", query={"pipelineId": pipeline_id})


class ReportQueries(graphene.ObjectType):
    deal_forecast = graphene.Field(
        ForecastData,
        pipeline_id=graphene.ID(required=True),
        period=ForecastPeriod(required=True),
        description="Open, weighted, best-case, commit and won value per period of this year.",
    )
    pipeline_analytics = graphene.Field(
        PipelineAnalytics,
        pipeline_id=graphene.ID(required=True),
        period=AnalyticsPeriod(required=True),
        description="Per stage: deals, value, time in stage, conversion; win rate and trend of this year.",
    )
    sales_report = graphene.Field(
        SalesReport,
        filter=SalesReportFilter(required=True),
        description="Revenue, deals closed, conversion, top performers and stage metrics of a period.",
    )
    performance_metrics = graphene.Field(
        PerformanceMetrics,
        user_id=graphene.ID(required=True),
        period=MetricsPeriod(required=True),
        description="One person's results over the current month, quarter or year.",
    )
    dashboard_data = graphene.Field(
        DashboardData,
        dashboard_id=graphene.ID(required=True, description="The pipeline whose dashboard it is (or `default`)."),
        description="Funnel, monthly forecast, won/lost trend and activity by seller.",
    )

    def resolve_deal_forecast(root, info, pipeline_id, period):
        return deal_forecast(info, pipeline_id, period)

    def resolve_pipeline_analytics(root, info, pipeline_id, period):
        return pipeline_analytics(info, pipeline_id, period)

    def resolve_sales_report(root, info, filter):
        query = {
            "start": filter["period"]["start"],
            "end": filter["period"]["end"],
            "userId": filter.get("user_id"),
            "pipelineIds": ",".join(filter.get("pipeline_ids") or []) or None,
        }
        return rest_call(info, "GET", "/v1/reports/sales", query=query)

    def resolve_performance_metrics(root, info, user_id, period):
        return performance_metrics(info, user_id, period)

    def resolve_dashboard_data(root, info, dashboard_id):
        return dashboard_data(info, None if dashboard_id == "default" else dashboard_id)

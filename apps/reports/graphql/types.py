"""Report types: what `salesReport`, `dealForecast`, `pipelineAnalytics`, `performanceMetrics`
and `dashboardData` answer. The figures are REST's (`/v1/reports/...`, `/v1/deals/forecast`,
`/v1/pipelines/{id}/analytics`), read from the same selectors; money is in the tenant currency,
durations in days, rates in percent. A figure that has no value yet (no deal closed) is null."""

import graphene

from apps.core.graphql.scalars import JSON
from apps.users.graphql.types import UserType, load_user


def _get(name: str, default=None):
    """A resolver reading `name` from a REST answer (a dict)."""

    def resolve(root, info):
        value = root.get(name, default) if isinstance(root, dict) else getattr(root, name, default)
        return default if value is None and default is not None else value

    return resolve


def figure(kind, name: str, description: str = "", **options):
    return kind(resolver=_get(name), description=description, **options)


def _enum(name: str, description: str, *values: str) -> type[graphene.Enum]:
    return graphene.Enum(name, [(value.upper(), value) for value in values], description=description)


ForecastPeriod = _enum("ForecastPeriod", "The periods a forecast is cut into.", "month", "quarter", "year")
AnalyticsPeriod = _enum("AnalyticsPeriod", "The periods an analytics trend is cut into.", "month", "quarter", "year")
MetricsPeriod = _enum("MetricsPeriod", "The period performance metrics cover.", "month", "quarter", "year")


def _pipeline(root, info):
    from apps.pipelines.graphql.dataloaders import PipelineByIdLoader

    reference = root.get("pipeline") or {"id": root.get("pipelineId")}
    return PipelineByIdLoader.for_request(info).load(reference.get("id"))


def _user(root, info, key: str = "user"):
    reference = root.get(key) or {}
    return load_user(info, reference.get("id"))


class StageReference:
    @staticmethod
    def resolve(root, info):
        from apps.pipelines.graphql.dataloaders import StageByIdLoader

        return StageByIdLoader.for_request(info).load((root.get("stage") or {}).get("id"))


class StageMetrics(graphene.ObjectType):
    """One stage's figures in a report."""

    stage = graphene.Field("apps.pipelines.graphql.types.PipelineStageType", resolver=StageReference.resolve)
    deal_count = figure(graphene.Int, "dealCount", "Live deals in the stage now.", required=True)
    total_value = figure(graphene.Float, "totalValue", "Their value.")
    average_time_in_stage = figure(
        graphene.Float, "averageTimeInStage", "Days deals spent in it (moves in the period)."
    )


class PipelineBreakdown(graphene.ObjectType):
    """A pipeline's stages in a sales report."""

    pipeline = graphene.Field("apps.pipelines.graphql.types.PipelineType", resolver=_pipeline)
    stage_metrics = graphene.List(graphene.NonNull(StageMetrics), required=True, resolver=_get("stageMetrics", []))


class TopPerformer(graphene.ObjectType):
    """A seller and what they won in the period."""

    user = graphene.Field(UserType, resolver=_user)
    revenue = figure(graphene.Float, "revenue", required=True)
    deals_won = figure(graphene.Int, "dealsWon", required=True)


class DateRangeInput(graphene.InputObjectType):
    """From `start` to `end`, both days included."""

    start = graphene.Date(required=True)
    end = graphene.Date(required=True)


class SalesReportFilter(graphene.InputObjectType):
    """What a sales report covers."""

    period = DateRangeInput(required=True)
    user_id = graphene.ID(description="Only this seller's deals.")
    pipeline_ids = graphene.List(graphene.NonNull(graphene.ID), description="Only these pipelines.")


class SalesReport(graphene.ObjectType):
    """Revenue, deals closed, conversion and the stage figures of a period (as `/v1/reports/sales`)."""

    currency = figure(graphene.String, "currency")
    total_revenue = figure(graphene.Float, "totalRevenue", "Value of the deals won.", required=True)
    deals_closed = figure(graphene.Int, "dealsClosed", "Deals won.", required=True)
    deals_lost = figure(graphene.Int, "dealsLost")
    average_deal_size = figure(graphene.Float, "averageDealSize", required=True)
    conversion_rate = figure(graphene.Float, "conversionRate", "Won / closed, in percent.", required=True)
    average_sales_cycle = figure(graphene.Float, "averageSalesCycle", "Days from creation to won.")
    top_performers = graphene.List(graphene.NonNull(TopPerformer), required=True, resolver=_get("topPerformers", []))
    pipeline_breakdown = graphene.List(
        graphene.NonNull(PipelineBreakdown), required=True, resolver=_get("pipelineBreakdown", [])
    )


class ForecastFigures(graphene.ObjectType):
    """Forecast figures of a period (or of the whole year)."""

    period = figure(graphene.String, "period")
    start = figure(graphene.String, "start")
    end = figure(graphene.String, "end")
    pipeline_value = figure(graphene.Float, "pipelineValue", "Open value expected to close in the period.")
    weighted_value = figure(graphene.Float, "weightedValue", "Σ value × probability.")
    best_case = figure(graphene.Float, "bestCase", "Open value in stages of probability ≥ 50.")
    commit = figure(graphene.Float, "commit", "Open value in stages of probability ≥ 75.")
    closed_won = figure(graphene.Float, "closedWon")
    projected = figure(graphene.Float, "projected", "closedWon + weightedValue.")
    deal_count = figure(graphene.Int, "dealCount")
    won_count = figure(graphene.Int, "wonCount")
    by_owner = figure(JSON, "byOwner", "The same figures per owner.")


class ForecastData(graphene.ObjectType):
    """A pipeline's forecast over a year (as `/v1/deals/forecast`)."""

    pipeline = graphene.Field("apps.pipelines.graphql.types.PipelineType", resolver=_pipeline)
    period = figure(graphene.String, "period")
    year = figure(graphene.Int, "year")
    currency = figure(graphene.String, "currency")
    periods = graphene.List(graphene.NonNull(ForecastFigures), required=True, resolver=_get("periods", []))
    totals = graphene.Field(ForecastFigures, resolver=_get("totals"))


class StageAnalytics(graphene.ObjectType):
    """One stage's flow over the year."""

    stage = graphene.Field("apps.pipelines.graphql.types.PipelineStageType", resolver=StageReference.resolve)
    deal_count = figure(graphene.Int, "dealCount")
    value = figure(graphene.Float, "value")
    entered = figure(graphene.Int, "entered")
    exited = figure(graphene.Int, "exited")
    average_time_in_stage = figure(graphene.Float, "averageTimeInStage", "Days.")
    conversion_rate = figure(graphene.Float, "conversionRate", "Exits moving forward, in percent.")
    next_stage_conversion_rate = figure(graphene.Float, "nextStageConversionRate")


class PipelineAnalytics(graphene.ObjectType):
    """A pipeline's stage flow, win rate and trend (as `/v1/pipelines/{id}/analytics`)."""

    pipeline = graphene.Field("apps.pipelines.graphql.types.PipelineType", resolver=_pipeline)
    period = figure(graphene.String, "period")
    year = figure(graphene.Int, "year")
    currency = figure(graphene.String, "currency")
    stages = graphene.List(graphene.NonNull(StageAnalytics), required=True, resolver=_get("stages", []))
    deals_won = figure(graphene.Int, "dealsWon")
    deals_lost = figure(graphene.Int, "dealsLost")
    won_value = figure(graphene.Float, "wonValue")
    win_rate = figure(graphene.Float, "winRate")
    average_deal_size = figure(graphene.Float, "averageDealSize")
    average_sales_cycle = figure(graphene.Float, "averageSalesCycle")
    trend = figure(JSON, "trend", "Per period: dealsCreated, dealsWon, dealsLost, wonValue, winRate.")


class PerformanceMetrics(graphene.ObjectType):
    """One person's results over a period (as `/v1/reports/performance`)."""

    user = graphene.Field(UserType, resolver=_user)
    period = figure(graphene.String, "period")
    start = figure(graphene.String, "start")
    end = figure(graphene.String, "end")
    currency = figure(graphene.String, "currency")
    deals_won = figure(graphene.Int, "dealsWon")
    deals_lost = figure(graphene.Int, "dealsLost")
    won_value = figure(graphene.Float, "wonValue")
    win_rate = figure(graphene.Float, "winRate")
    average_deal_size = figure(graphene.Float, "averageDealSize")
    average_sales_cycle = figure(graphene.Float, "averageSalesCycle")
    deals_created = figure(graphene.Int, "dealsCreated")
    open_deals = figure(graphene.Int, "openDeals")
    open_pipeline_value = figure(graphene.Float, "openPipelineValue")
    weighted_pipeline_value = figure(graphene.Float, "weightedPipelineValue")
    activities = figure(JSON, "activities", "tasksCompleted, eventsHeld, communicationsLogged, stageMoves.")


class DashboardData(graphene.ObjectType):
    """The sales dashboard of a pipeline (as `/v1/reports/dashboard`)."""

    pipeline = graphene.Field("apps.pipelines.graphql.types.PipelineType", resolver=_pipeline)
    year = figure(graphene.Int, "year")
    currency = figure(graphene.String, "currency")
    funnel = figure(JSON, "funnel", "Per stage: dealCount and value.")
    forecast = figure(JSON, "forecast", "Per month: the forecast figures.")
    won_lost_trend = figure(JSON, "wonLostTrend", "Per month: won, lost and their values.")
    activity_by_rep = figure(JSON, "activityByRep", "Per seller: activities and stage moves.")


class PipelineMetrics(graphene.ObjectType):
    """A pipeline's live figures, sent to `pipelineMetricsUpdated` subscribers when deals move."""

    pipeline = graphene.Field("apps.pipelines.graphql.types.PipelineType", resolver=_pipeline)
    stages = graphene.List(graphene.NonNull(StageMetrics), required=True, resolver=_get("stages", []))
    total_value = figure(graphene.Float, "totalValue", "Value of the live deals in open stages.", required=True)
    deal_count = figure(graphene.Int, "dealCount", "Live deals in open stages.", required=True)

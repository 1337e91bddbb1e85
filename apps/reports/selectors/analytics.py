"""pipelineAnalytics and dashboardData: per-stage figures, trends and the sales dashboard."""

from datetime import UTC

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from apps.deals.models import Deal
from apps.pipelines.choices import StageType
from apps.pipelines.events import stage_event_data
from apps.pipelines.models import Pipeline
from apps.reports.currency import converted, currency_rates, money, tenant_currency
from apps.reports.selectors.common import (
    IS_CLOSED,
    IS_LOST,
    IS_WON,
    TRUNC,
    average_days,
    bucketed,
    closed_aggregates,
    closed_totals,
    ids,
    people_by_id,
    percent,
    stage_transitions,
    stages_by_type,
    year_window,
)
from apps.reports.selectors.forecast import deal_forecast
from apps.reports.selectors.sales import activity_counts


def pipeline_analytics(*, pipeline: Pipeline, period: str, year: int) -> dict:
    """Per stage over `year`: current deals and value, deals entered, average time in the stage,
    conversion (exits moving forward, and to the very next stage); for the pipeline: win rate,
    average sales cycle and deal size of the deals closed in the year, and a trend per period."""
    from apps.pipelines.selectors import stage_deal_figures

    start, end = year_window(year)
    stages = list(pipeline.stages.order_by("order"))
    stage_ids = [stage.pk for stage in stages]
    figures = stage_deal_figures(stage_ids)
    matrix = stage_transitions(stage_ids, start, end)
    progress = [stage for stage in stages if stage.stage_type != StageType.LOST]
    stage_rows = []
    for stage in stages:
        exits = {dst: cell["n"] for (src, dst), cell in matrix.items() if src == stage.pk}
        exited = sum(exits.values())
        forward_ids = {
            other.pk for other in progress if other.order > stage.order or other.stage_type == StageType.WON
        } - {stage.pk}
        later = [other for other in progress if other.order > stage.order]
        next_id = later[0].pk if later and stage.stage_type == StageType.OPEN else None
        stage_rows.append(
            {
                "stage": stage_event_data(stage),
                "dealCount": figures.get(stage.pk, {}).get("dealCount", 0),
                "value": figures.get(stage.pk, {}).get("stageValue", 0.0),
                "entered": sum(cell["n"] for (_, dst), cell in matrix.items() if dst == stage.pk),
                "exited": exited,
                "averageTimeInStage": average_days(matrix, stage.pk),
                "conversionRate": percent(sum(n for dst, n in exits.items() if dst in forward_ids), exited),
                "nextStageConversionRate": percent(exits.get(next_id, 0), exited) if next_id else None,
            }
        )
    amount = converted(rates=currency_rates())
    by_type = stages_by_type(pipeline_ids=[pipeline.pk])
    closed = Deal.objects.filter(
        stage_id__in=ids(by_type[StageType.WON] + by_type[StageType.LOST]),
        actual_close_date__gte=start,
        actual_close_date__lt=end,
    )
    closed_rows = list(
        closed.annotate(bucket=TRUNC[period]("actual_close_date", tzinfo=UTC))
        .values("bucket")
        .annotate(**closed_aggregates(amount, by_type))
        .order_by()
    )
    created_rows = (
        Deal.objects.filter(pipeline=pipeline, created_at__gte=start, created_at__lt=end)
        .annotate(bucket=TRUNC[period]("created_at", tzinfo=UTC))
        .values("bucket")
        .annotate(created=Count("pk"))
        .order_by()
    )
    created = {row["bucket"]: row["created"] for row in created_rows}
    trend = []
    for label, bucket_start, _, rows in bucketed(closed_rows, period, year):
        totals = closed_totals(rows)
        trend.append(
            {
                "period": label,
                "dealsCreated": created.get(bucket_start, 0),
                **{key: totals[key] for key in ("dealsWon", "dealsLost", "wonValue", "winRate")},
            }
        )
    return {
        "pipeline": {"id": pipeline.pk, "name": pipeline.name},
        "period": period,
        "year": year,
        "currency": tenant_currency(),
        "stages": stage_rows,
        **closed_totals(closed_rows),
        "trend": trend,
    }


def dashboard_data(*, pipeline: Pipeline, year: int) -> dict:
    """The sales dashboard: funnel by stage, forecast by month, won/lost trend, activity by rep."""
    from apps.pipelines.selectors import stage_deal_figures

    start, end = year_window(year)
    stages = list(pipeline.stages.order_by("order"))
    figures = stage_deal_figures([stage.pk for stage in stages])
    funnel = [
        {
            "stage": {"id": stage.pk, "name": stage.name, "probability": stage.probability, "type": stage.stage_type},
            "dealCount": figures.get(stage.pk, {}).get("dealCount", 0),
            "value": figures.get(stage.pk, {}).get("stageValue", 0.0),
        }
        for stage in stages
    ]
    forecast = deal_forecast(pipeline=pipeline, period="month", year=year)
    amount = converted(rates=currency_rates())
    trend_rows = (
        Deal.objects.filter(IS_CLOSED, pipeline=pipeline, actual_close_date__gte=start, actual_close_date__lt=end)
        .annotate(bucket=TruncMonth("actual_close_date", tzinfo=UTC))
        .values("bucket")
        .annotate(
            won=Count("pk", filter=IS_WON),
            lost=Count("pk", filter=IS_LOST),
            won_value=Sum(amount, filter=IS_WON),
            lost_value=Sum(amount, filter=IS_LOST),
        )
        .order_by()
    )
    won_lost = [
        {
            "period": label,
            "won": sum(r["won"] for r in rows),
            "lost": sum(r["lost"] for r in rows),
            "wonValue": money(sum((r["won_value"] or 0) for r in rows)),
            "lostValue": money(sum((r["lost_value"] or 0) for r in rows)),
        }
        for label, _, _, rows in bucketed(trend_rows, "month", year)
    ]
    activity = activity_counts(start, end)
    people = people_by_id(activity)
    by_rep = sorted(
        ({"user": people[owner_id], **counts} for owner_id, counts in activity.items() if owner_id in people),
        key=lambda row: -sum(v for k, v in row.items() if k != "user"),
    )
    return {
        "pipeline": {"id": pipeline.pk, "name": pipeline.name},
        "year": year,
        "currency": tenant_currency(),
        "funnel": funnel,
        "forecast": [{k: v for k, v in p.items() if k != "byOwner"} for p in forecast["periods"]],
        "wonLostTrend": won_lost,
        "activityByRep": by_rep,
    }

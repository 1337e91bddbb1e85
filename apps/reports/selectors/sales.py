"""salesReport and performanceMetrics."""

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.db.models import Count, ExpressionWrapper, F, Sum

from apps.deals.models import DealStageChange
from apps.pipelines.models import Pipeline
from apps.reports.currency import MONEY, converted, currency_rates, money, tenant_currency
from apps.reports.selectors.common import (
    IS_CLOSED,
    IS_OPEN,
    IS_WON,
    average_days,
    closed_figures,
    iso_day,
    live_deals,
    midnight,
    people_by_id,
    period_window,
    stage_transitions,
)

TOP_PERFORMERS = 10
ACTIVITY_KEYS = ("tasksCompleted", "eventsHeld", "communicationsLogged", "stageMoves")


def sales_report(*, start: date, end: date, user_id: str | None = None, pipeline_ids: list[str] | None = None) -> dict:
    """The design's salesReport over the days [start, end]: revenue and deals won in the period,
    conversion (won / closed), top performers, and per pipeline the stage metrics."""
    window_start, window_end = midnight(start), midnight(end + timedelta(days=1))
    amount = converted(rates=currency_rates())
    closed = live_deals(pipeline_ids=pipeline_ids, owner_id=user_id).filter(
        IS_CLOSED, actual_close_date__gte=window_start, actual_close_date__lt=window_end
    )
    figures = closed_figures(closed, amount)
    performers = list(
        closed.filter(IS_WON)
        .values("owner_id")
        .annotate(revenue=Sum(amount), won=Count("pk"))
        .order_by("-revenue", "owner_id")[:TOP_PERFORMERS]
    )
    people = people_by_id({row["owner_id"] for row in performers})
    pipelines = Pipeline.objects.order_by("name")
    if pipeline_ids:
        pipelines = pipelines.filter(pk__in=pipeline_ids)
    pipelines = list(pipelines.prefetch_related("stages"))
    stage_ids = [stage.pk for pipeline in pipelines for stage in pipeline.stages.all()]
    current = (
        live_deals(owner_id=user_id)
        .filter(stage_id__in=stage_ids)
        .values("stage_id")
        .annotate(count=Count("pk"), total=Sum(amount))
        .order_by()
    )
    current = {row["stage_id"]: row for row in current}
    matrix = stage_transitions(stage_ids, window_start, window_end, owner_id=user_id)
    breakdown = [
        {
            "pipeline": {"id": pipeline.pk, "name": pipeline.name},
            "stageMetrics": [
                {
                    "stage": {"id": stage.pk, "name": stage.name, "probability": stage.probability},
                    "dealCount": current.get(stage.pk, {}).get("count", 0),
                    "totalValue": money(current.get(stage.pk, {}).get("total")),
                    "averageTimeInStage": average_days(matrix, stage.pk),
                }
                for stage in sorted(pipeline.stages.all(), key=lambda s: s.order)
            ],
        }
        for pipeline in pipelines
    ]
    return {
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "currency": tenant_currency(),
        "totalRevenue": figures["wonValue"],
        "dealsClosed": figures["dealsWon"],
        "dealsLost": figures["dealsLost"],
        "averageDealSize": figures["averageDealSize"] or 0.0,
        "conversionRate": figures["winRate"] or 0.0,
        "averageSalesCycle": figures["averageSalesCycle"],
        "topPerformers": [
            {
                "user": people.get(row["owner_id"]) or {"id": row["owner_id"], "name": None},
                "revenue": money(row["revenue"]),
                "dealsWon": row["won"],
            }
            for row in performers
            if row["owner_id"]
        ],
        "pipelineBreakdown": breakdown,
    }


def activity_counts(start: datetime, end: datetime, *, owner_id: str | None = None) -> dict[str, dict]:
    """Per owner: tasks completed, events held, communications logged, stage moves made in [start, end)."""
    from apps.activities.models import Communication, Event, Task

    sources = {
        "tasksCompleted": Task.objects.filter(status="completed", completed_at__gte=start, completed_at__lt=end),
        "eventsHeld": Event.objects.filter(start_time__gte=start, start_time__lt=end),
        "communicationsLogged": Communication.objects.filter(timestamp__gte=start, timestamp__lt=end),
    }
    counts: dict[str, dict] = defaultdict(lambda: dict.fromkeys(ACTIVITY_KEYS, 0))
    for name, queryset in sources.items():
        if owner_id:
            queryset = queryset.filter(owner_id=owner_id)
        for row in queryset.values("owner_id").annotate(n=Count("pk")).order_by():
            counts[row["owner_id"]][name] = row["n"]
    moves = DealStageChange.objects.filter(created_at__gte=start, created_at__lt=end, from_stage__isnull=False)
    if owner_id:
        moves = moves.filter(changed_by_id=owner_id)
    for row in moves.values("changed_by_id").annotate(n=Count("pk")).order_by():
        counts[row["changed_by_id"]]["stageMoves"] = row["n"]
    return counts


def performance_metrics(*, user, period: str, anchor: date) -> dict:
    """One person's results over the month, quarter or year holding `anchor`."""
    start, end = period_window(period, anchor)
    amount = converted(rates=currency_rates())
    mine = live_deals(owner_id=user.pk)
    closed = mine.filter(IS_CLOSED, actual_close_date__gte=start, actual_close_date__lt=end)
    open_now = mine.filter(IS_OPEN).aggregate(
        count=Count("pk"),
        open_value=Sum(amount),
        weighted=Sum(ExpressionWrapper(amount * F("probability") / 100, output_field=MONEY)),
    )
    activity = activity_counts(start, end, owner_id=user.pk).get(user.pk) or dict.fromkeys(ACTIVITY_KEYS, 0)
    return {
        "user": {"id": user.pk, "name": user.full_name, "email": user.email},
        "period": period,
        "start": iso_day(start),
        "end": iso_day(end - timedelta(days=1)),
        "currency": tenant_currency(),
        **closed_figures(closed, amount),
        "dealsCreated": mine.filter(created_at__gte=start, created_at__lt=end).count(),
        "openDeals": open_now["count"],
        "openPipelineValue": money(open_now["open_value"]),
        "weightedPipelineValue": money(open_now["weighted"]),
        "activities": activity,
    }

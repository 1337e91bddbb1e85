"""Forecast, pipeline analytics, sales, performance and dashboard figures: the reads behind
`/v1/deals/forecast`, `/v1/pipelines/{id}/analytics` and `/v1/reports/*`, for REST, GraphQL and
the admin dashboards alike.

Everything is computed by SQL aggregates (no loop over deals in Python); Python only shapes the
aggregated rows. Money is converted to the tenant's currency (apps.reports.currency). Stage time
and transitions come from StageTransitionDay, the per-day rollup of the stage history, unless a
report is narrowed to one owner (then from the history rows of that owner's deals).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db.models import Case, Count, DateTimeField, DurationField, ExpressionWrapper, F, Q, Sum, When
from django.db.models.functions import TruncMonth, TruncQuarter, TruncYear
from django.utils import timezone

from apps.core.errors import ValidationFailed
from apps.core.scoping import scope_q
from apps.deals.models import Deal, DealStageChange, StageTransitionDay
from apps.pipelines.choices import StageType
from apps.pipelines.models import Pipeline
from apps.reports.currency import MONEY, converted, currency_rates, money, tenant_currency

PERIODS = ("month", "quarter", "year")
TRUNC = {"month": TruncMonth, "quarter": TruncQuarter, "year": TruncYear}
COMMIT_PROBABILITY = 75  # an open deal in a stage this likely is committed
BEST_CASE_PROBABILITY = 50  # ... and this likely, in the best case
TOP_PERFORMERS = 10
ACTIVITY_KEYS = ("tasksCompleted", "eventsHeld", "communicationsLogged", "stageMoves")
IS_OPEN, IS_WON, IS_LOST = (Q(stage__stage_type=t) for t in (StageType.OPEN, StageType.WON, StageType.LOST))
IS_CLOSED = IS_WON | IS_LOST
# Won deals fall in the period they closed, open ones in the period they are expected to close.
CLOSE_DATE = Case(
    When(IS_WON, then=F("actual_close_date")), default=F("expected_close_date"), output_field=DateTimeField()
)


# ---------------------------------------------------------------- periods and windows


@dataclass(frozen=True)
class PeriodParams:
    period: str
    year: int


def period_params(query, *, default_period: str = "month") -> PeriodParams:
    period = query.get("period") or default_period
    if period not in PERIODS:
        raise ValidationFailed({"period": f"The period is one of {', '.join(PERIODS)}."})
    raw_year = query.get("year") or str(timezone.now().year)
    if not raw_year.isdigit() or not 1970 <= int(raw_year) <= 2200:
        raise ValidationFailed({"year": "The year is a number like 2025."})
    return PeriodParams(period=period, year=int(raw_year))


def date_param(query, name: str, default: date) -> date:
    raw = query.get(name)
    if not raw:
        return default
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        raise ValidationFailed({name: "A date (YYYY-MM-DD)."}) from None


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def year_window(year: int) -> tuple[datetime, datetime]:
    return _midnight(date(year, 1, 1)), _midnight(date(year + 1, 1, 1))


def period_window(period: str, anchor: date) -> tuple[datetime, datetime]:
    """The month, quarter or year holding `anchor`, as [start, end)."""
    if period == "year":
        return year_window(anchor.year)
    first_month = anchor.month if period == "month" else 3 * ((anchor.month - 1) // 3) + 1
    start = date(anchor.year, first_month, 1)
    months = 1 if period == "month" else 3
    end_month = first_month + months
    end = date(anchor.year + (end_month - 1) // 12, (end_month - 1) % 12 + 1, 1)
    return _midnight(start), _midnight(end)


def _buckets(period: str, year: int) -> list[tuple[str, datetime, datetime]]:
    """The periods of `year`: label, start, end (exclusive)."""
    if period == "year":
        start, end = year_window(year)
        return [(str(year), start, end)]
    step = 1 if period == "month" else 3
    buckets = []
    for month in range(1, 13, step):
        start, end = period_window(period, date(year, month, 1))
        label = f"{year}-{month:02d}" if period == "month" else f"{year}-Q{(month - 1) // 3 + 1}"
        buckets.append((label, start, end))
    return buckets


def _bucketed(rows, period: str, year: int, key: str = "bucket") -> list[tuple[str, datetime, datetime, list]]:
    by_start = defaultdict(list)
    for row in rows:
        by_start[row[key]].append(row)
    return [(label, start, end, by_start.get(start, [])) for label, start, end in _buckets(period, year)]


def _iso_day(moment: datetime) -> str:
    return moment.date().isoformat()


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 2) if whole else None


def _days(seconds) -> float | None:
    return round(seconds / 86400, 2) if seconds is not None else None


def _people(user_ids) -> dict[str, dict]:
    from apps.users.models import User

    users = User.objects.filter(pk__in=[uid for uid in user_ids if uid]).only("id", "first_name", "last_name", "email")
    return {user.pk: {"id": user.pk, "name": user.full_name, "email": user.email} for user in users}


def _live_deals(*, pipeline_ids=None, owner_id=None, user=None, scope: str = "tenant"):
    deals = Deal.objects.all()
    if pipeline_ids:
        deals = deals.filter(pipeline_id__in=pipeline_ids)
    if owner_id:
        deals = deals.filter(owner_id=owner_id)
    if user is not None and scope != "tenant":
        deals = deals.filter(scope_q(user, scope))
    return deals


# ---------------------------------------------------------------- forecast


def _forecast_figures(rows) -> dict:
    total = lambda key: sum((row.get(key) or 0) for row in rows)  # noqa: E731 (sums a few aggregated rows)
    return {
        "pipelineValue": money(total("open_value")),
        "weightedValue": money(total("weighted")),
        "bestCase": money(total("best_case")),
        "commit": money(total("commit")),
        "closedWon": money(total("closed_won")),
        "projected": money(total("closed_won") + total("weighted")),
        "dealCount": total("open_count"),
        "wonCount": total("won_count"),
    }


def deal_forecast(*, pipeline: Pipeline | None, period: str, year: int, user=None, scope: str = "tenant") -> dict:
    """Per period of `year`: open deals by their expected close date, won deals by the date they closed.

    pipelineValue: open value; weightedValue: Σ value × probability; commit: open deals in stages
    of probability ≥ 75; bestCase: ≥ 50; closedWon: won value; projected: closedWon + weighted.
    """
    start, end = year_window(year)
    amount = converted(rates=currency_rates())
    deals = _live_deals(pipeline_ids=[pipeline.pk] if pipeline else None, user=user, scope=scope)
    # Two queries, each an index-only scan of its covering index (deal_expected_close_idx,
    # deal_actual_close_idx); their rows meet per (period, owner) below.
    open_rows = (
        deals.filter(IS_OPEN, expected_close_date__gte=start, expected_close_date__lt=end)
        .annotate(bucket=TRUNC[period]("expected_close_date", tzinfo=UTC))
        .values("bucket", "owner_id")
        .annotate(
            open_value=Sum(amount),
            weighted=Sum(ExpressionWrapper(amount * F("probability") / 100, output_field=MONEY)),
            commit=Sum(amount, filter=Q(stage__probability__gte=COMMIT_PROBABILITY)),
            best_case=Sum(amount, filter=Q(stage__probability__gte=BEST_CASE_PROBABILITY)),
            open_count=Count("pk"),
        )
        .order_by()
    )
    won_rows = (
        deals.filter(IS_WON, actual_close_date__gte=start, actual_close_date__lt=end)
        .annotate(bucket=TRUNC[period]("actual_close_date", tzinfo=UTC))
        .values("bucket", "owner_id")
        .annotate(closed_won=Sum(amount), won_count=Count("pk"))
        .order_by()
    )
    rows = [*open_rows, *won_rows]
    people = _people({row["owner_id"] for row in rows})
    periods = []
    for label, bucket_start, bucket_end, bucket_rows in _bucketed(rows, period, year):
        by_owner = _by_owner(bucket_rows, people)
        periods.append(
            {
                "period": label,
                "start": _iso_day(bucket_start),
                "end": _iso_day(bucket_end - timedelta(days=1)),
                **_forecast_figures(bucket_rows),
                "byOwner": by_owner,
            }
        )
    return {
        "pipelineId": pipeline.pk if pipeline else None,
        "period": period,
        "year": year,
        "currency": tenant_currency(),
        "periods": periods,
        "totals": {**_forecast_figures(rows), "byOwner": _by_owner(rows, people)},
    }


def _by_owner(rows, people: dict[str, dict]) -> list[dict]:
    grouped = defaultdict(list)
    for row in rows:
        grouped[row["owner_id"]].append(row)
    figures = [
        {"owner": people.get(owner_id), **_forecast_figures(owner_rows)} for owner_id, owner_rows in grouped.items()
    ]
    return sorted(
        figures,
        key=lambda item: (-(item["pipelineValue"] + item["closedWon"]), (item["owner"] or {}).get("name") or ""),
    )


# ---------------------------------------------------------------- stage history


def stage_transitions(
    stage_ids: list[str], start: datetime, end: datetime, *, owner_id: str | None = None, pipeline_ids=None
) -> dict[tuple[str, str], dict]:
    """(from stage id, to stage id) → transitions, seconds summed and counted, over [start, end).

    "" stands for no stage (a deal's creation). From the daily rollup, or from the history rows
    of one owner's deals when `owner_id` is given.
    """
    touching = Q(from_stage_id__in=stage_ids) | Q(to_stage_id__in=stage_ids)
    if owner_id is None:
        rows = (
            StageTransitionDay.objects.filter(touching, day__gte=start.date(), day__lt=end.date())
            .values("from_stage_id", "to_stage_id")
            .annotate(n=Sum("transitions"), seconds=Sum("seconds_sum"), timed=Sum("seconds_count"))
            .order_by()
        )
    else:
        rows = (
            DealStageChange.objects.filter(touching, created_at__gte=start, created_at__lt=end, deal__owner_id=owner_id)
            .values("from_stage_id", "to_stage_id")
            .annotate(n=Count("pk"), seconds=Sum("seconds_in_previous_stage"), timed=Count("seconds_in_previous_stage"))
            .order_by()
        )
    return {
        (row["from_stage_id"] or "", row["to_stage_id"] or ""): {
            "n": row["n"] or 0,
            "seconds": row["seconds"] or 0,
            "timed": row["timed"] or 0,
        }
        for row in rows
    }


def _average_days(matrix: dict, stage_id: str) -> float | None:
    seconds = sum(cell["seconds"] for (src, _), cell in matrix.items() if src == stage_id)
    timed = sum(cell["timed"] for (src, _), cell in matrix.items() if src == stage_id)
    return _days(seconds / timed) if timed else None


# ---------------------------------------------------------------- pipeline analytics


def _closed_aggregates(amount) -> dict:
    """Aggregates of closed deals that sum across periods: counts, won value, summed sales cycle."""
    cycle = ExpressionWrapper(F("actual_close_date") - F("created_at"), output_field=DurationField())
    return {
        "won": Count("pk", filter=IS_WON),
        "lost": Count("pk", filter=IS_LOST),
        "won_value": Sum(amount, filter=IS_WON),
        "cycle": Sum(cycle, filter=IS_WON),
    }


def _closed_totals(rows) -> dict:
    """Win rate, won value, average won deal size and sales cycle from `_closed_aggregates` rows."""
    won = sum(row["won"] for row in rows)
    lost = sum(row["lost"] for row in rows)
    value = sum((row["won_value"] or 0) for row in rows)
    cycle = sum((row["cycle"].total_seconds() for row in rows if row["cycle"] is not None), 0.0)
    return {
        "dealsWon": won,
        "dealsLost": lost,
        "wonValue": money(value),
        "winRate": _rate(won, won + lost),
        "averageDealSize": money(value / won) if won else None,
        "averageSalesCycle": _days(cycle / won) if won else None,
    }


def _closed_figures(deals, amount) -> dict:
    return _closed_totals([deals.aggregate(**_closed_aggregates(amount))])


def pipeline_analytics(*, pipeline: Pipeline, period: str, year: int) -> dict:
    """Per stage over `year`: current deals and value, deals entered, average time in the stage,
    conversion (exits moving forward, and to the very next stage); for the pipeline: win rate,
    average sales cycle and deal size of the deals closed in the year, and a trend per period."""
    from apps.pipelines.selectors import stage_deal_figures

    start, end = year_window(year)
    stages = list(pipeline.stages.order_by("order"))
    ids = [stage.pk for stage in stages]
    figures = stage_deal_figures(ids)
    matrix = stage_transitions(ids, start, end)
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
                "stage": {
                    "id": stage.pk,
                    "name": stage.name,
                    "slug": stage.slug,
                    "order": stage.order,
                    "probability": stage.probability,
                    "type": stage.stage_type,
                },
                "dealCount": figures.get(stage.pk, {}).get("dealCount", 0),
                "value": figures.get(stage.pk, {}).get("stageValue", 0.0),
                "entered": sum(cell["n"] for (_, dst), cell in matrix.items() if dst == stage.pk),
                "exited": exited,
                "averageTimeInStage": _average_days(matrix, stage.pk),
                "conversionRate": _rate(sum(n for dst, n in exits.items() if dst in forward_ids), exited),
                "nextStageConversionRate": _rate(exits.get(next_id, 0), exited) if next_id else None,
            }
        )
    amount = converted(rates=currency_rates())
    closed = Deal.objects.filter(IS_CLOSED, pipeline=pipeline, actual_close_date__gte=start, actual_close_date__lt=end)
    closed_rows = list(
        closed.annotate(bucket=TRUNC[period]("actual_close_date", tzinfo=UTC))
        .values("bucket")
        .annotate(**_closed_aggregates(amount))
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
    for label, bucket_start, _, rows in _bucketed(closed_rows, period, year):
        totals = _closed_totals(rows)
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
        **_closed_totals(closed_rows),
        "trend": trend,
    }


# ---------------------------------------------------------------- sales report


def sales_report(*, start: date, end: date, user_id: str | None = None, pipeline_ids: list[str] | None = None) -> dict:
    """The design's salesReport over the days [start, end]: revenue and deals won in the period,
    conversion (won / closed), top performers, and per pipeline the stage metrics."""
    window_start, window_end = _midnight(start), _midnight(end + timedelta(days=1))
    amount = converted(rates=currency_rates())
    closed = _live_deals(pipeline_ids=pipeline_ids, owner_id=user_id).filter(
        IS_CLOSED, actual_close_date__gte=window_start, actual_close_date__lt=window_end
    )
    figures = _closed_figures(closed, amount)
    performers = list(
        closed.filter(IS_WON)
        .values("owner_id")
        .annotate(revenue=Sum(amount), won=Count("pk"))
        .order_by("-revenue", "owner_id")[:TOP_PERFORMERS]
    )
    people = _people({row["owner_id"] for row in performers})
    pipelines = Pipeline.objects.order_by("name")
    if pipeline_ids:
        pipelines = pipelines.filter(pk__in=pipeline_ids)
    pipelines = list(pipelines.prefetch_related("stages"))
    stage_ids = [stage.pk for pipeline in pipelines for stage in pipeline.stages.all()]
    current = (
        _live_deals(owner_id=user_id)
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
                    "averageTimeInStage": _average_days(matrix, stage.pk),
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


# ---------------------------------------------------------------- performance metrics


def _activity_counts(start: datetime, end: datetime, *, owner_id: str | None = None) -> dict[str, dict]:
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
    mine = _live_deals(owner_id=user.pk)
    closed = mine.filter(IS_CLOSED, actual_close_date__gte=start, actual_close_date__lt=end)
    open_now = mine.filter(IS_OPEN).aggregate(
        count=Count("pk"),
        open_value=Sum(amount),
        weighted=Sum(ExpressionWrapper(amount * F("probability") / 100, output_field=MONEY)),
    )
    activity = _activity_counts(start, end, owner_id=user.pk).get(user.pk) or dict.fromkeys(ACTIVITY_KEYS, 0)
    return {
        "user": {"id": user.pk, "name": user.full_name, "email": user.email},
        "period": period,
        "start": _iso_day(start),
        "end": _iso_day(end - timedelta(days=1)),
        "currency": tenant_currency(),
        **_closed_figures(closed, amount),
        "dealsCreated": mine.filter(created_at__gte=start, created_at__lt=end).count(),
        "openDeals": open_now["count"],
        "openPipelineValue": money(open_now["open_value"]),
        "weightedPipelineValue": money(open_now["weighted"]),
        "activities": activity,
    }


# ---------------------------------------------------------------- dashboard


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
        for label, _, _, rows in _bucketed(trend_rows, "month", year)
    ]
    activity = _activity_counts(start, end)
    people = _people(activity)
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

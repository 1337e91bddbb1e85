"""Shared by the report selectors: periods and windows, deal filters, stage-history figures and
closed-deal figures, all as SQL aggregates."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import TruncMonth, TruncQuarter, TruncYear
from django.utils import timezone

from apps.core.errors import ValidationFailed
from apps.core.scoping import scope_q
from apps.deals.models import Deal, DealStageChange, StageTransitionDay
from apps.pipelines.choices import StageType
from apps.reports.currency import money

PERIODS = ("month", "quarter", "year")
TRUNC = {"month": TruncMonth, "quarter": TruncQuarter, "year": TruncYear}
IS_OPEN, IS_WON, IS_LOST = (Q(stage__stage_type=t) for t in (StageType.OPEN, StageType.WON, StageType.LOST))
IS_CLOSED = IS_WON | IS_LOST


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


def midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def year_window(year: int) -> tuple[datetime, datetime]:
    return midnight(date(year, 1, 1)), midnight(date(year + 1, 1, 1))


def period_window(period: str, anchor: date) -> tuple[datetime, datetime]:
    """The month, quarter or year holding `anchor`, as [start, end)."""
    if period == "year":
        return year_window(anchor.year)
    first_month = anchor.month if period == "month" else 3 * ((anchor.month - 1) // 3) + 1
    start = date(anchor.year, first_month, 1)
    months = 1 if period == "month" else 3
    end_month = first_month + months
    end = date(anchor.year + (end_month - 1) // 12, (end_month - 1) % 12 + 1, 1)
    return midnight(start), midnight(end)


def buckets(period: str, year: int) -> list[tuple[str, datetime, datetime]]:
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


def bucketed(rows, period: str, year: int, key: str = "bucket") -> list[tuple[str, datetime, datetime, list]]:
    by_start = defaultdict(list)
    for row in rows:
        by_start[row[key]].append(row)
    return [(label, start, end, by_start.get(start, [])) for label, start, end in buckets(period, year)]


def iso_day(moment: datetime) -> str:
    return moment.date().isoformat()


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 2) if whole else None


def as_days(seconds) -> float | None:
    return round(seconds / 86400, 2) if seconds is not None else None


def people_by_id(user_ids) -> dict[str, dict]:
    from apps.users.models import User

    users = User.objects.filter(pk__in=[uid for uid in user_ids if uid]).only("id", "first_name", "last_name", "email")
    return {user.pk: {"id": user.pk, "name": user.full_name, "email": user.email} for user in users}


def stages_by_type(*, pipeline_ids=None) -> dict[str, list]:
    """The stages (of some pipelines, or all) by type: reports filter deals on these ids, which
    PostgreSQL estimates far better than a join on the stage's type."""
    from apps.pipelines.models import Stage

    stages = Stage.objects.only("id", "stage_type", "probability", "pipeline_id")
    if pipeline_ids:
        stages = stages.filter(pipeline_id__in=pipeline_ids)
    grouped: dict[str, list] = {kind: [] for kind in StageType.values}
    for stage in stages:
        grouped[stage.stage_type].append(stage)
    return grouped


def ids(stages) -> list[str]:
    return [stage.pk for stage in stages]


def live_deals(*, pipeline_ids=None, owner_id=None, user=None, scope: str = "tenant"):
    deals = Deal.objects.all()
    if pipeline_ids:
        deals = deals.filter(pipeline_id__in=pipeline_ids)
    if owner_id:
        deals = deals.filter(owner_id=owner_id)
    if user is not None and scope != "tenant":
        deals = deals.filter(scope_q(user, scope))
    return deals


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


def average_days(matrix: dict, stage_id: str) -> float | None:
    seconds = sum(cell["seconds"] for (src, _), cell in matrix.items() if src == stage_id)
    timed = sum(cell["timed"] for (src, _), cell in matrix.items() if src == stage_id)
    return as_days(seconds / timed) if timed else None


# ---------------------------------------------------------------- closed deals


def closed_aggregates(amount, stages: dict[str, list] | None = None) -> dict:
    """Aggregates of closed deals that sum across periods: counts, won value, summed sales cycle.
    With `stages` (stages_by_type), won and lost are told by stage id instead of a join."""
    won = Q(stage_id__in=ids(stages[StageType.WON])) if stages else IS_WON
    lost = Q(stage_id__in=ids(stages[StageType.LOST])) if stages else IS_LOST
    cycle = ExpressionWrapper(F("actual_close_date") - F("created_at"), output_field=DurationField())
    return {
        "won": Count("pk", filter=won),
        "lost": Count("pk", filter=lost),
        "won_value": Sum(amount, filter=won),
        "cycle": Sum(cycle, filter=won),
    }


def closed_totals(rows) -> dict:
    """Win rate, won value, average won deal size and sales cycle from `closed_aggregates` rows."""
    won = sum(row["won"] for row in rows)
    lost = sum(row["lost"] for row in rows)
    value = sum((row["won_value"] or 0) for row in rows)
    cycle = sum((row["cycle"].total_seconds() for row in rows if row["cycle"] is not None), 0.0)
    return {
        "dealsWon": won,
        "dealsLost": lost,
        "wonValue": money(value),
        "winRate": percent(won, won + lost),
        "averageDealSize": money(value / won) if won else None,
        "averageSalesCycle": as_days(cycle / won) if won else None,
    }


def closed_figures(deals, amount) -> dict:
    return closed_totals([deals.aggregate(**closed_aggregates(amount))])

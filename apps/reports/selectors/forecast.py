"""dealForecast: open, weighted, best-case, commit and closed-won value per period and owner."""

from collections import defaultdict
from datetime import UTC, timedelta

from django.db.models import Count, ExpressionWrapper, F, Q, Sum

from apps.pipelines.choices import StageType
from apps.pipelines.models import Pipeline
from apps.reports.currency import MONEY, converted, currency_rates, money, tenant_currency
from apps.reports.selectors.common import (
    TRUNC,
    bucketed,
    ids,
    iso_day,
    live_deals,
    people_by_id,
    stages_by_type,
    year_window,
)

COMMIT_PROBABILITY = 75  # an open deal in a stage this likely is committed
BEST_CASE_PROBABILITY = 50  # ... and this likely, in the best case


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
    pipeline_ids = [pipeline.pk] if pipeline else None
    deals = live_deals(pipeline_ids=pipeline_ids, user=user, scope=scope)
    stages = stages_by_type(pipeline_ids=pipeline_ids)
    commit_ids = [stage.pk for stage in stages[StageType.OPEN] if stage.probability >= COMMIT_PROBABILITY]
    best_ids = [stage.pk for stage in stages[StageType.OPEN] if stage.probability >= BEST_CASE_PROBABILITY]
    # Two queries on stage ids rather than a join (the planner then sizes them right and reads
    # the covering indexes deal_expected_close_idx / deal_actual_close_idx); their rows meet per
    # (period, owner) below.
    open_rows = (
        deals.filter(
            stage_id__in=ids(stages[StageType.OPEN]), expected_close_date__gte=start, expected_close_date__lt=end
        )
        .annotate(bucket=TRUNC[period]("expected_close_date", tzinfo=UTC))
        .values("bucket", "owner_id")
        .annotate(
            open_value=Sum(amount),
            weighted=Sum(ExpressionWrapper(amount * F("probability") / 100, output_field=MONEY)),
            commit=Sum(amount, filter=Q(stage_id__in=commit_ids)),
            best_case=Sum(amount, filter=Q(stage_id__in=best_ids)),
            open_count=Count("pk"),
        )
        .order_by()
    )
    won_rows = (
        deals.filter(stage_id__in=ids(stages[StageType.WON]), actual_close_date__gte=start, actual_close_date__lt=end)
        .annotate(bucket=TRUNC[period]("actual_close_date", tzinfo=UTC))
        .values("bucket", "owner_id")
        .annotate(closed_won=Sum(amount), won_count=Count("pk"))
        .order_by()
    )
    rows = [*open_rows, *won_rows]
    people = people_by_id({row["owner_id"] for row in rows})
    periods = []
    for label, bucket_start, bucket_end, bucket_rows in bucketed(rows, period, year):
        by_owner = _by_owner(bucket_rows, people)
        periods.append(
            {
                "period": label,
                "start": iso_day(bucket_start),
                "end": iso_day(bucket_end - timedelta(days=1)),
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

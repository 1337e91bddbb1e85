"""A widget's data source: which records, filtered how, aggregated how.

Checked when the widget is created (against the app's grant), computed when its data is asked:
one SQL aggregate per aggregation, whatever the number of records or groups. Relative dates
(`"created_after": "30_days_ago"`) are kept as written and resolved at each computation.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, F, Max, Min, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from apps.accounts.choices import AccountType
from apps.core.errors import Forbidden, ValidationFailed
from apps.core.permissions import grant_scope
from apps.deals.choices import DealStatus
from apps.deals.filtersets import STATUS_STAGE_TYPES
from apps.leads.choices import LeadStatus
from apps.marketplace.choices import AggregationOperation

MAX_AGGREGATIONS = 10
RELATIVE_DATE = re.compile(r"^(\d{1,4})_(day|week|month|year)s?_ago$")
DAYS_PER_UNIT = {"day": 1, "week": 7, "month": 30, "year": 365}
OPERATIONS: dict[str, Callable] = {
    AggregationOperation.SUM: Sum,
    AggregationOperation.AVG: Avg,
    AggregationOperation.MIN: Min,
    AggregationOperation.MAX: Max,
}


def _moment(value: str) -> datetime | None:
    """`30_days_ago`, `today`, `2025-01-31` or an ISO 8601 date-time; None if it is none of them."""
    if not isinstance(value, str):
        return None
    now = timezone.now()
    if value == "today":
        return now.replace(hour=0, minute=0, second=0, microsecond=0)
    relative = RELATIVE_DATE.match(value)
    if relative:
        return now - timedelta(days=int(relative.group(1)) * DAYS_PER_UNIT[relative.group(2)])
    try:
        moment = parse_datetime(value)
        day = None if moment else parse_date(value)
    except ValueError:
        return None
    if day is not None:
        return datetime(day.year, day.month, day.day, tzinfo=UTC)
    if moment is not None and timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    return moment


@dataclass(frozen=True)
class Filter:
    """A filter key: how a value is checked and how it narrows the records."""

    apply: Callable[[QuerySet, Any], QuerySet]
    choices: tuple[str, ...] = ()
    is_date: bool = False

    def check(self, value) -> str | None:
        if self.is_date:
            return None if _moment(value) else "A date (YYYY-MM-DD), a date-time, 'today' or like '30_days_ago'."
        if not isinstance(value, str) or not value:
            return "A non-empty string."
        if self.choices and value not in self.choices:
            return f"One of {', '.join(self.choices)}."
        return None


def _equals(path: str, choices: tuple[str, ...] = ()) -> Filter:
    return Filter(apply=lambda queryset, value: queryset.filter(**{path: value}), choices=choices)


COMMON_FILTERS = {
    "created_after": Filter(apply=lambda qs, value: qs.filter(created_at__gte=_moment(value)), is_date=True),
    "created_before": Filter(apply=lambda qs, value: qs.filter(created_at__lt=_moment(value)), is_date=True),
    "owner_id": _equals("owner_id"),
}
MONTH = (TruncMonth("created_at"), None, None)


@dataclass(frozen=True)
class Source:
    """A resource widgets may aggregate: its numeric fields, its groupings, its filters."""

    model: str
    numeric: dict[str, str]
    # group_by name -> (key, label or None, order or None): paths or expressions
    groups: dict[str, tuple[Any, Any, Any]]
    filters: dict[str, Filter] = field(default_factory=dict)

    def queryset(self) -> QuerySet:
        from django.apps import apps

        return apps.get_model(self.model).objects.all()  # live records only (trash hidden)


SOURCES: dict[str, Source] = {
    "deals": Source(
        model="deals.Deal",
        numeric={"value": "value", "probability": "probability"},
        groups={
            "stage": ("stage_id", "stage__name", "stage__order"),
            "pipeline": ("pipeline_id", "pipeline__name", None),
            "status": ("stage__stage_type", None, None),
            "owner": ("owner_id", None, None),
            "currency": ("currency", None, None),
            "created_month": MONTH,
        },
        filters={
            "status": Filter(
                apply=lambda qs, value: qs.filter(stage__stage_type=STATUS_STAGE_TYPES[value]),
                choices=tuple(DealStatus.values),
            ),
            "pipeline_id": _equals("pipeline_id"),
            "stage_id": _equals("stage_id"),
            "currency": _equals("currency"),
        },
    ),
    "leads": Source(
        model="leads.Lead",
        numeric={"score": "score"},
        groups={
            "status": ("status", None, None),
            "source": ("source", None, None),
            "owner": ("owner_id", None, None),
            "created_month": MONTH,
        },
        filters={"status": _equals("status", tuple(LeadStatus.values)), "source": _equals("source")},
    ),
    "accounts": Source(
        model="accounts.Account",
        numeric={"annual_revenue": "annual_revenue", "employees": "employees"},
        groups={
            "industry": ("industry", None, None),
            "type": ("type", None, None),
            "owner": ("owner_id", None, None),
            "created_month": MONTH,
        },
        filters={"industry": _equals("industry"), "type": _equals("type", tuple(AccountType.values))},
    ),
    "contacts": Source(
        model="contacts.Contact",
        numeric={},
        groups={
            "company": ("company", None, None),
            "account": ("account_id", "account__name", None),
            "owner": ("owner_id", None, None),
            "created_month": MONTH,
        },
        filters={"company": _equals("company"), "account_id": _equals("account_id")},
    ),
}


def _require_read(query: str, permissions: list[str]) -> None:
    required = f"{query}:read"
    if grant_scope(permissions, required) is None:
        raise Forbidden(
            f"The app was not granted '{required}'.",
            details={"required_permissions": [required], "user_permissions": sorted(permissions)},
        )


def _source_filters(source: Source) -> dict[str, Filter]:
    return {**COMMON_FILTERS, **source.filters}


def data_source_clean(data_source: dict, *, permissions: list[str]) -> dict:
    """The data source as stored, once its resource is granted and every part of it is known."""
    query = data_source["query"]
    source = SOURCES.get(query)
    if source is None:
        raise ValidationFailed({"data_source.query": f"One of {', '.join(SOURCES)}."})
    _require_read(query, permissions)
    errors: dict[str, str] = {}
    known_filters = _source_filters(source)
    filters = data_source.get("filters") or {}
    for name, value in filters.items():
        spec = known_filters.get(name)
        problem = f"Unknown filter; use {', '.join(known_filters)}." if spec is None else spec.check(value)
        if problem:
            errors[f"data_source.filters.{name}"] = problem
    aggregations = data_source.get("aggregations") or [{"operation": AggregationOperation.COUNT}]
    if len(aggregations) > MAX_AGGREGATIONS:
        errors["data_source.aggregations"] = f"At most {MAX_AGGREGATIONS} aggregations."
    for index, aggregation in enumerate(aggregations):
        where = f"data_source.aggregations[{index}]"
        operation, name = aggregation["operation"], aggregation.get("field")
        if operation != AggregationOperation.COUNT and name not in source.numeric:
            numeric = ", ".join(source.numeric) or "none: only 'count' applies"
            errors[f"{where}.field"] = f"A numeric field of {query} ({numeric})."
        group_by = aggregation.get("group_by")
        if group_by and group_by not in source.groups:
            errors[f"{where}.group_by"] = f"One of {', '.join(source.groups)}."
    if errors:
        raise ValidationFailed(errors)
    return {"query": query, "filters": filters, "aggregations": aggregations}


def _number(value) -> float | int | None:
    if isinstance(value, Decimal):
        return float(value)
    return value


def _key(value):
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m")
    return value


def _aggregate(queryset: QuerySet, source: Source, aggregation: dict) -> dict:
    operation = aggregation["operation"]
    name = aggregation.get("field")
    expression = Count("pk") if operation == AggregationOperation.COUNT else OPERATIONS[operation](source.numeric[name])
    result: dict[str, Any] = {"field": name, "operation": operation, "group_by": aggregation.get("group_by")}
    group_by = aggregation.get("group_by")
    if not group_by:
        result["value"] = _number(queryset.aggregate(result=expression)["result"])
        return result
    key, label, order = source.groups[group_by]
    key = F(key) if isinstance(key, str) else key
    annotations = {"group_key": key, "group_label": F(label) if label else key}
    if order:
        annotations["group_order"] = F(order)
    rows = (
        queryset.annotate(**annotations)
        .values(*annotations)
        .annotate(result=expression)
        .order_by(*(["group_order"] if order else []), "group_key")
    )
    result["groups"] = [
        {"key": _key(row["group_key"]), "label": _key(row["group_label"]), "value": _number(row["result"])}
        for row in rows
    ]
    return result


def widget_data_compute(data_source: dict, *, permissions: list[str]) -> list[dict]:
    """Each aggregation of the data source over the records its filters select, as of now."""
    query = data_source["query"]
    _require_read(query, permissions)  # a grant narrowed since the widget was made still binds
    source = SOURCES[query]
    queryset = source.queryset()
    known_filters = _source_filters(source)
    for name, value in (data_source.get("filters") or {}).items():
        queryset = known_filters[name].apply(queryset, value)
    return [_aggregate(queryset, source, aggregation) for aggregation in data_source["aggregations"]]

"""Filter inputs of the design (`StringFilter`, `FloatFilter`, ...) and the one translator from a
filter input to a Django `Q`.

A module describes its filter once, as a `FilterSpec`: each input field names the model path it
filters (`"account__industry"`), a nested spec for a relation (`account: {industry: {eq: ...}}`),
or a function for what is not a column (`status: ACTIVE`). `and`/`or`/`not` combine filters.

    DEAL_FILTER = FilterSpec({"value": "value", "account": ("account", ACCOUNT_FILTER), ...})
    queryset.filter(filter_q(args["filter"], DEAL_FILTER))

Operators: eq ne in nin contains startsWith endsWith gt gte lt lte (and `exists` for custom
fields). Text matching (`contains`, `startsWith`, `endsWith`) ignores case; `eq` does not.
"""

import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import graphene
from django.db.models import Q

from apps.core.errors import ValidationFailed
from apps.core.graphql.scalars import JSON, DateOnly, DateTime

LOOKUPS = {
    "eq": "exact",
    "in_": "in",
    "contains": "icontains",
    "starts_with": "istartswith",
    "ends_with": "iendswith",
    "gt": "gt",
    "gte": "gte",
    "lt": "lt",
    "lte": "lte",
}


def _ops(scalar, *, text: bool = False, ordered: bool = False, listable: bool = True) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "eq": graphene.Field(scalar, description="Equal to."),
        "ne": graphene.Field(scalar, description="Not equal to."),
    }
    if listable:
        fields["in_"] = graphene.List(graphene.NonNull(scalar), name="in", description="One of these.")
        fields["nin"] = graphene.List(graphene.NonNull(scalar), description="None of these.")
    if text:
        fields["contains"] = graphene.String(description="Contains this text (case-insensitive).")
        fields["starts_with"] = graphene.String(description="Starts with this text (case-insensitive).")
        fields["ends_with"] = graphene.String(description="Ends with this text (case-insensitive).")
    if ordered:
        fields["gt"] = graphene.Field(scalar, description="Greater than.")
        fields["gte"] = graphene.Field(scalar, description="Greater than or equal to.")
        fields["lt"] = graphene.Field(scalar, description="Less than.")
        fields["lte"] = graphene.Field(scalar, description="Less than or equal to.")
    return fields


def _input(name: str, description: str, fields: dict[str, Any]) -> type[graphene.InputObjectType]:
    return type(name, (graphene.InputObjectType,), {"Meta": type("Meta", (), {"description": description}), **fields})


StringFilter = _input("StringFilter", "Conditions on a text field.", _ops(graphene.String, text=True))
IDFilter = _input("IDFilter", "Conditions on an id.", _ops(graphene.ID))
IntFilter = _input("IntFilter", "Conditions on a whole number.", _ops(graphene.Int, ordered=True))
FloatFilter = _input("FloatFilter", "Conditions on a number.", _ops(graphene.Float, ordered=True))
BooleanFilter = _input("BooleanFilter", "Conditions on a true/false field.", _ops(graphene.Boolean, listable=False))
DateTimeFilter = _input(
    "DateTimeFilter",
    "Conditions on an instant. A bare date (`2025-03-31`) in `lte` or `gt` means the end of that day.",
    _ops(DateTime, ordered=True),
)
JSONFilter = _input(
    "JSONFilter",
    "Conditions on one key of a JSON field such as `customFields`: "
    '`{key: "dealSource", eq: "Referral"}`. Combine several with the filter\'s `and`.',
    {
        "key": graphene.String(required=True, description="The key, e.g. a custom field's name."),
        **_ops(JSON, ordered=True),
        "contains": graphene.String(description="The value contains this text (case-insensitive)."),
        "starts_with": graphene.String(description="The value starts with this text (case-insensitive)."),
        "ends_with": graphene.String(description="The value ends with this text (case-insensitive)."),
        "exists": graphene.Boolean(description="The key is present (true) or absent (false)."),
    },
)

_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")


@dataclass
class FilterSpec:
    """How one entity's filter input maps onto its model.

    Each value is a model path (`"stage__slug"`), a `(path, FilterSpec)` pair for a relation, or
    a callable `(value) -> Q` for a computed condition.
    """

    fields: dict[str, Any]
    json_fields: dict[str, str] = field(default_factory=dict)  # input name -> JSON column path


def _operator_q(path: str, operators: dict[str, Any]) -> Q:
    """AND of `path <op> value` for each operator given (null values are ignored)."""
    q = Q()
    for op, value in operators.items():
        if value is None:
            continue
        if op == "ne":
            q &= ~Q(**{path: value})
            continue
        if op == "nin":
            q &= ~Q(**{f"{path}__in": value})
            continue
        if isinstance(value, DateOnly):
            if op == "lte":
                op, value = "lt", value + timedelta(days=1)
            elif op == "gt":
                op, value = "gte", value + timedelta(days=1)
            elif op == "eq":
                q &= Q(**{f"{path}__gte": value, f"{path}__lt": value + timedelta(days=1)})
                continue
        q &= Q(**{f"{path}__{LOOKUPS[op]}": value})
    return q


def _json_q(path: str, condition: dict[str, Any]) -> Q:
    key = condition.get("key") or ""
    if not _KEY.match(key):
        raise ValidationFailed({"filter.customFields.key": f"'{key}' is not a field name."})
    operators = {op: value for op, value in condition.items() if op not in ("key", "exists")}
    q = _operator_q(f"{path}__{key}", operators)
    if condition.get("exists") is not None:
        has_key = Q(**{f"{path}__has_key": key})
        q &= has_key if condition["exists"] else ~has_key
    return q


def filter_q(value: dict[str, Any] | None, spec: FilterSpec, prefix: str = "") -> Q:
    """The Q a filter input stands for; `prefix` is the relation path when nested."""
    q = Q()
    if not value:
        return q
    for name, condition in value.items():
        if condition is None:
            continue
        if name == "and_":
            for part in condition:
                q &= filter_q(part, spec, prefix)
        elif name == "or_":
            alternatives = Q()
            for part in condition:
                alternatives |= filter_q(part, spec, prefix)
            q &= alternatives
        elif name == "not_":
            q &= ~filter_q(condition, spec, prefix)
        elif name in spec.json_fields:
            q &= _json_q(prefix + spec.json_fields[name], condition)
        else:
            target = spec.fields[name]
            if callable(target):
                q &= _prefixed(target(condition), prefix)
            elif isinstance(target, tuple):
                path, nested = target
                q &= filter_q(condition, nested, f"{prefix}{path}__")
            else:
                q &= _operator_q(prefix + target, condition)
    return q


def _prefixed(q: Q, prefix: str) -> Q:
    """Q from a computed condition, moved under a relation path."""
    if not prefix:
        return q
    moved = Q()
    moved.connector, moved.negated = q.connector, q.negated
    for child in q.children:
        moved.children.append(_prefixed(child, prefix) if isinstance(child, Q) else (prefix + child[0], child[1]))
    return moved


def combinators(filter_name: str) -> dict[str, Any]:
    """`and`, `or` and `not` fields for a filter input named `filter_name`."""
    return {
        "and_": graphene.List(
            graphene.NonNull(lambda: _registry[filter_name]), name="and", description="All of these."
        ),
        "or_": graphene.List(graphene.NonNull(lambda: _registry[filter_name]), name="or", description="Any of these."),
        "not_": graphene.Field(lambda: _registry[filter_name], name="not", description="Not this."),
    }


_registry: dict[str, type] = {}


def filter_input(name: str, description: str, fields: dict[str, Any]) -> type[graphene.InputObjectType]:
    """Declares an entity's filter input with `and`/`or`/`not` added."""
    cls = _input(name, description, {**fields, **combinators(name)})
    _registry[name] = cls
    return cls

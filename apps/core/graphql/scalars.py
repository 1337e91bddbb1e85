"""`JSON` and `DateTime` scalars of the design."""

import datetime as dt
from typing import Any

from dateutil.parser import isoparse
from django.utils import timezone
from graphene.types.scalars import Scalar
from graphql import GraphQLError
from graphql.language import ast


class DateOnly(dt.datetime):
    """A DateTime value written as a bare date ("2025-03-31"): midnight UTC, remembered as a date
    so range filters can include the whole day (`lte: "2025-03-31"` keeps March 31st 15:00)."""


class DateTime(Scalar):
    """An ISO 8601 instant, answered in UTC (`2025-03-15T00:00:00Z`). Inputs may be a date alone
    (`2025-03-15`), read as that day in UTC."""

    @staticmethod
    def serialize(value: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            if timezone.is_naive(value):
                value = timezone.make_aware(value, dt.UTC)
            return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if isinstance(value, dt.date):
            return value.isoformat() + "T00:00:00Z"
        if isinstance(value, str):
            return value
        raise GraphQLError(f"DateTime cannot represent {value!r}.")

    @classmethod
    def parse_literal(cls, node, _variables=None):
        if isinstance(node, ast.StringValueNode):
            return cls.parse_value(node.value)
        raise GraphQLError("DateTime must be an ISO 8601 string.", node)

    @staticmethod
    def parse_value(value: Any) -> dt.datetime:
        if isinstance(value, dt.datetime):
            return value if timezone.is_aware(value) else timezone.make_aware(value, dt.UTC)
        if not isinstance(value, str):
            raise GraphQLError(f"DateTime must be an ISO 8601 string, not {value!r}.")
        text = value.strip()
        try:
            if len(text) == 10:
                day = dt.date.fromisoformat(text)
                return DateOnly(day.year, day.month, day.day, tzinfo=dt.UTC)
            parsed = isoparse(text)
        except ValueError:
            raise GraphQLError(f"'{value}' is not an ISO 8601 date or date-time.") from None
        return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, dt.UTC)


def _literal_value(node) -> Any:
    if isinstance(node, ast.NullValueNode):
        return None
    if isinstance(node, ast.BooleanValueNode):
        return node.value
    if isinstance(node, ast.IntValueNode):
        return int(node.value)
    if isinstance(node, ast.FloatValueNode):
        return float(node.value)
    if isinstance(node, (ast.StringValueNode, ast.EnumValueNode)):
        return node.value
    if isinstance(node, ast.ListValueNode):
        return [_literal_value(item) for item in node.values]
    if isinstance(node, ast.ObjectValueNode):
        return {field.name.value: _literal_value(field.value) for field in node.fields}
    raise GraphQLError("Variables inside JSON literals are not supported; pass the whole value as a variable.")


class JSON(Scalar):
    """Any JSON value (object, array, string, number, boolean or null), e.g. `customFields`."""

    @staticmethod
    def serialize(value: Any) -> Any:
        return value

    @staticmethod
    def parse_value(value: Any) -> Any:
        return value

    @classmethod
    def parse_literal(cls, node, _variables=None) -> Any:
        return _literal_value(node)


def OptionalText(description: str | None = None, **options):  # noqa: N802 (used like a graphene field class)
    """A text field answered as null when the record leaves it blank (as REST answers it)."""
    import graphene

    def resolve(root, info):
        name = info.field_name
        value = getattr(root, _snake(name), None)
        return value or None

    return graphene.String(description=description, resolver=resolve, **options)


def _snake(name: str) -> str:
    from graphene.utils.str_converters import to_snake_case

    return to_snake_case(name)

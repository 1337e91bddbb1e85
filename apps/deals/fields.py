"""Date input the design uses: `"2025-03-15T00:00:00Z"`, and the plain `"2025-03-15"` users also send."""

from datetime import UTC, datetime, time

from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


def parse_date_or_datetime(value) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = parse_datetime(value)
        if parsed is None:
            day = parse_date(value)
            parsed = datetime.combine(day, time.min) if day else None
    except ValueError:
        return None
    if parsed is not None and parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


@extend_schema_field(OpenApiTypes.DATETIME)
class DateOrDateTimeField(serializers.Field):
    default_error_messages = {"invalid": "A date (YYYY-MM-DD) or an ISO 8601 date-time."}

    def to_internal_value(self, data):
        parsed = parse_date_or_datetime(data)
        if parsed is None:
            self.fail("invalid")
        return parsed

    def to_representation(self, value):
        return serializers.DateTimeField().to_representation(value)

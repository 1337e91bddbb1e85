"""Reading one imported cell into the type of the field it lands in.

A CSV or XLSX cell is text (or a spreadsheet number/date); a JSON row carries typed values.
Each reader answers the value or raises `CellError` with the message reported for that row.
"""

from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.dateparse import parse_date, parse_datetime


class CellError(ValueError):
    """The cell's value cannot go in its field; the message says why."""


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_text(value: Any, *, max_length: int | None = None) -> str:
    if isinstance(value, (dict, list)):
        raise CellError("must be text")
    text = str(value).strip()
    if max_length is not None and len(text) > max_length:
        raise CellError(f"must be at most {max_length} characters")
    return text


def read_int(value: Any, *, minimum: int | None = None, maximum: int | None = None) -> int:
    if isinstance(value, bool):
        raise CellError("must be a whole number")
    try:
        number = Decimal(str(value).strip().replace(",", "")) if not isinstance(value, int) else Decimal(value)
    except InvalidOperation:
        raise CellError("must be a whole number") from None
    if number != number.to_integral_value():
        raise CellError("must be a whole number")
    number = int(number)
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise CellError(f"must be from {minimum} to {maximum}")
    return number


def read_decimal(value: Any, *, maximum: Decimal) -> Decimal:
    if isinstance(value, bool):
        raise CellError("must be a number")
    try:
        number = Decimal(str(value).strip().replace(",", "")).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise CellError("must be a number") from None
    if number < 0 or number > maximum:
        raise CellError(f"must be a number from 0 to {maximum}")
    return number


def read_datetime(value: Any) -> datetime:
    """An ISO 8601 date-time, or a plain date (midnight UTC); spreadsheet dates as they come."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime.combine(value, time.min, tzinfo=UTC)
    text = str(value).strip()
    try:
        parsed = parse_datetime(text)
        if parsed is None:
            day = parse_date(text)
            parsed = datetime.combine(day, time.min) if day else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise CellError("must be a date (YYYY-MM-DD) or an ISO 8601 date-time")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def read_choice(value: Any, *, choices: dict[str, str]) -> str:
    """`choices` maps each accepted spelling, lowercased, to the stored value."""
    key = str(value).strip().lower()
    if key not in choices:
        raise CellError(f"must be one of: {', '.join(sorted(set(choices.values())))}")
    return choices[key]


def read_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    key = str(value).strip().lower()
    if key in ("true", "yes", "1", "y"):
        return True
    if key in ("false", "no", "0", "n"):
        return False
    raise CellError("must be true or false")


def custom_cell(value: Any, field_type: str) -> Any:
    """A spreadsheet's text read as the custom field's type, before the custom field rules check it."""
    if not isinstance(value, str):
        return value
    if field_type == "number":
        try:
            number = Decimal(value.strip().replace(",", ""))
        except InvalidOperation:
            return value
        return int(number) if number == number.to_integral_value() else float(number)
    if field_type == "bool":
        try:
            return read_bool(value)
        except CellError:
            return value
    return value


def read_email(value: Any) -> str:
    """Lowercased and checked the way the contacts and leads services do."""
    from apps.contacts.normalize import email_normalize

    email, problem = email_normalize(read_text(value, max_length=254))
    if problem:
        raise CellError(problem)
    return email


def read_phone(value: Any) -> str:
    """E.164, the way the contacts and leads services normalise phones."""
    from apps.contacts.normalize import phone_normalize

    phone, problem = phone_normalize(read_text(value, max_length=60))
    if problem:
        raise CellError(problem)
    return phone

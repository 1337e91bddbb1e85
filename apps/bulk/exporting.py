"""Exports: the columns a caller may ask for (dotted relations such as `contact.name`), the
design's filters, and the writers that stream rows from a server-side cursor into a CSV, JSON
or XLSX file, chunk by chunk, so memory stays flat however many rows there are.
"""

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from itertools import islice
from typing import Any

import orjson
from django.db.models import (
    CharField,
    DateTimeField,
    DecimalField,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Concat, Trim

from apps.bulk.resources import REF, STAGE, ResourceSpec, spec_for
from apps.bulk.values import CellError, read_datetime, read_decimal
from apps.core.errors import ValidationFailed
from apps.core.scoping import scope_queryset

CHUNK_ROWS = 2000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DEFAULT_FIELDS = {
    "contacts": [
        "id",
        "firstName",
        "lastName",
        "email",
        "phone",
        "company",
        "jobTitle",
        "accountId",
        "ownerId",
        "createdAt",
    ],
    "accounts": ["id", "name", "website", "industry", "employees", "annualRevenue", "type", "ownerId", "createdAt"],
    "leads": ["id", "firstName", "lastName", "email", "company", "source", "status", "score", "ownerId", "createdAt"],
    "deals": ["id", "title", "value", "currency", "stage", "probability", "expectedCloseDate", "ownerId", "createdAt"],
}
# Relations a dotted field may follow, per resource: name -> (lookup prefix, resource or "users")
RELATIONS = {
    "contacts": {"account": ("account", "accounts"), "owner": ("owner", "users")},
    "accounts": {"parent": ("parent", "accounts"), "owner": ("owner", "users")},
    "leads": {"owner": ("owner", "users")},
    "deals": {
        "contact": ("contact", "contacts"),
        "account": ("account", "accounts"),
        "owner": ("owner", "users"),
        "pipeline": ("pipeline", "pipelines"),
        "stage": ("stage", "stages"),
    },
}
COMMON = {"id": "id", "ownerId": "owner_id", "createdAt": "created_at", "updatedAt": "updated_at"}
SMALL = {  # what a relation that is not itself a bulk resource exposes
    "users": {"id": "id", "email": "email", "firstName": "first_name", "lastName": "last_name"},
    "pipelines": {"id": "id", "name": "name"},
    "stages": {"id": "id", "name": "name", "slug": "slug", "probability": "probability", "type": "stage_type"},
}
EXTRA = {  # columns beside the importable fields
    "deals": {"status": "stage__stage_type", "actualCloseDate": "actual_close_date", "pipeline": "pipeline__name"},
    "leads": {"qualifiedAt": "qualified_at", "convertedAt": "converted_at"},
}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _full_name(prefix: str):
    return Trim(Concat(F(f"{prefix}first_name"), Value(" "), F(f"{prefix}last_name")))


def _column(resource: str, name: str, prefix: str = "", depth: int = 0):
    """The ORM expression of one export column, or None when it names nothing."""
    if resource in SMALL:
        if name == "name" and resource == "users":
            return _full_name(prefix)
        column = SMALL[resource].get(_camel(name))
        return F(prefix + column) if column else None
    spec: ResourceSpec = spec_for(resource)
    camel = ".".join(_camel(part) if index == 0 else part for index, part in enumerate(name.split(".", 1)))
    head, _, tail = camel.partition(".")
    if tail and head == "customFields":
        return KT(f"{prefix}custom_fields__{tail}")
    if tail and head == "address" and spec.has_address:
        return KT(f"{prefix}address__{tail}")
    if tail and depth == 0 and head in RELATIONS[resource]:
        lookup, related = RELATIONS[resource][head]
        return _column(related, tail, f"{prefix}{lookup}__", depth + 1)
    if tail:
        return None
    if camel in COMMON:
        return F(prefix + COMMON[camel])
    if camel == "externalId":
        from apps.bulk.models import ExternalRef

        refs = ExternalRef.objects.filter(resource=resource, record_id=OuterRef(f"{prefix}id"))
        return Subquery(refs.values("external_id")[:1])
    if camel == "name" and spec.record_type in ("contact", "lead"):
        return _full_name(prefix)
    if camel == "fullName" and spec.record_type in ("contact", "lead"):
        return _full_name(prefix)
    extra = EXTRA.get(resource, {}).get(camel)
    if extra:
        return F(prefix + extra)
    spec_field = spec.field_named(spec.aliases.get(camel, camel)) or spec.field_named(name)
    if spec_field is None:
        return None
    if spec_field.kind == STAGE:
        return F(f"{prefix}stage__slug")
    if spec_field.kind == REF:
        return F(prefix + spec_field.column)
    return F(prefix + spec_field.column)


def export_columns(resource: str, fields: list[str] | None) -> list[tuple[str, Any]]:
    """(header, expression) per requested field, or VALIDATION_ERROR naming the unknown ones."""
    names = fields or DEFAULT_FIELDS[resource]
    columns, errors = [], {}
    for index, name in enumerate(names):
        expression = _column(resource, name.strip()) if isinstance(name, str) and name.strip() else None
        if expression is None:
            errors[f"fields[{index}]"] = f"'{name}' is not a field of {resource}."
        columns.append((name, expression))
    if errors:
        raise ValidationFailed(errors)
    return columns


def _date_filter(value: Any, key: str) -> datetime:
    try:
        return read_datetime(value)
    except CellError:
        raise ValidationFailed({f"filters.{key}": "must be an ISO 8601 date or date-time."}) from None


def _amount(value: Any, key: str) -> Decimal:
    try:
        return read_decimal(value, maximum=Decimal("1e20"))
    except CellError:
        raise ValidationFailed({f"filters.{key}": "must be a number."}) from None


def _listed(value: Any) -> list[str]:
    return [str(item) for item in (value if isinstance(value, list) else [value])]


def _stage_q(refs: list[str]) -> Q:
    condition = Q()
    for ref in refs:
        ref = ref.strip()
        condition |= Q(stage_id=ref) | Q(stage__slug__iexact=ref) | Q(stage__name__iexact=ref)
        condition |= Q(stage__slug__iexact=ref.lower().replace(" ", "_"))
    return condition


FILTERS: dict[str, Callable[[Any, str], Q]] = {
    "created_after": lambda v, k: Q(created_at__gte=_date_filter(v, k)),
    "created_before": lambda v, k: Q(created_at__lt=_date_filter(v, k)),
    "updated_after": lambda v, k: Q(updated_at__gte=_date_filter(v, k)),
    "updated_before": lambda v, k: Q(updated_at__lt=_date_filter(v, k)),
    "owner_id": lambda v, k: Q(owner_id__in=_listed(v)),
}
RESOURCE_FILTERS: dict[str, dict[str, Callable[[Any, str], Q]]] = {
    "deals": {
        "stage": lambda v, k: _stage_q(_listed(v)),
        "status": lambda v, k: Q(stage__stage_type__in=_listed(v)),
        "pipeline_id": lambda v, k: Q(pipeline_id__in=_listed(v)),
        "value_min": lambda v, k: Q(value__gte=_amount(v, k)),
        "value_max": lambda v, k: Q(value__lte=_amount(v, k)),
        "expected_close_after": lambda v, k: Q(expected_close_date__gte=_date_filter(v, k)),
        "expected_close_before": lambda v, k: Q(expected_close_date__lt=_date_filter(v, k)),
        "contact_id": lambda v, k: Q(contact_id__in=_listed(v)),
        "account_id": lambda v, k: Q(account_id__in=_listed(v)),
    },
    "leads": {
        "status": lambda v, k: Q(status__in=_listed(v)),
        "source": lambda v, k: Q(source__in=_listed(v)),
        "score_min": lambda v, k: Q(score__gte=_amount(v, k)),
    },
    "contacts": {"account_id": lambda v, k: Q(account_id__in=_listed(v))},
    "accounts": {
        "type": lambda v, k: Q(type__in=_listed(v)),
        "industry": lambda v, k: Q(industry__in=_listed(v)),
    },
}


def export_filters(resource: str, filters: Any) -> Q:
    if filters in (None, ""):
        return Q()
    if not isinstance(filters, dict):
        raise ValidationFailed({"filters": "'filters' must be an object."})
    known = {**FILTERS, **RESOURCE_FILTERS[resource]}
    condition, errors = Q(), {}
    for key, value in filters.items():
        if key not in known:
            errors[f"filters.{key}"] = f"Unknown filter for {resource}; known: {', '.join(sorted(known))}."
            continue
        try:
            condition &= known[key](value, key)
        except ValidationFailed as exc:
            errors.update(exc.field_errors)
    if errors:
        raise ValidationFailed(errors)
    return condition


class SheetText(Func):
    """Text a spreadsheet would run as a formula gets a leading `'`, in SQL (CSV exports)."""

    template = r"regexp_replace(%(expressions)s, E'^([=+@\\t\\r-])', E'\'\\1')"
    output_field = TextField()


class IsoUtc(Func):
    """A timestamp as the API writes it (`2025-01-24T10:30:00Z`), in SQL (CSV exports)."""

    template = """to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"""
    output_field = TextField()


def _as_sheet_text(expression, output_field):
    if isinstance(output_field, DateTimeField):
        return IsoUtc(expression)
    if isinstance(output_field, (CharField, TextField)):
        return SheetText(expression)
    if isinstance(output_field, DecimalField):
        return Cast(expression, TextField())
    return expression


def export_queryset(
    *, resource: str, filters: dict, columns: list[tuple[str, Any]], user, scope: str, sheet_text: bool = False
) -> QuerySet:
    """Rows of tuples in creation order. `sheet_text`: every cell already as the CSV writes it
    (timestamps formatted, formula-looking text escaped) by PostgreSQL itself, so writing a row
    costs Python next to nothing."""
    model = spec_for(resource).model()
    queryset = scope_queryset(model.objects.filter(export_filters(resource, filters)), user, scope)
    aliases = {f"c{index}": expression for index, (_, expression) in enumerate(columns)}
    queryset = queryset.order_by("created_at", "id").annotate(**aliases)
    if sheet_text:
        fields = {alias: queryset.query.annotations[alias].output_field for alias in aliases}
        texts = {f"t{alias}": _as_sheet_text(F(alias), fields[alias]) for alias in aliases}
        return queryset.annotate(**texts).values_list(*texts)
    return queryset.values_list(*aliases)


def rows_stream(queryset: QuerySet) -> Iterator[tuple]:
    """Rows from a server-side cursor, `CHUNK_ROWS` at a time."""
    return queryset.iterator(chunk_size=CHUNK_ROWS)


# -- cells -------------------------------------------------------------------------------------
def _timestamp(value: datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def sheet_cell(value: Any) -> Any:
    """A cell for CSV/XLSX: text that a spreadsheet would run as a formula gets a leading `'`."""
    kind = type(value)
    if kind is str:
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if value is None:
        return ""
    if kind is datetime:
        return _timestamp(value)
    if kind is Decimal:
        return str(value)
    return value


def json_cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime):
        return _timestamp(value)
    return value


# -- writers -----------------------------------------------------------------------------------
def write_csv(handle, headers: list[str], rows: Iterable[tuple], progress: Callable[[int], None]) -> int:
    """`rows` come from `export_queryset(sheet_text=True)`: already text, already escaped."""
    import csv
    import io

    text = io.TextIOWrapper(handle, encoding="utf-8", newline="", write_through=False)
    writer = csv.writer(text)
    writer.writerow([sheet_cell(header) for header in headers])
    count = 0
    rows = iter(rows)
    while chunk := list(islice(rows, CHUNK_ROWS)):
        writer.writerows(chunk)
        count += len(chunk)
        progress(count)
    text.flush()
    text.detach()
    return count


def write_json(handle, headers: list[str], rows: Iterable[tuple], progress: Callable[[int], None]) -> int:
    handle.write(b"[")
    count = 0
    for row in rows:
        if count:
            handle.write(b",\n")
        handle.write(orjson.dumps(dict(zip(headers, map(json_cell, row), strict=True)), default=str))
        count += 1
        if count % CHUNK_ROWS == 0:
            progress(count)
    handle.write(b"]\n")
    return count


def write_xlsx(handle, headers: list[str], rows: Iterable[tuple], progress: Callable[[int], None]) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("export")

    def text_cells(values) -> list:
        cells = []
        for value in values:
            cell_value = sheet_cell(value)
            cell = WriteOnlyCell(sheet, value=cell_value)
            if isinstance(cell_value, str):
                cell.data_type = "s"  # never a formula, whatever the text
            cells.append(cell)
        return cells

    sheet.append(text_cells(headers))
    count = 0
    for row in rows:
        sheet.append(text_cells(row))
        count += 1
        if count % CHUNK_ROWS == 0:
            progress(count)
    workbook.save(handle)
    return count


WRITERS = {"csv": write_csv, "json": write_json, "xlsx": write_xlsx}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

"""Relay connections: `edges { node cursor }`, `pageInfo`, `totalCount`.

Every list takes `first/after/last/before`, both as arguments and as the design's
`pagination: {first, after, last, before}` input. Cursors are opaque; they name a position in
the list as filtered and sorted. A cursor this server did not issue is ignored (the page starts
at the list's edge), so a stale bookmark still answers. Pages hold at most 200 records.
"""

import base64
from dataclasses import dataclass
from typing import Any

import graphene
from graphene import relay

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 200
_CURSOR_PREFIX = "crm:"


class PaginationInput(graphene.InputObjectType):
    """Which slice of a list to answer: `first` items after cursor `after`, or `last` before `before`."""

    first = graphene.Int(description="How many records from the start of the window (at most 200).")
    after = graphene.String(description="Answer records after this cursor.")
    last = graphene.Int(description="How many records from the end of the window (at most 200).")
    before = graphene.String(description="Answer records before this cursor.")


def connection_args() -> dict[str, Any]:
    return {
        "first": graphene.Int(description="How many records from the start (at most 200; 25 by default)."),
        "after": graphene.String(description="Answer records after this cursor."),
        "last": graphene.Int(description="How many records from the end (at most 200)."),
        "before": graphene.String(description="Answer records before this cursor."),
        "pagination": graphene.Argument(PaginationInput, description="The same as first/after/last/before."),
    }


class CrmConnection(relay.Connection):
    """A page of records with Relay's `edges` and `pageInfo`, plus `totalCount`."""

    class Meta:
        abstract = True

    total_count = graphene.Int(required=True, description="How many records match, across all pages.")


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{offset}".encode()).decode()


def decode_cursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor.encode() + b"==").decode()
    except (ValueError, UnicodeDecodeError):
        return None
    if not text.startswith(_CURSOR_PREFIX) or not text[len(_CURSOR_PREFIX) :].isdigit():
        return None
    return int(text[len(_CURSOR_PREFIX) :])


@dataclass(frozen=True)
class PageRequest:
    """first/after/last/before read into offsets. Hashable: loaders are keyed by it."""

    first: int | None = None
    after: int | None = None
    last: int | None = None
    before: int | None = None

    @classmethod
    def from_args(cls, args: dict[str, Any], *, default_size: int = DEFAULT_PAGE_SIZE) -> "PageRequest":
        merged = dict(args.get("pagination") or {})
        for name in ("first", "after", "last", "before"):
            if args.get(name) is not None:
                merged[name] = args[name]
        first, last = merged.get("first"), merged.get("last")
        for name, value in (("first", first), ("last", last)):
            if value is not None and value < 0:
                from apps.core.errors import ValidationFailed

                raise ValidationFailed({name: f"'{name}' must not be negative."})
        if first is None and last is None:
            first = default_size
        return cls(
            first=None if first is None else min(first, MAX_PAGE_SIZE),
            after=decode_cursor(merged.get("after")),
            last=None if last is None else min(last, MAX_PAGE_SIZE),
            before=decode_cursor(merged.get("before")),
        )

    def window(self, total: int) -> tuple[int, int]:
        """[start, end) offsets of the page within a list of `total` records."""
        start = 0 if self.after is None else min(self.after + 1, total)
        end = total if self.before is None else max(min(self.before, total), start)
        if self.first is not None:
            end = min(end, start + self.first)
        if self.last is not None:
            start = max(start, end - self.last)
        return start, end

    @property
    def needs_total(self) -> bool:
        return self.last is not None and self.before is None

    def upper_bound(self) -> int | None:
        """The highest offset (exclusive) that can be on the page without knowing the total."""
        if self.needs_total:
            return None
        end = self.before
        if self.first is not None:
            start = 0 if self.after is None else self.after + 1
            end = start + self.first if end is None else min(end, start + self.first)
        return end


def build_connection(connection_type, nodes: list, *, start: int, total: int):
    """The connection object for `nodes`, which sit at offsets start.. of a list of `total`."""
    edge_type = connection_type.Edge
    edges = [edge_type(node=node, cursor=encode_cursor(start + index)) for index, node in enumerate(nodes)]
    end = start + len(nodes)
    page_info = relay.PageInfo(
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
        has_previous_page=start > 0,
        has_next_page=end < total,
    )
    return connection_type(edges=edges, page_info=page_info, total_count=total)


def paginate(connection_type, queryset, page: PageRequest):
    """One page of `queryset` (already filtered and ordered) as `connection_type`: a COUNT and a
    SELECT of the page, whatever its size."""
    total = queryset.count()
    start, end = page.window(total)
    nodes = list(queryset[start:end]) if end > start else []
    return build_connection(connection_type, nodes, start=start, total=total)


def connection_field(connection_type, *, description: str, filter_input=None, sort_input=None, **extra):
    """A field answering `connection_type`, with paging arguments and the entity's filter/sort."""
    arguments = connection_args()
    if filter_input is not None:
        arguments["filter"] = graphene.Argument(filter_input, description="Only records matching these conditions.")
    if sort_input is not None:
        arguments["sort"] = graphene.Argument(sort_input, description="The order of the records.")
    arguments.update(extra)
    return graphene.Field(connection_type, description=description, args=arguments)


def partitioned_rows(queryset, partition: str, order: list[str], *, page: PageRequest, whole_prefix: bool = False):
    """Rows of many small lists at once (one per value of `partition`), each cut to its page:
    `ROW_NUMBER() OVER (PARTITION BY partition ORDER BY order)` in one query.

    Each row carries `gql_row` (1-based position) and `gql_total` (its list's length).
    `whole_prefix` keeps every row before the page too (for merging several lists).
    Returns {partition value: [rows in order]}.
    """
    from django.db.models import Count, F, Q, Window
    from django.db.models.functions import RowNumber

    annotated = queryset.annotate(
        gql_row=Window(RowNumber(), partition_by=[F(partition)], order_by=order),
        gql_total=Window(Count("pk"), partition_by=[F(partition)]),
    )
    condition = Q()
    lower = 0 if (whole_prefix or page.after is None) else page.after + 1
    if lower:
        condition &= Q(gql_row__gt=lower)
    upper = page.upper_bound()
    if upper is not None:
        condition &= Q(gql_row__lte=upper)
        if page.last is not None and not whole_prefix:
            condition &= Q(gql_row__gt=upper - page.last)
    elif page.last is not None:
        condition &= Q(gql_row__gt=F("gql_total") - page.last)
    grouped: dict = {}
    for row in annotated.filter(condition).order_by(partition, "gql_row"):
        grouped.setdefault(getattr(row, partition.replace("__", "_")), []).append(row)
    return grouped


def partition_totals(queryset, partition: str, keys) -> dict:
    """How many rows each partition value holds (for lists whose page came back empty)."""
    from django.db.models import Count

    rows = queryset.filter(**{f"{partition}__in": list(keys)}).order_by().values(partition).annotate(n=Count("pk"))
    return {row[partition]: row["n"] for row in rows}


def connections_by_parent(connection_type, queryset, partition: str, order: list[str], page: PageRequest, keys: list):
    """One connection per parent key: the page of `queryset` whose `partition` is that key."""
    grouped = partitioned_rows(queryset.filter(**{f"{partition}__in": keys}), partition, order, page=page)
    missing = [key for key in keys if key not in grouped]
    totals = partition_totals(queryset, partition, missing) if missing and page.after is not None else {}
    result = []
    for key in keys:
        rows = grouped.get(key, [])
        if rows:
            total = rows[0].gql_total
            start = rows[0].gql_row - 1
        else:
            total = totals.get(key, 0)
            start, _ = page.window(total)
        result.append(build_connection(connection_type, rows, start=start, total=total))
    return result


def merged_page(connection_type, lists: list[list], totals: list[int], sort_key, reverse: bool, page: PageRequest):
    """A page over several lists merged into one order (e.g. tasks, events and communications).

    Each list must hold its own rows up to the page's end (`whole_prefix`), or its last `last`
    rows when paging from the end without `before`.
    """
    total = sum(totals)
    rows = sorted((row for rows in lists for row in rows), key=sort_key, reverse=reverse)
    if page.needs_total:
        offset = total - len(rows)
        start, end = page.window(total)
        nodes = rows[start - offset : end - offset]
    else:
        start, end = page.window(total)
        nodes = rows[start:end]
    return build_connection(connection_type, nodes, start=start, total=total)

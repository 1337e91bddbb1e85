"""Helpers for root queries: one record by id, a filtered, sorted, scoped page of records."""

from apps.core.graphql.connections import PageRequest, paginate
from apps.core.graphql.filters import filter_q
from apps.core.graphql.permissions import scoped
from apps.core.graphql.sorting import order_by_for_sort


def record_by_id(info, queryset, record_id, *, resource: str, owner_field: str | None = "owner"):
    """The record if it exists and the caller may read it, else None (like REST's 404)."""
    return scoped(info, queryset, resource, owner_field=owner_field).filter(pk=record_id).first()


def record_page(
    info,
    connection_type,
    queryset,
    arguments: dict,
    *,
    resource: str,
    filter_spec,
    sort_fields,
    default_order,
    owner_field: str | None = "owner",
):
    """A root connection: the caller's readable records, filtered, sorted, one page of them."""
    queryset = scoped(info, queryset, resource, owner_field=owner_field)
    queryset = queryset.filter(filter_q(arguments.get("filter"), filter_spec))
    queryset = queryset.order_by(*order_by_for_sort(arguments.get("sort"), sort_fields, default_order))
    return paginate(connection_type, queryset, PageRequest.from_args(arguments))

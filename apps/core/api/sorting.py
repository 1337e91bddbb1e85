"""`sort` and `order` validated against the fields a resource documents."""

from rest_framework.filters import BaseFilterBackend

from apps.core.errors import ValidationFailed


def order_by_for(sort: str | None, order: str | None, *, fields: dict[str, str], default: str) -> list[str]:
    """The ORDER BY terms for a public sort field name; unknown names answer VALIDATION_ERROR."""
    order = (order or "asc").lower()
    if order not in ("asc", "desc"):
        raise ValidationFailed({"order": "'order' must be 'asc' or 'desc'."})
    if not sort:
        return [default, "pk"]
    if sort not in fields:
        allowed = ", ".join(sorted(fields))
        raise ValidationFailed({"sort": f"Cannot sort by '{sort}'. Sortable fields: {allowed}."})
    column = fields[sort]
    prefix = "-" if order == "desc" else ""
    return [f"{prefix}{column}", f"{prefix}pk"]


class SortOrderFilter(BaseFilterBackend):
    """Views declare `sort_fields = {"lastName": "last_name", ...}` and `default_sort`."""

    def filter_queryset(self, request, queryset, view):
        fields = getattr(view, "sort_fields", None)
        if not fields:
            return queryset
        terms = order_by_for(
            request.query_params.get("sort"),
            request.query_params.get("order"),
            fields=fields,
            default=getattr(view, "default_sort", "-created_at"),
        )
        return queryset.order_by(*terms)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        fields = sorted(getattr(view, "sort_fields", {}) or {})
        if not fields:
            return []
        return [
            {"name": "sort", "in": "query", "required": False, "schema": {"type": "string", "enum": fields}},
            {"name": "order", "in": "query", "required": False, "schema": {"type": "string", "enum": ["asc", "desc"]}},
        ]

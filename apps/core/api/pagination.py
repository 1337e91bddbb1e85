"""`page` (from 1) and `limit` (default 25, at most 200); totals land in `meta.pagination`."""

import math

from rest_framework.pagination import BasePagination
from rest_framework.response import Response

from apps.core.errors import ValidationFailed

DEFAULT_LIMIT = 25
MAX_LIMIT = 200


def _positive_int(request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationFailed({name: f"'{name}' must be a positive integer."}) from None
    if value < 1:
        raise ValidationFailed({name: f"'{name}' must be a positive integer."})
    return value


def page_and_limit(request) -> tuple[int, int]:
    page = _positive_int(request, "page", 1)
    limit = min(_positive_int(request, "limit", DEFAULT_LIMIT), MAX_LIMIT)
    return page, limit


def pagination_meta(page: int, limit: int, total: int) -> dict:
    total_pages = math.ceil(total / limit) if total else 0
    return {
        "page": page,
        "limit": limit,
        "total": total,
        "totalPages": total_pages,
        "hasNext": page < total_pages,
        "hasPrev": page > 1,
    }


class PageLimitPagination(BasePagination):
    def paginate_queryset(self, queryset, request, view=None):
        self.page, self.limit = page_and_limit(request)
        self.total = queryset.count()
        offset = (self.page - 1) * self.limit
        return list(queryset[offset : offset + self.limit])

    def get_paginated_response(self, data) -> Response:
        response = Response(data)
        response.pagination = pagination_meta(self.page, self.limit, self.total)
        return response

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return schema

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {"name": "page", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1}},
            {
                "name": "limit",
                "in": "query",
                "required": False,
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
            },
        ]

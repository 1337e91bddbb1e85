"""The response envelope every API answer wears: success, data, meta, errors."""

from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def request_id_of(request: HttpRequest | None) -> str:
    return getattr(request, "request_id", "") if request is not None else ""


def envelope(
    request: HttpRequest | None,
    *,
    data: Any = None,
    errors: list[dict] | None = None,
    pagination: dict | None = None,
) -> dict:
    meta: dict[str, Any] = {
        "timestamp": now_iso(),
        "version": settings.API_VERSION,
        "requestId": request_id_of(request),
    }
    if pagination is not None:
        meta["pagination"] = pagination
    body: dict[str, Any] = {
        "success": not errors,
        "data": None if errors else data,
        "meta": meta,
        "errors": errors or [],
    }
    if errors:
        body["error"] = errors[0]
    return body

"""Envelope responses for code that runs outside DRF (middleware, Django's error handlers)."""

from typing import Any

from django.http import HttpRequest, JsonResponse

from apps.core.envelope import envelope


def error_response(
    request: HttpRequest | None,
    *,
    status: int,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JsonResponse:
    error: dict[str, Any] = {"code": code, "message": message}
    if details:
        error["details"] = details
    response = JsonResponse(envelope(request, errors=[error]), status=status, headers=headers)
    return response

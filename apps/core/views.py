"""Health probes and Django's own error pages, in the envelope."""

import functools

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django_redis import get_redis_connection

from apps.core.envelope import envelope
from apps.core.responses import error_response


def _only_get(view):
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> JsonResponse:
        if request.method not in ("GET", "HEAD"):
            return error_response(
                request,
                status=405,
                code="METHOD_NOT_ALLOWED",
                message=f'Method "{request.method}" not allowed.',
                headers={"Allow": "GET, HEAD"},
            )
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapped)


@_only_get
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up."""
    return JsonResponse(envelope(request, data={"status": "ok"}))


@_only_get
def readyz(request: HttpRequest) -> JsonResponse:
    """PostgreSQL and Redis both answer."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["postgres"] = "ok"
    except Exception as exc:  # any failure means not ready; the reason is reported, not raised
        checks["postgres"] = f"error: {exc.__class__.__name__}"
    try:
        get_redis_connection("default").ping()
        checks["redis"] = "ok"
    except Exception as exc:
        checks["redis"] = f"error: {exc.__class__.__name__}"
    ready = all(value == "ok" for value in checks.values())
    if ready:
        return JsonResponse(envelope(request, data={"status": "ready", "checks": checks}))
    return error_response(request, status=503, code="SERVICE_UNAVAILABLE", message="Not ready.", details=checks)


def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error_response(request, status=404, code="NOT_FOUND", message=f"No route for {request.path}.")


def server_error(request: HttpRequest) -> JsonResponse:
    return error_response(request, status=500, code="INTERNAL_ERROR", message="An internal error occurred.")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error_response(request, status=400, code="VALIDATION_ERROR", message="Bad request.")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error_response(request, status=403, code="FORBIDDEN", message="Insufficient permissions")


def csrf_failure(request: HttpRequest, reason: str = "") -> JsonResponse:
    return error_response(request, status=403, code="FORBIDDEN", message=f"CSRF check failed: {reason}")

"""Maps every exception raised under DRF to the envelope's errors, never leaking a stack trace."""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response

from apps.core.errors import DomainError

logger = logging.getLogger("crm.api")


def flatten_validation_errors(detail: Any, prefix: str = "") -> list[dict[str, Any]]:
    """DRF's nested error dicts become one error per field, named by dotted path."""
    if isinstance(detail, dict):
        errors: list[dict[str, Any]] = []
        for key, value in detail.items():
            name = "" if key in ("non_field_errors", "__all__") else str(key)
            errors.extend(flatten_validation_errors(value, f"{prefix}.{name}" if prefix and name else prefix or name))
        return errors
    if isinstance(detail, list):
        if detail and all(not isinstance(item, (dict, list)) for item in detail):
            error: dict[str, Any] = {"code": "VALIDATION_ERROR", "message": " ".join(str(m) for m in detail)}
            if prefix:
                error["field"] = prefix
            return [error]
        errors = []
        for index, item in enumerate(detail):
            if item:
                errors.extend(flatten_validation_errors(item, f"{prefix}[{index}]" if prefix else f"[{index}]"))
        return errors
    error = {"code": "VALIDATION_ERROR", "message": str(detail)}
    if prefix:
        error["field"] = prefix
    return [error]


def _error(code: str, message: str, **extra: Any) -> list[dict[str, Any]]:
    return [{"code": code, "message": message, **{k: v for k, v in extra.items() if v is not None}}]


def _rate_limit_refused_caller(context: dict) -> Exception | None:
    """A caller refused for its credentials is counted too (by address, as anonymous) and its 401
    wears the rate-limit headers: guessing tokens is limited like any other call. Answers the
    429 to raise instead when that caller is over a limit."""
    from apps.security.ratelimit import RateLimited, RateLimitGate

    request = context.get("request")
    if request is None:
        return None
    try:
        RateLimitGate().has_permission(request, context.get("view"))
    except RateLimited as limited:
        return limited
    return None


def envelope_exception_handler(exc: Exception, context: dict) -> Response:
    headers: dict[str, str] = {}
    if isinstance(exc, DomainError):
        return Response(exc.as_errors(), status=exc.status)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        return Response(flatten_validation_errors(detail), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, IntegrityError):
        logger.info("Integrity error answered as 409: %s", exc)
        return Response(_error("CONFLICT", "The request conflicts with an existing record."), status=409)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    if isinstance(exc, exceptions.ValidationError):
        return Response(flatten_validation_errors(exc.detail), status=400)
    if isinstance(exc, exceptions.ParseError):
        return Response(_error("VALIDATION_ERROR", f"Malformed request body: {exc.detail}"), status=400)
    if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        limited = _rate_limit_refused_caller(context)
        if limited is not None:
            return envelope_exception_handler(limited, context)
        details = getattr(exc, "details", None) or {"error_type": "token_missing"}
        auth_header = getattr(exc, "auth_header", None) or 'Bearer realm="api"'
        return Response(
            _error("UNAUTHORIZED", str(exc.detail), details=details),
            status=401,
            headers={"WWW-Authenticate": auth_header},
        )
    if isinstance(exc, exceptions.PermissionDenied):
        details = getattr(exc, "details", None)
        return Response(_error("FORBIDDEN", str(exc.detail), details=details), status=403)
    if isinstance(exc, exceptions.NotFound):
        return Response(_error("NOT_FOUND", "Not found."), status=404)
    if isinstance(exc, exceptions.MethodNotAllowed):
        return Response(_error("METHOD_NOT_ALLOWED", str(exc.detail)), status=405)
    if isinstance(exc, exceptions.NotAcceptable):
        return Response(_error("NOT_ACCEPTABLE", str(exc.detail)), status=406)
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return Response(_error("UNSUPPORTED_MEDIA_TYPE", str(exc.detail)), status=415)
    if isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait or 60)
        headers["Retry-After"] = str(wait)
        return Response(
            _error(
                "RATE_LIMIT_EXCEEDED",
                f"Rate limit exceeded. Try again in {wait} seconds.",
                details=getattr(exc, "details", None),
            ),
            status=429,
            headers=headers,
        )
    if isinstance(exc, exceptions.APIException):
        return Response(_error(str(exc.default_code).upper(), str(exc.detail)), status=exc.status_code)

    logger.exception("Unhandled error in %s", context.get("view").__class__.__name__, exc_info=exc)
    return Response(_error("INTERNAL_ERROR", "An internal error occurred."), status=500)

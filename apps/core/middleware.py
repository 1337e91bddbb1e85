"""Request ids, the design's security headers, and `Idempotency-Key` replay for writes."""

import hashlib
import re
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from apps.core.responses import error_response

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
IDEMPOTENCY_TTL = timedelta(hours=24)
_WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class RequestIdMiddleware:
    """Echoes the client's `X-Request-ID`, or makes a `req_...` one, on the request and response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        sent = request.META.get("HTTP_X_REQUEST_ID", "")
        request.request_id = sent if _REQUEST_ID.match(sent) else f"req_{uuid.uuid4().hex[:20]}"
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


class SecurityHeadersMiddleware:
    """The headers the design requires on every response (HSTS even behind a TLS-terminating proxy)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        response.setdefault("X-Content-Type-Options", "nosniff")
        response.setdefault("X-XSS-Protection", "1; mode=block")
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        return response


def _caller_fingerprint(request: HttpRequest) -> str:
    """Who is retrying: the credentials themselves, hashed, so replay never crosses callers."""
    credentials = (
        request.META.get("HTTP_AUTHORIZATION")
        or request.META.get("HTTP_X_API_KEY")
        or request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        or "anonymous"
    )
    return hashlib.sha256(credentials.encode()).hexdigest()


class IdempotencyMiddleware:
    """Stripe's semantics for `Idempotency-Key` on API writes.

    The first response for (caller, key) is stored in the tenant's schema for 24 h and replayed
    to retries; the same key with another body answers 422 `IDEMPOTENCY_KEY_REUSED`. A
    PostgreSQL advisory lock on the key makes concurrent retries wait for the first to finish, so
    the work is done once.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.META.get("HTTP_IDEMPOTENCY_KEY", "").strip()
        if not key or request.method not in _WRITE_METHODS or not request.path.startswith("/v1/"):
            return self.get_response(request)
        if len(key) > 255:
            return error_response(
                request, status=400, code="VALIDATION_ERROR", message="Idempotency-Key is too long (255 max)."
            )
        from apps.core.models import IdempotencyRecord

        caller = _caller_fingerprint(request)
        fingerprint = hashlib.sha256(request.method.encode() + request.path.encode() + request.body).hexdigest()
        lock_name = f"{connection.schema_name}:{caller}:{key}"
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", [lock_name])
        try:
            since = timezone.now() - IDEMPOTENCY_TTL
            IdempotencyRecord.objects.filter(caller=caller, key=key, created_at__lt=since).delete()
            stored = IdempotencyRecord.objects.filter(caller=caller, key=key).first()
            if stored is not None:
                if stored.fingerprint != fingerprint:
                    return error_response(
                        request,
                        status=422,
                        code="IDEMPOTENCY_KEY_REUSED",
                        message="This Idempotency-Key was used with a different request.",
                    )
                replay = HttpResponse(bytes(stored.body), status=stored.status_code, content_type=stored.content_type)
                replay["Idempotent-Replayed"] = "true"
                return replay
            response = self.get_response(request)
            if response.status_code < 500 and not response.streaming:
                IdempotencyRecord.objects.create(
                    caller=caller,
                    key=key,
                    fingerprint=fingerprint,
                    status_code=response.status_code,
                    content_type=response.get("Content-Type", "application/json"),
                    body=response.content,
                )
            return response
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", [lock_name])

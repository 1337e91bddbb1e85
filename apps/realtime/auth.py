"""Who is on the other end of a /ws socket or an SSE stream.

ONE entry point, `authenticate_token(token, tenant) -> (user, grants, expires_at)`, used by both.
It verifies with the first verifier available:

1. `apps.identity.tokens.verify_access_token` (the RS256 JWT of the identity module) when that
   module provides it;
2. otherwise, and only when `settings.CRM_REALTIME_ACCEPT_TEST_TOKENS` is on (the test suite
   alone turns it on), a Django signed token `signing.dumps({"user_id": ..., "tenant_id": ...})`
   with an optional `exp` (unix seconds).

API keys (`api_key` + `api_secret` in the /ws auth message, `X-API-Key` + `X-API-Secret` on SSE)
go through `authenticate_api_key`, which asks the REST authentication classes configured in DRF
(so whatever the identity module registers for API keys applies here too).
"""

import importlib
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.test import RequestFactory

TEST_TOKEN_MAX_AGE = timedelta(hours=1)


class AuthenticationFailed(Exception):
    """The credentials are missing, invalid, expired or of another tenant; the message says which."""

    def __init__(self, message: str, code: str = "UNAUTHORIZED") -> None:
        super().__init__(message)
        self.code = code


def _strip_bearer(token: str) -> str:
    token = (token or "").strip()
    if token[:7].lower() == "bearer ":
        token = token[7:].strip()
    return token


def _jwt_verifier():
    try:
        module = importlib.import_module("apps.identity.tokens")
    except ImportError:
        return None
    return getattr(module, "verify_access_token", None)


def _user(user_id: Any):
    from apps.users.models import User

    user = User.objects.filter(pk=user_id, is_active=True).prefetch_related("roles").first()
    if user is None:
        raise AuthenticationFailed("The token's user does not exist or is inactive.")
    return user


def _from_claims(claims: Any, tenant) -> tuple[Any, list[str], datetime | None]:
    """Reads what the JWT verifier returned: a claims dict (`sub`, `tenant_id`, `permissions`, `exp`)."""
    if not isinstance(claims, dict):
        user = getattr(claims, "user", None)
        grants = getattr(claims, "permissions", None)
        expires_at = getattr(claims, "expires_at", None)
        if user is None:
            raise AuthenticationFailed("Invalid token.")
        return user, list(grants if grants is not None else user.permission_strings()), expires_at
    if claims.get("tenant_id") not in (None, tenant.schema_name):
        raise AuthenticationFailed("The token belongs to another tenant.", code="TENANT_MISMATCH")
    user = _user(claims.get("sub"))
    grants = claims.get("permissions")
    exp = claims.get("exp")
    expires_at = datetime.fromtimestamp(exp, tz=UTC) if exp else None
    return user, list(grants if grants is not None else user.permission_strings()), expires_at


def _from_test_token(token: str, tenant) -> tuple[Any, list[str], datetime | None]:
    try:
        payload = signing.loads(token, max_age=TEST_TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        raise AuthenticationFailed("The token has expired.", code="TOKEN_EXPIRED") from None
    except signing.BadSignature:
        raise AuthenticationFailed("Invalid token.") from None
    if payload.get("tenant_id") != tenant.schema_name:
        raise AuthenticationFailed("The token belongs to another tenant.", code="TENANT_MISMATCH")
    expires_at = datetime.fromtimestamp(payload["exp"], tz=UTC) if payload.get("exp") else None
    if expires_at and expires_at <= datetime.now(UTC):
        raise AuthenticationFailed("The token has expired.", code="TOKEN_EXPIRED")
    user = _user(payload.get("user_id"))
    return user, list(user.permission_strings()), expires_at


def authenticate_token(token: str, tenant) -> tuple[Any, list[str], datetime | None]:
    """(user, permission strings, expiry) for a bearer token (raw or `Bearer <jwt>`) of `tenant`.

    Runs in the tenant's schema (callers wrap it in `tenant_context`). Raises AuthenticationFailed.
    """
    token = _strip_bearer(token)
    if not token:
        raise AuthenticationFailed("A token is required.")
    if tenant is None:
        raise AuthenticationFailed("Unknown tenant.", code="TENANT_NOT_FOUND")
    verifier = _jwt_verifier()
    if verifier is not None:
        try:
            claims = verifier(token)
        except Exception as exc:  # noqa: BLE001 — the verifier's own error types are not known here
            raise AuthenticationFailed(str(exc) or "Invalid token.") from None
        return _from_claims(claims, tenant)
    if settings.CRM_REALTIME_ACCEPT_TEST_TOKENS:
        return _from_test_token(token, tenant)
    return _authenticate_with_rest(tenant, HTTP_AUTHORIZATION=f"Bearer {token}")


def authenticate_api_key(api_key: str, api_secret: str, tenant) -> tuple[Any, list[str], datetime | None]:
    if not api_key or not api_secret:
        raise AuthenticationFailed("Both api_key and api_secret are required.")
    if tenant is None:
        raise AuthenticationFailed("Unknown tenant.", code="TENANT_NOT_FOUND")
    return _authenticate_with_rest(tenant, HTTP_X_API_KEY=api_key, HTTP_X_API_SECRET=api_secret)


def _authenticate_with_rest(tenant, **headers) -> tuple[Any, list[str], datetime | None]:
    """Runs DRF's configured authentication classes on a request carrying these credentials."""
    from rest_framework.exceptions import APIException
    from rest_framework.request import Request
    from rest_framework.settings import api_settings

    django_request = RequestFactory().get("/ws", **headers)
    django_request.tenant = tenant
    for authentication_class in api_settings.DEFAULT_AUTHENTICATION_CLASSES:
        authenticator = authentication_class()
        if authenticator.__class__.__name__ == "SessionAuthentication":
            continue  # a socket or stream opened with credentials never rides on a cookie here
        try:
            result = authenticator.authenticate(Request(django_request))
        except APIException as exc:
            raise AuthenticationFailed(str(exc.detail)) from None
        if result is None:
            continue
        user, auth = result
        grants = getattr(auth, "permissions", None)
        if grants is None:
            grants = user.permission_strings()
        expires_at = getattr(auth, "expires_at", None) or getattr(auth, "expires", None)
        return user, list(grants), expires_at if isinstance(expires_at, datetime) else None
    raise AuthenticationFailed("Invalid credentials.")

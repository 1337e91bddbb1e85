"""Who is on the other end of a /ws socket or an SSE stream.

ONE entry point for bearer tokens, `authenticate_token(token, tenant) -> (user, grants,
expires_at)`, and one for API keys, `authenticate_api_key(key, secret, tenant)`, used by both.
They run the REST API's own authentication classes (`REST_FRAMEWORK["DEFAULT_AUTHENTICATION_
CLASSES"]`: the identity module's RS256 JWT, the API keys) on the credentials, so a socket is
refused exactly when a REST call with the same credentials would be: expired, revoked, tampered,
other tenant, inactive user. The grants are the token's (or key's) effective permissions.
"""

from datetime import UTC, datetime
from typing import Any

from django.test import RequestFactory

# The design's `error_type` of a refused token, as /ws error codes.
_CODES = {
    "token_expired": "TOKEN_EXPIRED",
    "token_revoked": "TOKEN_REVOKED",
    "tenant_mismatch": "TENANT_MISMATCH",
}


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


def authenticate_token(token: str, tenant) -> tuple[Any, list[str], datetime | None]:
    """(user, permission strings, expiry) for an access token (raw JWT or `Bearer <jwt>`) of `tenant`.

    Runs in the tenant's schema (callers wrap it in `tenant_context`). Raises AuthenticationFailed.
    """
    token = _strip_bearer(token)
    if not token:
        raise AuthenticationFailed("A token is required.")
    if tenant is None:
        raise AuthenticationFailed("Unknown tenant.", code="TENANT_NOT_FOUND")
    return _authenticate_with_rest(tenant, HTTP_AUTHORIZATION=f"Bearer {token}")


def authenticate_api_key(api_key: str, api_secret: str, tenant) -> tuple[Any, list[str], datetime | None]:
    if not api_key or not api_secret:
        raise AuthenticationFailed("Both api_key and api_secret are required.")
    if tenant is None:
        raise AuthenticationFailed("Unknown tenant.", code="TENANT_NOT_FOUND")
    return _authenticate_with_rest(tenant, HTTP_X_API_KEY=api_key, HTTP_X_API_SECRET=api_secret)


def _expiry(auth: Any) -> datetime | None:
    claims = getattr(auth, "claims", None)
    if isinstance(claims, dict) and claims.get("exp"):
        return datetime.fromtimestamp(claims["exp"], tz=UTC)
    expires = getattr(getattr(auth, "api_key", None), "expires_at", None)
    return expires if isinstance(expires, datetime) else None


def _authenticate_with_rest(tenant, **headers) -> tuple[Any, list[str], datetime | None]:
    """Runs the configured DRF authentication classes on a request carrying these credentials."""
    from rest_framework.exceptions import APIException
    from rest_framework.request import Request
    from rest_framework.settings import api_settings

    django_request = RequestFactory().get("/ws", **headers)
    django_request.tenant = tenant
    for authentication_class in api_settings.DEFAULT_AUTHENTICATION_CLASSES:
        authenticator = authentication_class()
        if authenticator.__class__.__name__ == "SessionAuthentication":
            continue  # credentials were presented: a cookie plays no part
        try:
            result = authenticator.authenticate(Request(django_request))
        except APIException as exc:
            error_type = (getattr(exc, "details", None) or {}).get("error_type", "")
            raise AuthenticationFailed(str(exc.detail), code=_CODES.get(error_type, "UNAUTHORIZED")) from None
        if result is None:
            continue
        user, auth = result
        grants = getattr(auth, "permissions", None)
        if grants is None:
            grants = user.permission_strings()
        return user, list(grants), _expiry(auth)
    raise AuthenticationFailed("Invalid credentials.")

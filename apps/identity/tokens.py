"""RS256 JWT access and refresh tokens with the design's claims, and their verification.

DOT stores every token it issues (`AccessToken`, keyed by the SHA-256 of the token string); the
token string is the JWT made here. So the stored row is the JWT's `jti` record: revoking it on
`/oauth2/revoke` or logout deletes the row, and a JWT whose row is gone is refused as revoked.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import jwt
from django.conf import settings
from django.db import connection
from django.utils import timezone

from apps.core.ids import new_id
from apps.core.permissions import grants_within
from apps.identity.keys import signing_key, verification_keys
from apps.users.roles import ALL_PERMISSIONS

ALGORITHM = "RS256"
ACCESS_CLAIMS = (
    "iss",
    "sub",
    "aud",
    "exp",
    "iat",
    "jti",
    "scope",
    "tenant_id",
    "user_roles",
    "permissions",
    "user_info",
)


class TokenRefused(Exception):
    """A presented token that cannot be honoured; `error_type` is the design's."""

    def __init__(self, error_type: str, message: str, **details):
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.details = {"error_type": error_type, **details}


@dataclass
class TokenPrincipal:
    """What a verified bearer token grants: DRF puts it on `request.auth`."""

    claims: dict
    permissions: list[str] = field(default_factory=list)
    access_token_id: int | None = None
    application_id: int | None = None

    @property
    def jti(self) -> str:
        return self.claims["jti"]


def token_checksum(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _sign(claims: dict) -> str:
    kid, private_key = signing_key()
    return jwt.encode(claims, private_key, algorithm=ALGORITHM, headers={"kid": kid, "typ": "JWT"})


def _client_permissions(application) -> list[str]:
    from apps.identity.models import OAuthClientPermissions

    granted = OAuthClientPermissions.objects.filter(application=application).values_list("permissions", flat=True)
    return list(next(iter(granted), []))


def effective_permissions(*, user, application, scopes: list[str]) -> list[str]:
    """The caller's permissions inside the requested scopes (all of them when every scope was asked)."""
    grants = list(user.permission_strings()) if user is not None else _client_permissions(application)
    if set(ALL_PERMISSIONS) <= set(scopes):
        return grants
    return grants_within(grants, scopes)


def access_claims(*, user, application, scopes: list[str], lifetime: int | None = None) -> dict:
    now = int(timezone.now().timestamp())
    lifetime = lifetime or settings.OAUTH2_PROVIDER["ACCESS_TOKEN_EXPIRE_SECONDS"]
    if user is not None:
        subject = user.pk
        roles = user.role_names()
        info = {
            "email": user.email,
            "name": user.full_name,
            "department": user.department.name if user.department_id else None,
        }
    else:
        subject = f"client:{application.client_id}"
        roles = []
        info = {"email": None, "name": application.name or application.client_id, "department": None}
    return {
        "iss": settings.CRM_JWT_ISSUER,
        "sub": subject,
        "aud": settings.CRM_JWT_AUDIENCE,
        "exp": now + lifetime,
        "iat": now,
        "jti": new_id("jti"),
        "scope": " ".join(scopes),
        "tenant_id": connection.schema_name,
        "user_roles": roles,
        "permissions": effective_permissions(user=user, application=application, scopes=scopes),
        "user_info": info,
    }


def access_token_generator(request) -> str:
    """DOT's `ACCESS_TOKEN_GENERATOR`: called by oauthlib with its request (user, client, scopes)."""
    user = getattr(request, "user", None)
    if request.grant_type == "client_credentials":
        user = None
    claims = access_claims(user=user, application=request.client, scopes=list(request.scopes or []))
    return _sign(claims)


def refresh_token_generator(request) -> str:
    """DOT's `REFRESH_TOKEN_GENERATOR`: the design's refresh token claims."""
    now = int(timezone.now().timestamp())
    user = getattr(request, "user", None)
    return _sign(
        {
            "iss": settings.CRM_JWT_ISSUER,
            "sub": user.pk if user is not None else f"client:{request.client.client_id}",
            "aud": settings.CRM_JWT_AUDIENCE,
            "exp": now + settings.OAUTH2_PROVIDER["REFRESH_TOKEN_EXPIRE_SECONDS"],
            "iat": now,
            "jti": new_id("jti"),
            "token_type": "refresh",
            "tenant_id": connection.schema_name,
        }
    )


def access_token_issue(*, user, application=None, scopes: list[str] | None = None, lifetime: int | None = None) -> str:
    """Mints and stores an access token outside an OAuth flow (tests, server-side tooling)."""
    from oauth2_provider.models import get_access_token_model

    scopes = list(scopes) if scopes else list(ALL_PERMISSIONS)
    claims = access_claims(user=user, application=application, scopes=scopes, lifetime=lifetime)
    raw = _sign(claims)
    token = get_access_token_model()(
        user=user,
        application=application,
        scope=" ".join(scopes),
        expires=datetime.fromtimestamp(claims["exp"], UTC),
    )
    from oauth2_provider.models import set_token_value

    set_token_value(token, raw)
    token.save()
    return raw


def token_decode(raw: str) -> dict:
    """Checks signature, algorithm, expiry, issuer and audience. Raises `TokenRefused`."""
    try:
        header = jwt.get_unverified_header(raw)
    except jwt.InvalidTokenError:
        raise TokenRefused("token_invalid", "Invalid token") from None
    if header.get("alg") != ALGORITHM:
        raise TokenRefused("token_invalid", "Invalid token")
    keys = verification_keys()
    candidates = [keys[header["kid"]]] if header.get("kid") in keys else list(keys.values())
    last_error: Exception | None = None
    for candidate in candidates:
        try:
            return jwt.decode(
                raw,
                candidate.key,
                algorithms=[ALGORITHM],
                audience=settings.CRM_JWT_AUDIENCE,
                issuer=settings.CRM_JWT_ISSUER,
                options={"require": ["exp", "iat", "jti", "sub", "aud", "iss", "tenant_id"]},
                leeway=timedelta(seconds=5),
            )
        except jwt.ExpiredSignatureError:
            expired = jwt.decode(
                raw, candidate.key, algorithms=[ALGORITHM], options={"verify_exp": False, "verify_aud": False}
            )
            expires_at = datetime.fromtimestamp(expired["exp"], UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            raise TokenRefused("token_expired", "Invalid or expired token", expires_at=expires_at) from None
        except jwt.InvalidSignatureError as exc:
            last_error = exc
        except jwt.InvalidTokenError:
            raise TokenRefused("token_invalid", "Invalid token") from None
    raise TokenRefused("token_invalid", "Invalid token") from last_error


def token_verify(raw: str) -> tuple[dict, object]:
    """Decodes an access token of the active tenant and finds its stored record.

    Returns (claims, stored AccessToken). Raises `TokenRefused` for every refusal of the design.
    """
    from oauth2_provider.models import get_access_token_model

    claims = token_decode(raw)
    if claims.get("token_type") == "refresh":
        raise TokenRefused("token_invalid", "A refresh token cannot authorise a request")
    if claims["tenant_id"] != connection.schema_name:
        raise TokenRefused("tenant_mismatch", "The token belongs to another tenant")
    stored = (
        get_access_token_model()
        .objects.select_related("user", "application")
        .filter(token_checksum=token_checksum(raw))
        .first()
    )
    if stored is None:
        raise TokenRefused("token_revoked", "The token has been revoked")
    if stored.user_id is not None and not stored.user.is_active:
        raise TokenRefused("token_invalid", "The token's user is deactivated")
    return claims, stored

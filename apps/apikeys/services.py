"""API keys: create (key and secret shown once), authenticate, rotate, revoke.

The key is looked up by its SHA-256; the secret is kept as an HMAC (keyed by SECRET_KEY) and
compared in constant time. Both are high-entropy random strings, so a slow hash adds nothing.
"""

import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.apikeys.models import ApiKey
from apps.core.errors import ValidationFailed
from apps.core.permissions import grants_cover
from apps.security.choices import SecurityEventType
from apps.security.net import client_ip, ip_in
from apps.security.ratelimit import integration_default_tier
from apps.security.services import role_escalation_guard, security_config_get, security_event_record

KEY_PREFIX = "ak_live_"
SECRET_PREFIX = "sk_live_"


@dataclass
class IssuedKey:
    """A key with the credentials that are shown once, at creation or rotation."""

    api_key: ApiKey
    key: str
    secret: str


class ApiKeyRefused(Exception):
    def __init__(self, error_type: str, message: str):
        super().__init__(message)
        self.error_type = error_type
        self.message = message


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _secret_digest(secret: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), secret.encode(), hashlib.sha256).hexdigest()


def _new_credentials() -> tuple[str, str]:
    return KEY_PREFIX + secrets.token_hex(16), SECRET_PREFIX + secrets.token_hex(32)


def _check_cidrs(values: list[str]) -> list[str]:
    clean = []
    for index, value in enumerate(values):
        try:
            clean.append(str(ipaddress.ip_network(value.strip(), strict=False)))
        except ValueError:
            raise ValidationFailed({f"ip_whitelist[{index}]": f"'{value}' is not an IP address or CIDR range."})
    return clean


def api_key_create(
    *,
    request,
    creator,
    creator_grants: list[str],
    name: str,
    permissions: list[str],
    description: str = "",
    rate_limit_tier: str | None = None,
    expires_at: datetime | None = None,
    ip_whitelist: list[str] | None = None,
) -> IssuedKey:
    """Creates a key holding at most its creator's permissions (more is a recorded 403).

    Without a `rate_limit_tier`, the key gets api_integration, or its tenant plan's tier if higher.
    Not wrapped in a transaction of its own: a refused escalation must stay recorded.
    """
    role_escalation_guard(request=request, grants=creator_grants, requested=permissions, target="api_key")
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationFailed({"expires_at": "Must be in the future."})
    key, secret = _new_credentials()
    api_key = ApiKey.objects.create(
        name=name,
        description=description,
        key_digest=_digest(key),
        key_prefix=key[: len(KEY_PREFIX) + 6],
        secret_digest=_secret_digest(secret),
        permissions=list(dict.fromkeys(permissions)),
        rate_limit_tier=rate_limit_tier or integration_default_tier(),
        expires_at=expires_at,
        ip_whitelist=_check_cidrs(ip_whitelist or []),
        created_by=creator,
    )
    return IssuedKey(api_key=api_key, key=key, secret=secret)


@transaction.atomic
def api_key_rotate(*, api_key: ApiKey) -> IssuedKey:
    """New key and secret for the same grant; the old ones stop working at once."""
    key, secret = _new_credentials()
    api_key.key_digest = _digest(key)
    api_key.key_prefix = key[: len(KEY_PREFIX) + 6]
    api_key.secret_digest = _secret_digest(secret)
    api_key.rotated_at = timezone.now()
    api_key.rotation_reminded_at = None
    api_key.save(update_fields=["key_digest", "key_prefix", "secret_digest", "rotated_at", "rotation_reminded_at"])
    return IssuedKey(api_key=api_key, key=key, secret=secret)


def api_key_revoke(*, api_key: ApiKey) -> None:
    api_key.delete()


def api_key_rotation_due(api_key: ApiKey, *, rotation_days: int) -> bool:
    issued = api_key.rotated_at or api_key.created_at
    return issued <= timezone.now() - timedelta(days=rotation_days)


def _refuse(request, api_key: ApiKey | None, error_type: str, message: str) -> ApiKeyRefused:
    security_event_record(
        event_type=SecurityEventType.INVALID_API_KEY,
        request=request,
        actor_id=api_key.pk if api_key is not None else "",
        details={"error_type": error_type},
    )
    return ApiKeyRefused(error_type, message)


def api_key_authenticate(*, request, key: str, secret: str) -> tuple[ApiKey, list[str]]:
    """The key and the permissions it grants now (never more than its creator holds today)."""
    api_key = ApiKey.objects.select_related("created_by").filter(key_digest=_digest(key)).first()
    if api_key is None or not hmac.compare_digest(api_key.secret_digest, _secret_digest(secret)):
        raise _refuse(request, None, "api_key_invalid", "Invalid API key or secret")
    if not api_key.created_by.is_active:
        raise _refuse(request, api_key, "api_key_invalid", "The API key's owner is deactivated")
    if api_key.expires_at is not None and api_key.expires_at <= timezone.now():
        raise _refuse(request, api_key, "api_key_expired", "The API key has expired")
    config = security_config_get(request)["api_security"]
    if config["ip_whitelist_enabled"] and api_key.ip_whitelist:
        address = client_ip(request)
        if address is None or not ip_in(address, api_key.ip_whitelist):
            raise _refuse(request, api_key, "ip_not_allowed", "This API key may not be used from this address")
    now = timezone.now()
    changed = ["last_used_at"]
    api_key.last_used_at = now
    if api_key_rotation_due(api_key, rotation_days=config["api_key_rotation_days"]) and (
        api_key.rotation_reminded_at is None
    ):
        api_key.rotation_reminded_at = now
        changed.append("rotation_reminded_at")
        security_event_record(
            event_type=SecurityEventType.API_KEY_ROTATION_DUE,
            request=request,
            actor_id=api_key.pk,
            details={"api_key_id": api_key.pk, "rotation_days": config["api_key_rotation_days"]},
        )
    ApiKey.objects.filter(pk=api_key.pk).update(**{name: getattr(api_key, name) for name in changed})
    creator_grants = api_key.created_by.permission_strings()
    permissions = [grant for grant in api_key.permissions if not grants_cover(creator_grants, [grant])]
    return api_key, permissions

"""Security events, the tenant's security configuration, and the guards other modules call.

`security_event_record(...)` is the one way any module records a security event.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django_tenants.utils import get_public_schema_name

from apps.core.errors import Forbidden, ValidationFailed
from apps.core.permissions import grants_cover
from apps.security.choices import SecurityEventType
from apps.security.config import config_defaults, config_errors
from apps.security.models import SecurityConfig, SecurityEvent
from apps.security.net import client_ip

logger = logging.getLogger("crm.security")

_SENSITIVE_KEYS = ("password", "secret", "token", "authorization", "api_key", "code_verifier")


def _scrub(details: dict) -> dict:
    """Never let a credential reach the event log, whatever a caller passes."""
    clean = {}
    for key, value in details.items():
        if any(word in key.lower() for word in _SENSITIVE_KEYS):
            continue
        clean[key] = _scrub(value) if isinstance(value, dict) else value
    return clean


def _actor_of(request) -> str:
    user = getattr(request, "user", None) if request is not None else None
    if user is not None and getattr(user, "is_authenticated", False):
        return str(user.pk or user)
    return ""


def security_event_record(
    *,
    event_type: str,
    request=None,
    actor_id: str | None = None,
    details: dict | None = None,
) -> SecurityEvent | None:
    """Stores one event in the active tenant, with the request's IP, user agent and request id.

    Recording never breaks the caller: on the public schema, or if the database refuses, the event
    goes to the `crm.security` log instead.
    """
    details = _scrub(details or {})
    meta = getattr(request, "META", {}) if request is not None else {}
    fields = {
        "event_type": str(event_type),
        "actor_id": actor_id if actor_id is not None else _actor_of(request),
        "ip": client_ip(request) if request is not None else None,
        "user_agent": meta.get("HTTP_USER_AGENT", "")[:400],
        "request_id": getattr(request, "request_id", "") if request is not None else "",
        "details": details,
    }
    if connection.schema_name == get_public_schema_name():
        logger.info("security event on the public host: %s actor=%s", fields["event_type"], fields["actor_id"])
        return None
    try:
        with transaction.atomic():
            return SecurityEvent.objects.create(**fields)
    except Exception:  # the caller's answer matters more than the record
        logger.exception("could not record security event %s", fields["event_type"])
        return None


CONFIG_CACHE_SECONDS = 60


def cache_namespace() -> str:
    """The database's name: processes sharing one Redis but not one database (test workers) never
    see each other's counters or cached config. `CRM_CACHE_NAMESPACE_SUFFIX` narrows it further
    (each test gets its own, so counters never leak from one test into the next)."""
    suffix = getattr(settings, "CRM_CACHE_NAMESPACE_SUFFIX", "")
    return f"{connection.settings_dict.get('NAME', '')}{suffix}"


def _config_cache_key() -> str:
    return f"crm:security-config:{connection.settings_dict.get('NAME', '')}"


def _config_load() -> dict[str, dict]:
    """From the cache when possible (it is read on every request for the rate multiplier).

    Only committed facts are cached: "no row" (rows are never deleted), or a row read outside a
    transaction. A row still being written in an open transaction is read but not cached, so a
    rolled-back change never outlives its transaction.
    """
    cached = cache.get(_config_cache_key())
    if cached is not None:
        return cached
    config = config_defaults()
    stored = SecurityConfig.objects.filter(singleton=True).first()
    if stored is not None:
        for section in config:
            config[section].update(getattr(stored, section) or {})
    if stored is None or not connection.in_atomic_block:
        cache.set(_config_cache_key(), config, CONFIG_CACHE_SECONDS)
    return config


def security_config_get(request=None) -> dict[str, dict]:
    """The tenant's config, defaults filled in. Memoised on the request when one is given."""
    cached = getattr(request, "_crm_security_config", None) if request is not None else None
    if cached is not None:
        return cached
    if connection.schema_name == get_public_schema_name():
        return config_defaults()
    config = _config_load()
    if request is not None:
        request._crm_security_config = config
    return config


@transaction.atomic
def security_config_update(*, sections: dict) -> dict[str, dict]:
    """Changes the fields sent (partial), after checking every one of them."""
    errors = config_errors(sections)
    if errors:
        raise ValidationFailed(errors)
    stored, _ = SecurityConfig.objects.select_for_update().get_or_create(singleton=True)
    for section, values in sections.items():
        merged = dict(getattr(stored, section) or {})
        merged.update(values)
        setattr(stored, section, merged)
    stored.save()
    key = _config_cache_key()
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))
    return security_config_get()


def role_escalation_guard(*, request, grants: list[str], requested: list[str], target: str) -> None:
    """Refuses (403, recorded) handing out permissions the caller does not hold themselves."""
    exceeding = grants_cover(grants, requested)
    if not exceeding:
        return
    security_event_record(
        event_type=SecurityEventType.ROLE_ESCALATION_ATTEMPT,
        request=request,
        details={"target": target, "requested_permissions": sorted(set(requested)), "exceeding": exceeding},
    )
    raise Forbidden(
        "You cannot grant permissions you do not hold.",
        details={"required_permissions": exceeding, "user_permissions": sorted(grants)},
    )

"""The design's rate limits, counted with django-ratelimit in the Redis cache (shared by every process).

Each caller (user, API key, OAuth client, or IP when anonymous) has a tier with per-second burst,
per-minute, per-hour and per-day limits; some endpoints have their own per-minute limit on top.
The tenant's plan sets the tier of its users, anonymous callers and OAuth clients
(`plan_rate_tier`); an API key keeps the tier it was given. The tenant's `rate_limit_multiplier`
scales them all. Every API answer carries the
`X-RateLimit-*` headers of the window that matters (the endpoint's, else the minute); a caller
over any limit gets 429 with `Retry-After`.

Limits come from settings so tests can use small numbers: `CRM_RATE_LIMIT_TIERS`,
`CRM_RATE_LIMIT_ENDPOINTS` (a list of (path regex, per-minute limit)).
"""

import math
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django_ratelimit.core import get_usage
from rest_framework.exceptions import Throttled
from rest_framework.permissions import BasePermission

from apps.security.choices import RateLimitTier, SecurityEventType
from apps.security.net import client_ip
from apps.security.services import cache_namespace
from apps.tenants.choices import TenantPlan

DEFAULT_TIERS: dict[str, dict[str, int]] = {
    RateLimitTier.AUTHENTICATED_USER: {"minute": 1000, "hour": 10000, "day": 100000, "burst": 50},
    RateLimitTier.API_INTEGRATION: {"minute": 5000, "hour": 50000, "day": 500000, "burst": 100},
    RateLimitTier.PREMIUM_INTEGRATION: {"minute": 10000, "hour": 100000, "day": 1000000, "burst": 200},
}
DEFAULT_ENDPOINT_LIMITS: list[tuple[str, int]] = [
    (r"^/v1/contacts/search/?$", 100),
    (r"^/v1/deals/forecast/?$", 50),
    (r"^/v1/reports(/.*)?$", 20),
    (r"^/v1/export(/.*)?$", 10),
    (r"^/v1/bulk/[^/]+/export/?$", 10),
]
# Tiers from lowest to highest limits, and the tier each tenant plan gives its callers by default.
TIER_ORDER = [RateLimitTier.AUTHENTICATED_USER, RateLimitTier.API_INTEGRATION, RateLimitTier.PREMIUM_INTEGRATION]
PLAN_TIERS = {
    TenantPlan.STANDARD: RateLimitTier.AUTHENTICATED_USER,
    TenantPlan.INTEGRATION: RateLimitTier.API_INTEGRATION,
    TenantPlan.PREMIUM: RateLimitTier.PREMIUM_INTEGRATION,
}
WINDOWS = {"burst": (1, "1 second"), "minute": (60, "1 minute"), "hour": (3600, "1 hour"), "day": (86400, "1 day")}


@dataclass
class Window:
    name: str
    seconds: int
    label: str
    limit: int
    count: int = 0
    time_left: int = 0

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.count)

    @property
    def exceeded(self) -> bool:
        return self.count > self.limit

    def reset_at(self, now: int) -> int:
        return now + max(self.time_left, 1 if self.seconds == 1 else 0)


class RateLimited(Throttled):
    def __init__(self, window: Window):
        retry_after = max(1, window.time_left)
        super().__init__(wait=retry_after)
        self.details = {"limit": window.limit, "window": window.label, "retry_after": retry_after}


def tiers() -> dict[str, dict[str, int]]:
    return getattr(settings, "CRM_RATE_LIMIT_TIERS", None) or DEFAULT_TIERS


def endpoint_limit(path: str) -> tuple[str, int] | None:
    """(pattern, per-minute limit) of the expensive endpoint `path` is, if it is one."""
    for pattern, limit in getattr(settings, "CRM_RATE_LIMIT_ENDPOINTS", None) or DEFAULT_ENDPOINT_LIMITS:
        if re.match(pattern, path):
            return pattern, limit
    return None


def higher_tier(*names: str) -> str:
    """The tier with the highest limits among `names`."""
    return max(names, key=lambda name: TIER_ORDER.index(name) if name in TIER_ORDER else -1)


def plan_rate_tier(tenant=None) -> str:
    """The tier the plan of `tenant` (default: the connection's) gives its callers.

    The tenant is the row the routing middleware read for this very request, so an operator's
    plan change counts from the next request on; nothing is cached.
    """
    tenant = tenant if tenant is not None else getattr(connection, "tenant", None)
    return PLAN_TIERS.get(getattr(tenant, "plan", None), RateLimitTier.AUTHENTICATED_USER)


def integration_default_tier(tenant=None) -> str:
    """The tier of an integration (API key, OAuth client) that names none: at least api_integration."""
    return higher_tier(RateLimitTier.API_INTEGRATION, plan_rate_tier(tenant))


def caller_identity(request) -> tuple[str, str]:
    """(counter key, tier name) of the caller.

    An API key has the tier it was created with (explicit, so it wins over the plan); an OAuth
    client gets api_integration or its tenant plan's tier if higher; users and anonymous callers
    get their tenant plan's tier.
    """
    auth = getattr(request, "auth", None)
    api_key = getattr(auth, "api_key", None)
    if api_key is not None:
        return f"key:{api_key.pk}", api_key.rate_limit_tier
    user = getattr(request, "user", None)
    application = getattr(user, "application", None)  # a client_credentials caller
    if application is not None:
        return f"client:{application.pk}", integration_default_tier()
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}", plan_rate_tier()
    return f"ip:{client_ip(request)}", plan_rate_tier()


def _multiplier(request) -> float:
    from apps.security.services import security_config_get

    return float(security_config_get(request)["api_security"]["rate_limit_multiplier"])


def rate_limit_count(request) -> tuple[Window, Window | None]:
    """Counts this request in every window of the caller. Returns (window to report, exceeded one)."""
    key, tier_name = caller_identity(request)
    tier = tiers().get(tier_name) or tiers()[RateLimitTier.AUTHENTICATED_USER]
    multiplier = _multiplier(request)
    limits = [(name, tier[name]) for name in ("burst", "minute", "hour", "day") if tier.get(name)]
    special = endpoint_limit(request.path)
    if special is not None:
        limits.append(("endpoint", special[1]))
    windows = []
    for name, base in limits:
        seconds, label = WINDOWS["minute" if name == "endpoint" else name]
        window = Window(name, seconds, label, max(1, math.floor(base * multiplier)))
        scope = f"endpoint:{special[0]}" if name == "endpoint" and special else name
        group = f"crm:{cache_namespace()}:{scope}"
        usage = get_usage(
            request, group=group, key=lambda _group, _request: key, rate=(window.limit, seconds), increment=True
        )
        if usage is not None:
            window.count, window.time_left = usage["count"], max(0, usage["time_left"])
        windows.append(window)
    reported = next((w for w in windows if w.name == "endpoint"), None) or next(
        (w for w in windows if w.name == "minute"), windows[0]
    )
    exceeded = next((w for w in windows if w.exceeded), None)
    return reported, exceeded


def rate_limit_headers(window: Window) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(window.limit),
        "X-RateLimit-Remaining": str(window.remaining),
        "X-RateLimit-Reset": str(window.reset_at(int(time.time()))),
    }


class RateLimitGate(BasePermission):
    """Runs before the declared permission on every DRF view: counts, labels, refuses with 429."""

    def has_permission(self, request, view) -> bool:
        if getattr(request._request, "crm_rate_limit_headers", None) is not None:
            return True  # counted once per request, even if DRF asks twice
        reported, exceeded = rate_limit_count(request)
        headers = rate_limit_headers(exceeded or reported)
        request._request.crm_rate_limit_headers = headers
        if exceeded is None:
            return True
        retry_after = str(max(1, exceeded.time_left))
        headers.update({"Retry-After": retry_after, "X-RateLimit-Retry-After": retry_after})
        if exceeded.count == exceeded.limit + 1:  # recorded once per window, not once per refused call
            from apps.security.services import security_event_record

            security_event_record(
                event_type=SecurityEventType.RATE_LIMIT_EXCEEDED,
                request=request,
                details={"limit": exceeded.limit, "window": exceeded.label, "path": request.path},
            )
        raise RateLimited(exceeded)


class RateLimitHeadersMiddleware:
    """Copies the rate-limit headers computed for the request onto its response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        for name, value in (getattr(request, "crm_rate_limit_headers", None) or {}).items():
            response[name] = value
        return response

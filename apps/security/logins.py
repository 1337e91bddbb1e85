"""Sign-in: failed attempts counted per email (django-ratelimit, Redis), lockout after too many,
every success, failure, lockout and logout recorded; sessions bounded by the tenant's config."""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import connection
from django_ratelimit.core import get_usage
from django_tenants.utils import get_public_schema_name

from apps.security.choices import SecurityEventType
from apps.security.services import cache_namespace, security_config_get, security_event_record


def _lockout_settings() -> tuple[int, int]:
    return (
        int(getattr(settings, "CRM_LOGIN_MAX_FAILURES", 5)),
        int(getattr(settings, "CRM_LOGIN_LOCKOUT_SECONDS", 900)),
    )


def _failures(request, email: str, *, increment: bool) -> int:
    limit, seconds = _lockout_settings()
    usage = get_usage(
        request,
        group=f"crm:{cache_namespace()}:login-failures",
        key=lambda _group, _request: email.strip().lower(),
        rate=(limit, seconds),
        increment=increment,
    )
    return usage["count"] if usage else 0


def login_locked(request, email: str) -> bool:
    return bool(email) and _failures(request, email, increment=False) >= _lockout_settings()[0]


class LockoutModelBackend(ModelBackend):
    """Refuses every attempt on an email that failed too often recently, even with the right password."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        email = username or kwargs.get("email") or ""
        if request is not None and login_locked(request, email):
            raise PermissionDenied("Too many failed sign-in attempts; try again later.")
        return super().authenticate(request, username=username, password=password, **kwargs)


def _in_tenant() -> bool:
    """Operators sign in on the public schema, which has no tenant security tables."""
    return connection.schema_name != get_public_schema_name()


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    if request is None or not _in_tenant():
        return
    email = str(credentials.get("username") or credentials.get("email") or "")
    failures = _failures(request, email, increment=True) if email else 0
    limit, seconds = _lockout_settings()
    security_event_record(
        event_type=SecurityEventType.LOGIN_FAILURE, request=request, details={"email": email, "failures": failures}
    )
    if failures == limit:
        security_event_record(
            event_type=SecurityEventType.LOGIN_LOCKOUT,
            request=request,
            details={"email": email, "failures": failures, "lockout_seconds": seconds},
        )


def _web_sessions_trim(request, user, keep: int) -> None:
    """Ends the oldest of the user's browser sessions beyond the allowed number."""
    from apps.security.models import UserSession

    key = request.session.session_key
    if key:
        UserSession.objects.get_or_create(user=user, session_key=key)
    stale = list(UserSession.objects.filter(user=user).order_by("-created_at", "-id")[keep:])
    if stale:
        Session.objects.filter(session_key__in=[s.session_key for s in stale]).delete()
        UserSession.objects.filter(pk__in=[s.pk for s in stale]).delete()


def on_logged_in(sender, request, user, **kwargs) -> None:
    if request is None or not _in_tenant():
        return
    config = security_config_get()["session_config"]
    if hasattr(request, "session"):
        request.session.set_expiry(config["timeout_minutes"] * 60)
        request.session.save()
        _web_sessions_trim(request, user, config["concurrent_sessions"])
    security_event_record(event_type=SecurityEventType.LOGIN_SUCCESS, request=request, actor_id=user.pk)


def on_logged_out(sender, request, user, **kwargs) -> None:
    if user is not None and _in_tenant():
        security_event_record(
            event_type=SecurityEventType.LOGOUT, request=request, actor_id=user.pk, details={"kind": "session"}
        )

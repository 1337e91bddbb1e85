"""Security events and the tenant's security configuration, in the tenant's own schema."""

from django.db import models

from apps.core.ids import PrefixedIdField
from apps.security.choices import SecurityEventType


class SecurityEvent(models.Model):
    """One security-relevant moment: who (actor), from where (ip, user agent), which request."""

    id = PrefixedIdField(prefix="sev")
    event_type = models.CharField(max_length=40, choices=SecurityEventType.choices, db_index=True)
    actor_id = models.CharField(max_length=80, blank=True, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    request_id = models.CharField(max_length=128, blank=True)
    timestamp = models.DateTimeField(auto_now_add=True, db_index=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-timestamp", "-id"]

    def __str__(self) -> str:
        return f"{self.event_type} {self.actor_id}"


class SecurityConfig(models.Model):
    """The tenant's security settings (one row per tenant schema), the design's JSON sections."""

    singleton = models.BooleanField(default=True, unique=True)
    password_policy = models.JSONField(default=dict)
    session_config = models.JSONField(default=dict)
    api_security = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return "security config"


class UserSession(models.Model):
    """A browser session of a user, so concurrent sessions can be counted and the oldest ended."""

    user = models.ForeignKey("users.User", on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.session_key[:6]

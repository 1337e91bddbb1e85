"""API keys for integrations: the key names the caller, the secret proves it (stored hashed)."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from apps.core.ids import PrefixedIdField
from apps.security.choices import RateLimitTier


class ApiKey(models.Model):
    id = PrefixedIdField(prefix="key")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    key_digest = models.CharField(max_length=64, unique=True)  # SHA-256 of the `ak_live_...` key
    key_prefix = models.CharField(max_length=20)  # shown in lists so people can tell keys apart
    secret_digest = models.CharField(max_length=64)  # HMAC-SHA256 of the `sk_live_...` secret
    permissions = ArrayField(models.CharField(max_length=100), default=list)
    rate_limit_tier = models.CharField(
        max_length=32, choices=RateLimitTier.choices, default=RateLimitTier.API_INTEGRATION
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    ip_whitelist = ArrayField(models.CharField(max_length=64), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys")
    created_at = models.DateTimeField(auto_now_add=True)
    rotated_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    rotation_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

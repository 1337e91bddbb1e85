from django.utils import timezone
from rest_framework import serializers

from apps.apikeys.services import api_key_rotation_due
from apps.core.api.serializers import StrictSerializer
from apps.security.choices import RateLimitTier
from apps.users.api.serializers import _check_permission_strings


class ApiKeyCreateSerializer(StrictSerializer):
    """The design's create body."""

    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    permissions = serializers.ListField(child=serializers.CharField(max_length=100), allow_empty=False)
    # Left out: api_integration, or the tenant plan's tier if higher (apps.apikeys.services).
    rate_limit_tier = serializers.ChoiceField(choices=RateLimitTier.choices, required=False)
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    ip_whitelist = serializers.ListField(child=serializers.CharField(max_length=64), required=False, default=list)

    def validate_permissions(self, value: list[str]) -> list[str]:
        return _check_permission_strings(value)


class ApiKeySerializer(serializers.Serializer):
    """A stored key: never its key or secret (only the first characters of the key)."""

    id = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    key_prefix = serializers.CharField(read_only=True)
    permissions = serializers.ListField(child=serializers.CharField(), read_only=True)
    rate_limit_tier = serializers.CharField(read_only=True)
    ip_whitelist = serializers.ListField(child=serializers.CharField(), read_only=True)
    created_by = serializers.CharField(source="created_by_id", read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    expires_at = serializers.DateTimeField(read_only=True)
    rotated_at = serializers.DateTimeField(read_only=True)
    last_used_at = serializers.DateTimeField(read_only=True)
    expired = serializers.SerializerMethodField()
    rotation_due = serializers.SerializerMethodField()

    def get_expired(self, api_key) -> bool:
        return api_key.expires_at is not None and api_key.expires_at <= timezone.now()

    def get_rotation_due(self, api_key) -> bool:
        return api_key_rotation_due(api_key, rotation_days=self.context["rotation_days"])


def issued_key_data(issued) -> dict:
    """The design's create (and rotate) response: the only time key and secret are shown."""
    api_key = issued.api_key
    field = serializers.DateTimeField()
    return {
        "id": api_key.pk,
        "name": api_key.name,
        "api_key": issued.key,
        "api_secret": issued.secret,
        "permissions": api_key.permissions,
        "rate_limit_tier": api_key.rate_limit_tier,
        "created_at": field.to_representation(api_key.created_at),
        "expires_at": field.to_representation(api_key.expires_at) if api_key.expires_at else None,
    }

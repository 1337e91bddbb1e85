from rest_framework import serializers

from apps.security.models import SecurityEvent


class SecurityEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = SecurityEvent
        fields = ["id", "event_type", "actor_id", "ip", "user_agent", "request_id", "timestamp", "details"]
        read_only_fields = fields


class SecurityConfigSerializer(serializers.Serializer):
    """`{"tenant_id": ..., "security_config": {...}}`; a PUT may send any part of `security_config`."""

    tenant_id = serializers.CharField(required=False)  # read-only: the request's tenant is the one changed
    security_config = serializers.DictField()

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - {"tenant_id", "security_config"})
            if unknown:
                raise serializers.ValidationError({name: "Unknown field." for name in unknown})
        return super().to_internal_value(data)

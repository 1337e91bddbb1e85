"""Serializer plumbing shared by every module: unknown fields refused, partial writes."""

from rest_framework import serializers


class StrictFieldsMixin:
    """Refuses request keys the serializer doesn't know, instead of silently ignoring them."""

    def to_internal_value(self, data):
        unknown: dict[str, str] = {}
        if isinstance(data, dict):
            known = {name for name, field in self.fields.items() if not field.read_only}
            unknown = {name: "Unknown field." for name in sorted(set(data) - known)}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if unknown and isinstance(exc.detail, dict):  # one error per bad field, unknown ones too
                raise serializers.ValidationError({**exc.detail, **unknown}) from None
            raise
        if unknown:
            raise serializers.ValidationError(unknown)
        return value


class StrictSerializer(StrictFieldsMixin, serializers.Serializer):
    pass


class StrictModelSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    pass

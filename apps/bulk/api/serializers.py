"""Bulk request bodies, snake_case as the design writes them."""

from rest_framework import serializers

from apps.bulk.choices import DeliveryMethod, ExportFormat, ValidationLevel
from apps.core.api.serializers import StrictSerializer


class ImportOptionsSerializer(StrictSerializer):
    update_existing = serializers.BooleanField(required=False, default=False)
    skip_duplicates = serializers.BooleanField(required=False, default=False)
    validation_level = serializers.ChoiceField(
        choices=ValidationLevel.choices, required=False, default=ValidationLevel.STRICT
    )


class UploadOptionsSerializer(ImportOptionsSerializer):
    """Options of a CSV/XLSX upload: the import options plus how to read the file."""

    field_mapping = serializers.JSONField(required=False)
    encoding = serializers.CharField(required=False, default="utf-8", max_length=40)
    delimiter = serializers.ChoiceField(choices=[",", ";", "\t", "|"], required=False)


class DeliverySerializer(StrictSerializer):
    method = serializers.ChoiceField(choices=DeliveryMethod.choices, required=False, default=DeliveryMethod.DOWNLOAD)
    webhook_url = serializers.URLField(required=False, allow_null=True, max_length=2000)

    def validate(self, attrs):
        if attrs.get("method") == DeliveryMethod.WEBHOOK and not attrs.get("webhook_url"):
            raise serializers.ValidationError({"webhook_url": "A webhook delivery needs 'webhook_url'."})
        return attrs


class ExportRequestSerializer(StrictSerializer):
    export_format = serializers.ChoiceField(choices=ExportFormat.choices, required=False, default=ExportFormat.CSV)
    filters = serializers.DictField(required=False, default=dict)
    fields = serializers.ListField(child=serializers.CharField(max_length=200), required=False, max_length=200)
    delivery = DeliverySerializer(required=False)

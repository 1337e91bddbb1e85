from rest_framework import serializers

from apps.core.api.serializers import StrictModelSerializer
from apps.core.choices import CustomFieldType
from apps.core.models import CustomFieldDefinition


class CustomFieldDefinitionSerializer(StrictModelSerializer):
    type = serializers.ChoiceField(source="field_type", choices=CustomFieldType.choices, default="text")
    createdAt = serializers.DateTimeField(source="created_at", read_only=True)
    updatedAt = serializers.DateTimeField(source="updated_at", read_only=True)

    class Meta:
        model = CustomFieldDefinition
        fields = ["id", "entity", "name", "label", "type", "required", "choices", "createdAt", "updatedAt"]

    def validate_name(self, value: str) -> str:
        if not value.replace("_", "").isalnum() or not value[0].isalpha():
            raise serializers.ValidationError("Use letters, digits and underscores, starting with a letter.")
        return value

    def validate(self, attrs: dict) -> dict:
        field_type = attrs.get("field_type", getattr(self.instance, "field_type", "text"))
        choices = attrs.get("choices", getattr(self.instance, "choices", []))
        if field_type == "choice" and not choices:
            raise serializers.ValidationError({"choices": "A choice field needs at least one choice."})
        if not isinstance(choices, list):
            raise serializers.ValidationError({"choices": "choices must be a list."})
        return attrs

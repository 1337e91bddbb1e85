"""Custom field values checked against the tenant's definitions: the one place that validates them."""

from datetime import date
from typing import Any

from apps.core.errors import ValidationFailed
from apps.core.models import CustomFieldDefinition


def _clean_value(definition: CustomFieldDefinition, value: Any) -> tuple[Any, str | None]:
    kind = definition.field_type
    if value is None:
        return None, None
    if kind == "text":
        return (value, None) if isinstance(value, str) else (None, "must be a string")
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None, "must be a number"
        return value, None
    if kind == "bool":
        return (value, None) if isinstance(value, bool) else (None, "must be true or false")
    if kind == "date":
        try:
            return date.fromisoformat(str(value)[:10]).isoformat(), None
        except ValueError:
            return None, "must be a date (YYYY-MM-DD)"
    if kind == "choice":
        if value not in definition.choices:
            return None, f"must be one of: {', '.join(map(str, definition.choices))}"
        return value, None
    return value, None


def custom_field_definitions(entity: str) -> dict[str, CustomFieldDefinition]:
    return {d.name: d for d in CustomFieldDefinition.objects.filter(entity=entity)}


def custom_fields_clean(
    *,
    entity: str,
    values: Any,
    existing: dict | None = None,
    partial: bool = False,
    definitions: dict[str, CustomFieldDefinition] | None = None,
) -> dict[str, Any]:
    """The merged, validated custom field dict for a record, or VALIDATION_ERROR per bad field.

    `partial` writes (PATCH/PUT) merge into `existing`; a key sent as null removes the value.
    Callers cleaning many records at once (bulk imports) pass `definitions` loaded once.
    """
    if values is None:
        values = {}
    if not isinstance(values, dict):
        raise ValidationFailed({"customFields": "customFields must be an object."})
    if definitions is None:
        definitions = custom_field_definitions(entity)
    errors: dict[str, str] = {}
    merged = dict(existing or {}) if partial else {}
    for name, raw in values.items():
        definition = definitions.get(name)
        if definition is None:
            errors[f"customFields.{name}"] = f"Unknown custom field '{name}' for {entity}s."
            continue
        value, problem = _clean_value(definition, raw)
        if problem:
            errors[f"customFields.{name}"] = f"'{name}' {problem}."
        elif value is None:
            merged.pop(name, None)
        else:
            merged[name] = value
    for name, definition in definitions.items():
        if definition.required and merged.get(name) in (None, "") and f"customFields.{name}" not in errors:
            errors[f"customFields.{name}"] = f"'{name}' is required."
    if errors:
        raise ValidationFailed(errors)
    return merged


def custom_field_define(
    *,
    entity: str,
    name: str,
    field_type: str = "text",
    label: str = "",
    required: bool = False,
    choices: list | None = None,
) -> CustomFieldDefinition:
    """Creates a definition, or returns the existing one of that name (provisioning is idempotent)."""
    if field_type == "choice" and not choices:
        raise ValidationFailed({"choices": "A choice field needs at least one choice."})
    definition, _ = CustomFieldDefinition.objects.get_or_create(
        entity=entity,
        name=name,
        defaults={"field_type": field_type, "label": label or name, "required": required, "choices": choices or []},
    )
    return definition

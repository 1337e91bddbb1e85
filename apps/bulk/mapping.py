"""`field_mapping`: which source column feeds which of our fields.

The design writes it as `{"email": "email_address"}` (our field: the source column), and people
also write it the other way round (`{"Industry": "customFields.industry"}`): each pair is read in
whichever direction names one of our fields. Columns left out of the mapping land in the field
of the same name when there is one (`firstName`, `first_name`), and are ignored otherwise.
"""

from typing import Any

from apps.bulk.resources import ResourceSpec
from apps.core.errors import ValidationFailed


def mapping_resolve(*, spec: ResourceSpec, field_mapping: Any) -> dict[str, str]:
    """Source column -> canonical target name, or VALIDATION_ERROR per unusable pair."""
    if field_mapping in (None, ""):
        return {}
    if not isinstance(field_mapping, dict):
        raise ValidationFailed({"field_mapping": "'field_mapping' must be an object."})
    resolved: dict[str, str] = {}
    errors: dict[str, str] = {}
    for key, value in field_mapping.items():
        if not isinstance(value, str) or not value.strip():
            errors[f"field_mapping.{key}"] = "Each mapping names a column: a non-empty string."
            continue
        ours_key, ours_value = spec.target(key), spec.target(value)
        if ours_key:  # the design's direction: our field -> source column
            resolved[value] = ours_key
        elif ours_value:
            resolved[key] = ours_value
        else:
            errors[f"field_mapping.{key}"] = f"Neither '{key}' nor '{value}' is a field of {spec.resource}."
    if errors:
        raise ValidationFailed(errors)
    return resolved


def row_map(*, spec: ResourceSpec, mapping: dict[str, str], row: dict[str, Any], cache: dict) -> dict[str, Any]:
    """A source row keyed by our target names. `cache` remembers each column's target."""
    mapped: dict[str, Any] = {}
    explicit: dict[str, Any] = {}
    for column, value in row.items():
        if column in mapping:
            explicit[mapping[column]] = value
            continue
        if column not in cache:
            cache[column] = spec.target(column) if isinstance(column, str) else None
        target = cache[column]
        if target:
            mapped[target] = value
    mapped.update(explicit)
    return mapped

"""Records as the API names them (`{"firstName": ..., "customFields": {...}}`), built from model
values: the payload of the events a bulk import emits and the source of its history rows."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from apps.bulk.resources import ResourceSpec


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if value.utcoffset() is not None else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(item) for item in value]
    return value


def snapshot_of(spec: ResourceSpec, values: dict[str, Any]) -> dict[str, Any]:
    """`values` holds model attnames (a create row, or a model instance's `__dict__`)."""
    snapshot = {"id": values["id"]}
    for field in spec.fields:
        snapshot[field.name] = jsonable(values.get(field.column))
    if spec.has_address:
        snapshot["address"] = jsonable(dict(values.get("address") or {}))
    snapshot["ownerId"] = values.get("owner_id")
    snapshot["createdAt"] = jsonable(values.get("created_at"))
    snapshot["updatedAt"] = jsonable(values.get("updated_at"))
    snapshot["customFields"] = jsonable(dict(values.get("custom_fields") or {}))
    return snapshot


def snapshot_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """`{"email": {"old": ..., "new": ...}}` for every field (custom fields one by one) that changed."""

    def flat(snapshot: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in snapshot.items() if k not in ("customFields", "id", "createdAt", "updatedAt")}
        out.update({f"customFields.{k}": v for k, v in (snapshot.get("customFields") or {}).items()})
        return out

    old, new = flat(before), flat(after)
    return {
        name: {"old": old.get(name), "new": new.get(name)}
        for name in sorted(set(old) | set(new))
        if old.get(name) != new.get(name)
    }

"""Plumbing every CRM record's services share: API-named snapshots, their diffs, and owners.

A snapshot is the record as the API names it (`{"firstName": ..., "customFields": {...}}`): it is
the payload of the record's events and the source of its field-level history.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from apps.core.errors import Forbidden, ValidationFailed

ALWAYS = {"id": "id", "ownerId": "owner_id", "createdAt": "created_at", "updatedAt": "updated_at"}
UNTRACKED = {"id", "createdAt", "updatedAt"}


def jsonable(value: Any) -> Any:
    if value is None or type(value) in (str, int, bool, float):  # most values: nothing to convert
        return value
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


def record_snapshot(record, fields: dict[str, str]) -> dict[str, Any]:
    """`fields` maps API names to model attnames (`{"accountId": "account_id"}`)."""
    snapshot = {name: jsonable(getattr(record, attname)) for name, attname in {**ALWAYS, **fields}.items()}
    snapshot["customFields"] = jsonable(dict(record.custom_fields or {}))
    return snapshot


def _flat(snapshot: dict[str, Any]) -> dict[str, Any]:
    flat = {key: value for key, value in snapshot.items() if key != "customFields" and key not in UNTRACKED}
    for key, value in (snapshot.get("customFields") or {}).items():
        flat[f"customFields.{key}"] = value
    return flat


def snapshot_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """`{"email": {"old": ..., "new": ...}}` for every field (custom fields one by one) that changed."""
    old, new = _flat(before), _flat(after)
    return {
        name: {"old": old.get(name), "new": new.get(name)}
        for name in sorted(set(old) | set(new))
        if old.get(name) != new.get(name)
    }


def owner_resolve(*, owner_id: str | None, actor, current_owner_id: str | None = None, can_reassign: bool):
    """The owner a write ends with. `ownerId` defaults to the caller on create; giving a record to
    someone else (on create or by changing `ownerId`) needs `records:reassign` or tenant scope."""
    from apps.users.models import User

    creating = current_owner_id is None
    if not owner_id:
        if creating:
            return actor if getattr(actor, "pk", None) else None
        owner_id = current_owner_id
    if owner_id == current_owner_id or (creating and owner_id == getattr(actor, "pk", None)):
        return User.objects.filter(pk=owner_id).first()
    owner = User.objects.filter(pk=owner_id, is_active=True).first()
    if owner is None:
        raise ValidationFailed({"ownerId": f"No active user '{owner_id}'."})
    if not can_reassign:
        raise Forbidden(
            "Changing a record's owner needs the 'records:reassign' permission.",
            details={"required_permissions": ["records:reassign"]},
        )
    return owner

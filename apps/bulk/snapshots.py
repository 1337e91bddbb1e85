"""Records as the API names them, built by the records' own snapshot functions (the payload of the
events a bulk import emits and the source of its history rows), from a create row's values or
from a loaded record."""

from types import SimpleNamespace
from typing import Any

from apps.bulk.resources import ResourceSpec
from apps.history.records import record_snapshot


def snapshot_fields(spec: ResourceSpec) -> dict[str, str]:
    """API name -> attname, exactly as the resource's services snapshot it."""
    if spec.record_type == "contact":
        from apps.contacts.services import CONTACT_FIELDS

        return CONTACT_FIELDS
    if spec.record_type == "account":
        from apps.accounts.services import ACCOUNT_FIELDS

        return ACCOUNT_FIELDS
    if spec.record_type == "lead":
        from apps.leads.services import LEAD_FIELDS

        return LEAD_FIELDS
    from apps.deals.services import DEAL_HISTORY_FIELDS

    return DEAL_HISTORY_FIELDS


def snapshot_of(spec: ResourceSpec, values: dict[str, Any]) -> dict[str, Any]:
    """`values` holds model attnames (a create row, or a model instance's `__dict__`)."""
    fields = snapshot_fields(spec)
    record = SimpleNamespace(**{attname: values.get(attname) for attname in fields.values()})
    for attname in ("id", "owner_id", "created_at", "updated_at", "custom_fields"):
        setattr(record, attname, values.get(attname))
    return record_snapshot(record, fields)

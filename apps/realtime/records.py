"""May this caller follow this record? (a /ws subscription filtered on one record id)"""

from apps.core.scoping import record_in_scope

_MODELS = {
    "deals": ("apps.deals.models", "Deal"),
    "contacts": ("apps.contacts.models", "Contact"),
    "leads": ("apps.leads.models", "Lead"),
    "accounts": ("apps.accounts.models", "Account"),
    "pipelines": ("apps.pipelines.models", "Pipeline"),
}
_ACTIVITY_PREFIXES = {"task": "Task", "event": "Event", "comm": "Communication"}


def _model(channel: str, record_id: str):
    import importlib

    if channel == "activities":
        name = _ACTIVITY_PREFIXES.get(record_id.split("_", 1)[0])
        return getattr(importlib.import_module("apps.activities.models"), name) if name else None
    module, name = _MODELS[channel]
    return getattr(importlib.import_module(module), name)


def record_check(channel: str, record_id: str, user, scope: str) -> tuple[str, str] | None:
    """None when allowed, else (error code, message): NOT_FOUND or FORBIDDEN."""
    model = _model(channel, record_id)
    record = model.objects.filter(pk=record_id).first() if model is not None else None
    if record is None:
        return "NOT_FOUND", f"No {channel[:-1]} '{record_id}'."
    if hasattr(record, "owner_id") and not record_in_scope(record, user, scope):
        return "FORBIDDEN", f"You may not read {channel[:-1]} '{record_id}'."
    return None

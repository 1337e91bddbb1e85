"""History and trash, shared by every CRM record type (contacts, accounts, leads, deals).

Services call these inside their own transaction with the record's snapshots before and after
the change; the history rows commit or roll back with the change itself.
"""

from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from apps.core.errors import NotFound
from apps.history.choices import HistoryAction
from apps.history.models import DEFAULT_TRASH_RETENTION_DAYS, RecordHistory, TrashPolicy
from apps.history.records import snapshot_changes


def record_type_of(record) -> str:
    return str(record.pk).split("_", 1)[0]


def _actor(actor):
    return actor if getattr(actor, "pk", None) else None


def history_action(*, record, action: str, actor, data: Any = None, at: datetime | None = None) -> None:
    """A lifecycle entry (created, deleted, restored, merged, unmerged) with optional data."""
    RecordHistory.objects.create(
        record_type=record_type_of(record),
        record_id=record.pk,
        action=action,
        new=data,
        actor=_actor(actor),
        at=at or timezone.now(),
    )


def history_changes(
    *, record, before: dict, after: dict, actor, action: str = HistoryAction.UPDATED
) -> dict[str, dict[str, Any]]:
    """Writes one history row per changed field and answers the changes (`{field: {old, new}}`)."""
    changes = snapshot_changes(before, after)
    now = timezone.now()
    RecordHistory.objects.bulk_create(
        RecordHistory(
            record_type=record_type_of(record),
            record_id=record.pk,
            action=action,
            field=field,
            old=change["old"],
            new=change["new"],
            actor=_actor(actor),
            at=now,
        )
        for field, change in changes.items()
    )
    return changes


def history_of(record_id: str) -> QuerySet[RecordHistory]:
    return RecordHistory.objects.filter(record_id=record_id).select_related("actor").order_by("-at", "-id")


def record_as_of(*, record, representation: dict, as_of: datetime) -> dict:
    """The record's API representation as it was at `as_of`: later changes are undone one by one."""
    if record.created_at > as_of:
        raise NotFound(f"{record.pk} did not exist at {as_of.isoformat()}.")
    state = dict(representation)
    state["customFields"] = dict(state.get("customFields") or {})
    later = RecordHistory.objects.filter(record_id=record.pk, at__gt=as_of).exclude(field="").order_by("-at", "-id")
    for entry in later:
        if entry.field.startswith("customFields."):
            key = entry.field.split(".", 1)[1]
            if entry.old is None:
                state["customFields"].pop(key, None)
            else:
                state["customFields"][key] = entry.old
        elif entry.field in state:
            state[entry.field] = entry.old
    last = RecordHistory.objects.filter(record_id=record.pk, at__lte=as_of).order_by("-at").first()
    if last is not None and "updatedAt" in state:
        state["updatedAt"] = last.at.strftime("%Y-%m-%dT%H:%M:%SZ")
    return state


def trash_retention_days() -> int:
    policy = TrashPolicy.objects.order_by("pk").first()
    return policy.retention_days if policy else DEFAULT_TRASH_RETENTION_DAYS


def record_trash(*, record, actor, action: str = HistoryAction.DELETED, data: Any = None) -> None:
    """Moves a record to the trash; its links stay, so a restore brings it back whole."""
    record.deleted_at = timezone.now()
    record.save(update_fields=["deleted_at", "updated_at"])
    history_action(record=record, action=action, actor=actor, data=data)


def record_restorable(record) -> bool:
    if record.deleted_at is None:
        return False
    return record.deleted_at >= timezone.now() - timedelta(days=trash_retention_days())


def record_restore(*, record, actor) -> None:
    """Brings a trashed record back, within the tenant's retention period (else 404: it is gone)."""
    if not record_restorable(record):
        raise NotFound(f"{record.pk} is not in the trash, or its retention period has passed.")
    record.deleted_at = None
    record.save(update_fields=["deleted_at", "updated_at"])
    history_action(record=record, action=HistoryAction.RESTORED, actor=actor)


def trash_purge(*, models: list) -> int:
    """Deletes for good what has sat in the trash longer than the retention period."""
    cutoff = timezone.now() - timedelta(days=trash_retention_days())
    purged = 0
    for model in models:
        purged += model.all_objects.filter(deleted_at__lt=cutoff).delete()[0]
    return purged

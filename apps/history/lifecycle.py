"""The lifecycle steps every CRM record's services share: history rows and the event, written
in the caller's transaction. Event data is `{"<type>": snapshot}` plus, for updates,
`"changes": {"field": {"old": ..., "new": ...}}`."""

from collections.abc import Callable
from typing import Any

from apps.events.services import event_emit
from apps.history.choices import HistoryAction
from apps.history.services import history_action, history_changes, record_restore, record_trash, record_type_of


def _emit(event_type, *, record, data: dict, actor) -> None:
    event_emit(event_type, data=data, record_id=record.pk, owner_id=record.owner_id, actor=actor)


def record_created(*, record, snapshot: dict, event_type, actor) -> None:
    history_action(record=record, action=HistoryAction.CREATED, actor=actor, data=snapshot)
    _emit(event_type, record=record, data={record_type_of(record): snapshot}, actor=actor)


def record_changed(
    *,
    record,
    before: dict,
    after: dict,
    event_type,
    actor,
    action: str = HistoryAction.UPDATED,
    extra: dict | None = None,
) -> dict[str, dict[str, Any]]:
    """History rows for what changed and, if anything did, the update event. Answers the changes."""
    changes = history_changes(record=record, before=before, after=after, actor=actor, action=action)
    if changes or extra:
        data = {record_type_of(record): after, "changes": changes, **(extra or {})}
        _emit(event_type, record=record, data=data, actor=actor)
    return changes


def record_deleted(*, record, snapshot: Callable[[Any], dict], event_type, actor) -> None:
    record_trash(record=record, actor=actor)
    _emit(event_type, record=record, data={record_type_of(record): snapshot(record), "deleted": True}, actor=actor)


def record_restored(*, record, snapshot: Callable[[Any], dict], event_type, actor) -> None:
    record_restore(record=record, actor=actor)
    data = {record_type_of(record): snapshot(record), "changes": {"deletedAt": {"old": "trashed", "new": None}}}
    _emit(event_type, record=record, data=data, actor=actor)


def records_merged_events(*, survivor, merged: list, merge, changes: dict, snapshot, updated, deleted, actor) -> None:
    kind = record_type_of(survivor)
    for record in merged:
        _emit(deleted, record=record, data={kind: snapshot(record), "mergedInto": survivor.pk}, actor=actor)
    data = {kind: snapshot(survivor), "changes": changes, "mergeId": merge.pk}
    _emit(updated, record=survivor, data=data, actor=actor)


def record_unmerged_event(*, survivor, merge, changes: dict, snapshot, updated, actor) -> None:
    """The survivor's update after `records_unmerge`, naming the records that came back."""
    data = {record_type_of(survivor): snapshot(survivor), "changes": changes, "unmergedIds": merge.merged_ids}
    _emit(updated, record=survivor, data=data, actor=actor)

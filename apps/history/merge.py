"""Merging duplicate records into a survivor, and undoing it.

A merge, in one transaction: picks each field's value (per-field `keep` rules), moves every link
(deals, contacts, activities, attendees, ...) from the merged records to the survivor, puts the
merged records in the trash and keeps a `RecordMerge` row listing what moved. Undoing it
(`unmerge`) puts the survivor's fields back, moves the links back and takes the merged records
out of the trash.
"""

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import timezone

from apps.core.errors import Conflict, ValidationFailed
from apps.history.choices import HistoryAction
from apps.history.models import RecordMerge
from apps.history.records import jsonable
from apps.history.services import history_action, history_changes, record_trash, record_type_of


@dataclass(frozen=True)
class Link:
    """Rows of `model` pointing at a record through `attname` (optionally only those matching
    `where`). `unique_with` names the other column of an m2m through table: a row the survivor
    already has is removed instead of moved (and put back by an unmerge)."""

    model: type[models.Model]
    attname: str
    where: dict = field(default_factory=dict)
    unique_with: str | None = None


def _empty(value: Any) -> bool:
    return value in (None, "", {}, [])


def merge_values(*, survivor, merged: list, fields: dict[str, str], keep: dict[str, str]) -> dict[str, Any]:
    """The survivor's new values (attname -> value).

    Per field: `keep[apiName] = <record id>` takes that record's value; otherwise the survivor's
    value stays, and an empty one is filled from the first merged record that has one. Custom
    fields are merged key by key the same way.
    """
    by_id = {survivor.pk: survivor, **{record.pk: record for record in merged}}
    errors = {}
    for name, record_id in keep.items():
        if name not in fields and name != "customFields":
            errors[f"keep.{name}"] = f"Unknown field '{name}'."
        elif record_id not in by_id:
            errors[f"keep.{name}"] = f"'{record_id}' is neither this record nor one of mergeIds."
    if errors:
        raise ValidationFailed(errors)
    values: dict[str, Any] = {}
    for name, attname in fields.items():
        if name in keep:
            value = getattr(by_id[keep[name]], attname)
        else:
            value = getattr(survivor, attname)
            if _empty(value):
                value = next((getattr(r, attname) for r in merged if not _empty(getattr(r, attname))), value)
        values[attname] = value
    if "customFields" in keep:
        values["custom_fields"] = dict(by_id[keep["customFields"]].custom_fields or {})
    else:
        custom = {}
        for record in reversed([survivor, *merged]):
            custom.update({k: v for k, v in (record.custom_fields or {}).items() if not _empty(v)})
        custom.update({k: v for k, v in (survivor.custom_fields or {}).items() if not _empty(v)})
        values["custom_fields"] = custom
    return values


def _move_links(links: list[Link], from_ids: list[str], to_id: str) -> tuple[list, list]:
    moved, removed = [], []
    for link in links:
        manager = link.model._base_manager
        label = link.model._meta.label
        rows = list(manager.filter(**{f"{link.attname}__in": from_ids}, **link.where).values())
        if not rows:
            continue
        taken = set()
        if link.unique_with:
            taken = set(manager.filter(**{link.attname: to_id}).values_list(link.unique_with, flat=True))
        move_pks = []
        for row in rows:
            if link.unique_with and row[link.unique_with] in taken:
                removed.append([label, jsonable(row)])
                manager.filter(pk=row["id"]).delete()
                continue
            if link.unique_with:
                taken.add(row[link.unique_with])
            move_pks.append(row["id"])
            moved.append([label, row["id"], link.attname, row[link.attname]])
        manager.filter(pk__in=move_pks).update(**{link.attname: to_id})
    return moved, removed


def records_merge(
    *, survivor, merged: list, values: dict[str, Any], links: list[Link], snapshot, actor
) -> tuple[RecordMerge, dict]:
    """Merges `merged` into `survivor` (call inside the service's transaction).

    `snapshot(record)` gives the API snapshot used for the survivor's history. Answers the merge
    row and the survivor's changes.
    """
    merge = RecordMerge(
        record_type=record_type_of(survivor),
        survivor_id=survivor.pk,
        merged_ids=[record.pk for record in merged],
        survivor_before={attname: jsonable(getattr(survivor, attname)) for attname in values},
        actor=actor if getattr(actor, "pk", None) else None,
    )
    for record in merged:  # first, so that unique values (email) are free for the survivor
        record_trash(record=record, actor=actor, action=HistoryAction.MERGED, data={"mergedInto": survivor.pk})
    merge.moved_links, merge.removed_rows = _move_links(links, merge.merged_ids, survivor.pk)
    before = snapshot(survivor)
    for attname, value in values.items():
        setattr(survivor, attname, value)
    survivor.full_clean(validate_unique=False, validate_constraints=False)
    survivor.save()
    merge.save()
    changes = history_changes(
        record=survivor, before=before, after=snapshot(survivor), actor=actor, action=HistoryAction.MERGED
    )
    return merge, changes


def records_unmerge(*, survivor, merge_id: str | None, snapshot, actor) -> tuple[RecordMerge, dict]:
    """Undoes the named merge into `survivor` (or its latest one not yet undone)."""
    merges = RecordMerge.objects.select_for_update().filter(survivor_id=survivor.pk)
    merge = (merges.filter(pk=merge_id) if merge_id else merges.filter(undone_at__isnull=True)).first()
    if merge is None:
        raise ValidationFailed({"mergeId": f"No merge into {survivor.pk} to undo."})
    if merge.undone_at is not None:
        raise Conflict(f"Merge {merge.pk} was already undone.")
    model = type(survivor)
    before = snapshot(survivor)
    for attname, value in merge.survivor_before.items():
        setattr(survivor, attname, model._meta.get_field(attname).to_python(value))
    survivor.save()
    changes = history_changes(
        record=survivor, before=before, after=snapshot(survivor), actor=actor, action=HistoryAction.UNMERGED
    )
    restored = list(model.all_objects.filter(pk__in=merge.merged_ids, deleted_at__isnull=False))
    for record in restored:
        record.deleted_at = None
        record.save(update_fields=["deleted_at", "updated_at"])
        history_action(record=record, action=HistoryAction.UNMERGED, actor=actor, data={"mergeId": merge.pk})
    for label, pk, attname, old in merge.moved_links:
        apps.get_model(label)._base_manager.filter(pk=pk).update(**{attname: old})
    for label, row in merge.removed_rows:
        apps.get_model(label)._base_manager.create(**row)
    merge.undone_at = timezone.now()
    merge.save(update_fields=["undone_at"])
    return merge, changes


def activity_links(related_type: str) -> list[Link]:
    """Tasks, events and communications related to a record of `related_type`."""
    from apps.activities.models import Communication, Event, Task

    return [Link(model, "related_id", {"related_type": related_type}) for model in (Task, Event, Communication)]

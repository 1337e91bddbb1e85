"""Writes on tasks, events and communications. Each may relate to one contact, account, lead or
deal of the tenant (`relatedTo`), checked to exist."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.activities.choices import RelatedType, TaskStatus
from apps.activities.models import Communication, Event, Task
from apps.core.errors import Conflict, ValidationFailed
from apps.events.services import event_emit
from apps.events.types import EventType
from apps.history.records import owner_resolve, record_snapshot
from apps.history.services import record_trash

TASK_FIELDS = {
    "title": "title",
    "description": "description",
    "dueDate": "due_date",
    "priority": "priority",
    "status": "status",
    "assignedTo": "assigned_to_id",
    "relatedType": "related_type",
    "relatedId": "related_id",
    "completedAt": "completed_at",
}
EVENT_FIELDS = {
    "title": "title",
    "description": "description",
    "startTime": "start_time",
    "endTime": "end_time",
    "location": "location",
    "relatedType": "related_type",
    "relatedId": "related_id",
}
COMMUNICATION_FIELDS = {
    "type": "type",
    "direction": "direction",
    "subject": "subject",
    "content": "content",
    "timestamp": "timestamp",
    "relatedType": "related_type",
    "relatedId": "related_id",
}


def related_model(related_type: str):
    from apps.accounts.models import Account
    from apps.contacts.models import Contact
    from apps.deals.models import Deal
    from apps.leads.models import Lead

    return {
        RelatedType.CONTACT: Contact,
        RelatedType.ACCOUNT: Account,
        RelatedType.LEAD: Lead,
        RelatedType.DEAL: Deal,
    }[related_type]


def _related(related: dict | None, errors: dict[str, str]) -> dict[str, str]:
    """`relatedTo` {type, id} -> model fields; the record must be live in this tenant."""
    if not related:
        return {"related_type": "", "related_id": ""}
    related_type, related_id = related["type"], related["id"]
    if not related_model(related_type).objects.filter(pk=related_id).exists():
        errors["relatedTo.id"] = f"No {related_type} '{related_id}'."
    return {"related_type": related_type, "related_id": related_id}


def _users(ids: list[str], errors: dict[str, str], field: str) -> list:
    from apps.users.models import User

    users = list(User.objects.filter(pk__in=ids, is_active=True))
    missing = sorted(set(ids) - {user.pk for user in users})
    if missing:
        errors[field] = f"No active user: {', '.join(missing)}."
    return users


def _contacts(ids: list[str], errors: dict[str, str], field: str) -> list:
    from apps.contacts.models import Contact

    contacts = list(Contact.objects.filter(pk__in=ids))
    missing = sorted(set(ids) - {contact.pk for contact in contacts})
    if missing:
        errors[field] = f"No contact: {', '.join(missing)}."
    return contacts


def _owner(data: dict, record, actor, can_reassign: bool) -> dict:
    if "owner_id" not in data and record is not None:
        return {}
    owner = owner_resolve(
        owner_id=data.get("owner_id"),
        actor=actor,
        current_owner_id=None if record is None else (record.owner_id or ""),
        can_reassign=can_reassign,
    )
    return {"owner": owner}


def _save(*, record, cleaned: dict[str, Any]):
    for name, value in cleaned.items():
        setattr(record, name, value)
    record.full_clean(exclude=["owner", "assigned_to"], validate_unique=False, validate_constraints=False)
    record.save()
    return record


def _emit(event_type, *, record, kind: str, fields: dict, actor, **extra) -> None:
    data = {kind: record_snapshot(record, fields), **extra}
    event_emit(event_type, data=data, record_id=record.pk, owner_id=record.owner_id, actor=actor)


def _task_clean(data: dict[str, Any], task: Task | None) -> dict[str, Any]:
    errors: dict[str, str] = {}
    cleaned = {k: v for k, v in data.items() if k not in ("related", "assigned_to_id", "owner_id")}
    if "related" in data:
        cleaned.update(_related(data["related"], errors))
    if data.get("assigned_to_id"):
        users = _users([data["assigned_to_id"]], errors, "assignedTo")
        cleaned["assigned_to"] = users[0] if users else None
    elif "assigned_to_id" in data:
        cleaned["assigned_to"] = None
    if data.get("status") == TaskStatus.COMPLETED and (task is None or task.status != TaskStatus.COMPLETED):
        cleaned["completed_at"] = timezone.now()
    elif "status" in data and data["status"] != TaskStatus.COMPLETED:
        cleaned["completed_at"] = None
    if errors:
        raise ValidationFailed(errors)
    return cleaned


@transaction.atomic
def task_create(*, actor, data: dict[str, Any], can_reassign: bool, event_extra: dict | None = None) -> Task:
    """`event_extra`: what the caller adds to `task.created` (automation names its rule)."""
    cleaned = _task_clean(data, None) | _owner(data, None, actor, can_reassign)
    cleaned.setdefault("assigned_to", cleaned.get("owner"))
    task = _save(record=Task(), cleaned=cleaned)
    _emit(EventType.TASK_CREATED, record=task, kind="task", fields=TASK_FIELDS, actor=actor, **(event_extra or {}))
    return task


@transaction.atomic
def task_update(*, task: Task, actor, data: dict[str, Any], can_reassign: bool) -> Task:
    cleaned = _task_clean(data, task) | _owner(data, task, actor, can_reassign)
    before = record_snapshot(task, TASK_FIELDS)
    _save(record=task, cleaned=cleaned)
    after = record_snapshot(task, TASK_FIELDS)
    changes = {k: {"old": before.get(k), "new": v} for k, v in after.items() if before.get(k) != v and k != "updatedAt"}
    completed = "status" in changes and task.status == TaskStatus.COMPLETED
    event_type = EventType.TASK_COMPLETED if completed else EventType.TASK_UPDATED
    _emit(event_type, record=task, kind="task", fields=TASK_FIELDS, actor=actor, changes=changes)
    return task


@transaction.atomic
def task_complete(*, task: Task, actor) -> Task:
    if task.status == TaskStatus.COMPLETED:
        raise Conflict(f"Task {task.pk} is already completed.", field="status")
    return task_update(task=task, actor=actor, data={"status": TaskStatus.COMPLETED}, can_reassign=False)


def _event_clean(data: dict[str, Any], event: Event | None) -> tuple[dict[str, Any], list | None, list | None]:
    errors: dict[str, str] = {}
    cleaned = {k: v for k, v in data.items() if k not in ("related", "attendees", "owner_id")}
    if "related" in data:
        cleaned.update(_related(data["related"], errors))
    start = cleaned.get("start_time", event.start_time if event else None)
    end = cleaned.get("end_time", event.end_time if event else None)
    if start and end and end < start:
        errors["endTime"] = "endTime must not be before startTime."
    users = contacts = None
    if "attendees" in data:
        ids = data["attendees"]
        unknown = [i for i in ids if not i.startswith(("user_", "contact_"))]
        if unknown:
            errors["attendees"] = f"Attendees are user_ or contact_ ids, not: {', '.join(unknown)}."
        else:
            users = _users([i for i in ids if i.startswith("user_")], errors, "attendees")
            contacts = _contacts([i for i in ids if i.startswith("contact_")], errors, "attendees")
    if errors:
        raise ValidationFailed(errors)
    return cleaned, users, contacts


def _attendee_ids(event: Event) -> list[str]:
    return [u.pk for u in event.attendee_users.all()] + [c.pk for c in event.attendee_contacts.all()]


@transaction.atomic
def event_create(*, actor, data: dict[str, Any], can_reassign: bool) -> Event:
    cleaned, users, contacts = _event_clean(data, None)
    event = _save(record=Event(), cleaned=cleaned | _owner(data, None, actor, can_reassign))
    event.attendee_users.set(users or [])
    event.attendee_contacts.set(contacts or [])
    _emit(
        EventType.EVENT_CREATED,
        record=event,
        kind="event",
        fields=EVENT_FIELDS,
        actor=actor,
        attendees=_attendee_ids(event),
    )
    return event


@transaction.atomic
def event_update(*, event: Event, actor, data: dict[str, Any], can_reassign: bool) -> Event:
    cleaned, users, contacts = _event_clean(data, event)
    _save(record=event, cleaned=cleaned | _owner(data, event, actor, can_reassign))
    if users is not None:
        event.attendee_users.set(users)
        event.attendee_contacts.set(contacts)
    return event


def _communication_clean(data: dict[str, Any]) -> tuple[dict[str, Any], list | None]:
    errors: dict[str, str] = {}
    cleaned = {k: v for k, v in data.items() if k not in ("related", "participants", "owner_id")}
    if "related" in data:
        cleaned.update(_related(data["related"], errors))
    participants = _contacts(data["participants"], errors, "participants") if "participants" in data else None
    if errors:
        raise ValidationFailed(errors)
    return cleaned, participants


@transaction.atomic
def communication_log(*, actor, data: dict[str, Any], can_reassign: bool) -> Communication:
    cleaned, participants = _communication_clean(data)
    cleaned.setdefault("timestamp", timezone.now())
    communication = _save(record=Communication(), cleaned=cleaned | _owner(data, None, actor, can_reassign))
    communication.participants.set(participants or [])
    _emit(
        EventType.COMMUNICATION_LOGGED,
        record=communication,
        kind="communication",
        fields=COMMUNICATION_FIELDS,
        actor=actor,
        participants=[c.pk for c in participants or []],
    )
    return communication


@transaction.atomic
def communication_update(*, communication: Communication, actor, data: dict[str, Any], can_reassign: bool):
    cleaned, participants = _communication_clean(data)
    _save(record=communication, cleaned=cleaned | _owner(data, communication, actor, can_reassign))
    if participants is not None:
        communication.participants.set(participants)
    return communication


@transaction.atomic
def activity_delete(*, activity, actor) -> None:
    """Tasks, events and communications go to the trash like every CRM record."""
    record_trash(record=activity, actor=actor)
    if isinstance(activity, Task):
        _emit(EventType.TASK_UPDATED, record=activity, kind="task", fields=TASK_FIELDS, actor=actor, deleted=True)

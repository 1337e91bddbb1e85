"""Writes on contacts: one transaction each, with field history and events."""

from typing import Any

from django.db import transaction

from apps.contacts.models import Contact
from apps.contacts.normalize import email_normalize, phone_normalize
from apps.core.custom_fields import custom_fields_clean
from apps.core.errors import Conflict, ValidationFailed
from apps.events.types import EventType
from apps.history.lifecycle import (
    record_changed,
    record_created,
    record_deleted,
    record_restored,
    record_unmerged_event,
    records_merged_events,
)
from apps.history.merge import Link, activity_links, merge_values, records_merge, records_unmerge
from apps.history.models import RecordMerge
from apps.history.records import owner_resolve, record_snapshot

CONTACT_FIELDS = {
    "firstName": "first_name",
    "lastName": "last_name",
    "email": "email",
    "phone": "phone",
    "company": "company",
    "jobTitle": "job_title",
    "address": "address",
    "accountId": "account_id",
}
MERGE_FIELDS = {name: attname for name, attname in CONTACT_FIELDS.items()} | {"ownerId": "owner_id"}


def contact_snapshot(contact: Contact) -> dict[str, Any]:
    return record_snapshot(contact, CONTACT_FIELDS)


def address_merge(existing: dict | None, sent: dict | None) -> dict:
    """Keys sent change, keys sent as null go, the others stay (the design's PUT is partial)."""
    merged = dict(existing or {})
    for key, value in (sent or {}).items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def account_check(account_id: str | None, errors: dict[str, str], field: str = "accountId") -> None:
    from apps.accounts.models import Account

    if account_id and not Account.objects.filter(pk=account_id).exists():
        errors[field] = f"No account '{account_id}'."


def _clean(*, data: dict[str, Any], contact: Contact | None) -> dict[str, Any]:
    """Normalised values (snake_case model names), or VALIDATION_ERROR with one error per field."""
    errors: dict[str, str] = {}
    cleaned = dict(data)
    if "email" in data:
        cleaned["email"], problem = email_normalize(data["email"])
        if problem:
            errors["email"] = problem
    if "phone" in data:
        cleaned["phone"], problem = phone_normalize(data["phone"])
        if problem:
            errors["phone"] = problem
    for name in ("company", "job_title"):
        if name in data and data[name] is None:
            cleaned[name] = ""
    if "address" in data:
        cleaned["address"] = address_merge(contact.address if contact else None, data["address"])
    account_check(data.get("account_id"), errors)
    if "custom_fields" in data or contact is None:
        try:
            cleaned["custom_fields"] = custom_fields_clean(
                entity="contact",
                values=data.get("custom_fields"),
                existing=contact.custom_fields if contact else None,
                partial=contact is not None,
            )
        except ValidationFailed as exc:
            errors.update(exc.field_errors)
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def _email_taken(email: str | None, *, exclude: str | None = None) -> Contact | None:
    if not email:
        return None
    return Contact.objects.filter(email=email).exclude(pk=exclude).only("id").first()


def contact_by_email(email: str | None) -> Contact | None:
    normalised, _ = email_normalize(email)
    return _email_taken(normalised)


def _email_conflict(existing: Contact, email: str) -> Conflict:
    return Conflict(
        f"A contact with email '{email}' already exists: {existing.pk}.",
        field="email",
        details={"existingId": existing.pk},
    )


@transaction.atomic
def contact_create(*, actor, data: dict[str, Any], can_reassign: bool) -> Contact:
    """`data` holds model names (`first_name`, `account_id`, `owner_id`, `custom_fields`, ...)."""
    cleaned = _clean(data=data, contact=None)
    existing = _email_taken(cleaned.get("email"))
    if existing is not None:
        raise _email_conflict(existing, cleaned["email"])
    owner = owner_resolve(owner_id=cleaned.pop("owner_id", None), actor=actor, can_reassign=can_reassign)
    contact = Contact(owner=owner, **cleaned)
    contact.save()
    record_created(
        record=contact, snapshot=contact_snapshot(contact), event_type=EventType.CONTACT_CREATED, actor=actor
    )
    return contact


@transaction.atomic
def contact_update(*, contact: Contact, actor, data: dict[str, Any], can_reassign: bool) -> Contact:
    cleaned = _clean(data=data, contact=contact)
    if "email" in cleaned:
        existing = _email_taken(cleaned["email"], exclude=contact.pk)
        if existing is not None:
            raise _email_conflict(existing, cleaned["email"])
    before = contact_snapshot(contact)
    if "owner_id" in cleaned:
        contact.owner = owner_resolve(
            owner_id=cleaned.pop("owner_id"),
            actor=actor,
            current_owner_id=contact.owner_id or "",
            can_reassign=can_reassign,
        )
    for name, value in cleaned.items():
        setattr(contact, name, value)
    contact.save()
    record_changed(
        record=contact,
        before=before,
        after=contact_snapshot(contact),
        event_type=EventType.CONTACT_UPDATED,
        actor=actor,
    )
    return contact


@transaction.atomic
def contact_delete(*, contact: Contact, actor) -> None:
    """Moves the contact to the trash; `contact_restore` brings it back within the retention period."""
    record_deleted(record=contact, snapshot=contact_snapshot, event_type=EventType.CONTACT_DELETED, actor=actor)


@transaction.atomic
def contact_restore(*, contact: Contact, actor) -> Contact:
    if _email_taken(contact.email, exclude=contact.pk) is not None:
        raise Conflict(f"Another contact now uses '{contact.email}'; change it before restoring.", field="email")
    record_restored(record=contact, snapshot=contact_snapshot, event_type=EventType.CONTACT_UPDATED, actor=actor)
    return contact


def contact_links() -> list[Link]:
    """Every row that points at a contact, moved to the survivor by a merge."""
    from apps.activities.models import Communication, Event
    from apps.deals.models import Deal
    from apps.leads.models import Lead

    return [
        Link(Deal, "contact_id"),
        Link(Lead, "converted_contact_id"),
        *activity_links("contact"),
        Link(Event.attendee_contacts.through, "contact_id", unique_with="event_id"),
        Link(Communication.participants.through, "contact_id", unique_with="communication_id"),
    ]


@transaction.atomic
def contact_merge(*, survivor: Contact, merged: list[Contact], keep: dict[str, str], actor) -> RecordMerge:
    """Merges `merged` into `survivor`: fields by `keep` rules, links moved, merged ones trashed."""
    values = merge_values(survivor=survivor, merged=merged, fields=MERGE_FIELDS, keep=keep)
    merge, changes = records_merge(
        survivor=survivor, merged=merged, values=values, links=contact_links(), snapshot=contact_snapshot, actor=actor
    )
    records_merged_events(
        survivor=survivor,
        merged=merged,
        merge=merge,
        changes=changes,
        snapshot=contact_snapshot,
        updated=EventType.CONTACT_UPDATED,
        deleted=EventType.CONTACT_DELETED,
        actor=actor,
    )
    return merge


@transaction.atomic
def contact_unmerge(*, survivor: Contact, merge_id: str | None, actor) -> RecordMerge:
    merge, changes = records_unmerge(survivor=survivor, merge_id=merge_id, snapshot=contact_snapshot, actor=actor)
    record_unmerged_event(
        survivor=survivor,
        merge=merge,
        changes=changes,
        snapshot=contact_snapshot,
        updated=EventType.CONTACT_UPDATED,
        actor=actor,
    )
    return merge

"""Writes on leads: create/update/delete with history and events, qualify, score, merge.
Conversion lives in `apps.leads.conversion`."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.contacts.normalize import email_normalize, phone_normalize
from apps.core.custom_fields import custom_fields_clean
from apps.core.errors import Conflict, ValidationFailed
from apps.events.services import event_emit
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
from apps.leads.choices import LeadStatus
from apps.leads.models import Lead, LeadScoreHistory

LEAD_FIELDS = {
    "firstName": "first_name",
    "lastName": "last_name",
    "email": "email",
    "phone": "phone",
    "company": "company",
    "jobTitle": "job_title",
    "source": "source",
    "status": "status",
    "score": "score",
    "qualificationNotes": "qualification_notes",
    "nextAction": "next_action",
    "qualifiedAt": "qualified_at",
    "convertedAt": "converted_at",
    "convertedContactId": "converted_contact_id",
    "convertedAccountId": "converted_account_id",
    "convertedDealId": "converted_deal_id",
}
MERGEABLE = ("firstName", "lastName", "email", "phone", "company", "jobTitle", "source", "score", "nextAction")
MERGE_FIELDS = {name: LEAD_FIELDS[name] for name in MERGEABLE} | {"ownerId": "owner_id"}


def lead_snapshot(lead: Lead) -> dict[str, Any]:
    return record_snapshot(lead, LEAD_FIELDS)


def _clean(*, data: dict[str, Any], lead: Lead | None) -> dict[str, Any]:
    errors: dict[str, str] = {}
    cleaned = dict(data)
    if "email" in data or lead is None:
        cleaned["email"], problem = email_normalize(data.get("email"))
        if problem or not cleaned["email"]:
            errors["email"] = problem or "This field is required."
    if "phone" in data:
        cleaned["phone"], problem = phone_normalize(data["phone"])
        if problem:
            errors["phone"] = problem
    for name in ("company", "job_title", "source"):
        if name in data and data[name] is None:
            cleaned[name] = ""
    if data.get("status") == LeadStatus.CONVERTED:
        errors["status"] = "A lead becomes converted through POST /v1/leads/{id}/convert."
    if "custom_fields" in data or lead is None:
        try:
            cleaned["custom_fields"] = custom_fields_clean(
                entity="lead",
                values=data.get("custom_fields"),
                existing=lead.custom_fields if lead else None,
                partial=lead is not None,
            )
        except ValidationFailed as exc:
            errors.update(exc.field_errors)
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def lead_refuse_if_converted(lead: Lead) -> None:
    if lead.status == LeadStatus.CONVERTED:
        raise Conflict(f"Lead {lead.pk} is already converted.", field="status")


def _score_record(*, lead: Lead, score: int, factors: list[str], actor) -> None:
    LeadScoreHistory.objects.create(
        lead=lead,
        previous_score=lead.score,
        score=score,
        scoring_factors=factors,
        changed_by=actor if getattr(actor, "pk", None) else None,
    )


@transaction.atomic
def lead_create(*, actor, data: dict[str, Any], can_reassign: bool) -> Lead:
    cleaned = _clean(data=data, lead=None)
    owner = owner_resolve(owner_id=cleaned.pop("owner_id", None), actor=actor, can_reassign=can_reassign)
    lead = Lead(owner=owner, **cleaned)
    lead.save()
    if lead.score:
        LeadScoreHistory.objects.create(lead=lead, previous_score=None, score=lead.score, changed_by=owner)
    record_created(record=lead, snapshot=lead_snapshot(lead), event_type=EventType.LEAD_CREATED, actor=actor)
    return lead


def lead_changes_apply(*, lead: Lead, cleaned: dict[str, Any], actor, event_type=EventType.LEAD_UPDATED) -> dict:
    before = lead_snapshot(lead)
    for name, value in cleaned.items():
        setattr(lead, name, value)
    lead.save()
    return record_changed(record=lead, before=before, after=lead_snapshot(lead), event_type=event_type, actor=actor)


@transaction.atomic
def lead_update(*, lead: Lead, actor, data: dict[str, Any], can_reassign: bool) -> Lead:
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.status == LeadStatus.CONVERTED and "status" in data and data["status"] != lead.status:
        lead_refuse_if_converted(lead)
    cleaned = _clean(data=data, lead=lead)
    if "owner_id" in cleaned:
        cleaned["owner"] = owner_resolve(
            owner_id=cleaned.pop("owner_id"),
            actor=actor,
            current_owner_id=lead.owner_id or "",
            can_reassign=can_reassign,
        )
    if "score" in cleaned and cleaned["score"] != lead.score:
        _score_record(lead=lead, score=cleaned["score"], factors=[], actor=actor)
    lead_changes_apply(lead=lead, cleaned=cleaned, actor=actor)
    return lead


@transaction.atomic
def lead_qualify(
    *, lead: Lead, actor, qualification_notes: str = "", score: int | None = None, next_action: str = ""
) -> Lead:
    """Marks the lead qualified with the notes, score and next action given."""
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    lead_refuse_if_converted(lead)
    cleaned: dict[str, Any] = {
        "status": LeadStatus.QUALIFIED,
        "qualified_at": timezone.now(),
        "qualification_notes": qualification_notes,
        "next_action": next_action,
    }
    if score is not None and score != lead.score:
        _score_record(lead=lead, score=score, factors=["Qualified"], actor=actor)
        cleaned["score"] = score
    lead_changes_apply(lead=lead, cleaned=cleaned, actor=actor, event_type=EventType.LEAD_QUALIFIED)
    return lead


@transaction.atomic
def lead_score(*, lead: Lead, actor, score: int, scoring_factors: list[str]) -> Lead:
    """Sets the score, keeping the change and its factors in the lead's scoring history."""
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    _score_record(lead=lead, score=score, factors=scoring_factors, actor=actor)
    changes = lead_changes_apply(lead=lead, cleaned={"score": score}, actor=actor, event_type=EventType.LEAD_SCORED)
    if not changes:  # same score, new factors: still worth announcing
        event_emit(
            EventType.LEAD_SCORED,
            data={"lead": lead_snapshot(lead), "changes": {}, "scoringFactors": scoring_factors},
            record_id=lead.pk,
            owner_id=lead.owner_id,
            actor=actor,
        )
    return lead


@transaction.atomic
def lead_delete(*, lead: Lead, actor) -> None:
    record_deleted(record=lead, snapshot=lead_snapshot, event_type=EventType.LEAD_UPDATED, actor=actor)


@transaction.atomic
def lead_restore(*, lead: Lead, actor) -> Lead:
    record_restored(record=lead, snapshot=lead_snapshot, event_type=EventType.LEAD_UPDATED, actor=actor)
    return lead


def lead_links() -> list[Link]:
    return [Link(LeadScoreHistory, "lead_id"), *activity_links("lead")]


@transaction.atomic
def lead_merge(*, survivor: Lead, merged: list[Lead], keep: dict[str, str], actor) -> RecordMerge:
    values = merge_values(survivor=survivor, merged=merged, fields=MERGE_FIELDS, keep=keep)
    merge, changes = records_merge(
        survivor=survivor, merged=merged, values=values, links=lead_links(), snapshot=lead_snapshot, actor=actor
    )
    records_merged_events(
        survivor=survivor,
        merged=merged,
        merge=merge,
        changes=changes,
        snapshot=lead_snapshot,
        updated=EventType.LEAD_UPDATED,
        deleted=EventType.LEAD_UPDATED,
        actor=actor,
    )
    return merge


@transaction.atomic
def lead_unmerge(*, survivor: Lead, merge_id: str | None, actor) -> RecordMerge:
    merge, changes = records_unmerge(survivor=survivor, merge_id=merge_id, snapshot=lead_snapshot, actor=actor)
    record_unmerged_event(
        survivor=survivor,
        merge=merge,
        changes=changes,
        snapshot=lead_snapshot,
        updated=EventType.LEAD_UPDATED,
        actor=actor,
    )
    return merge

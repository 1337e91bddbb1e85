"""Contact syncs to an email-marketing list (Mailchimp audience).

Starting one checks the list at the provider (a missing list is an INTEGRATION_ERROR at once),
counts the contacts, stores the sync and queues it after commit. The worker sends the contacts in
batches of 500 (Mailchimp's batch subscribe), each batch's outcome and the resume cursor (the last
contact id sent) committed together: a redelivered task (acks_late) goes on after the last batch
recorded, and batch subscribe is an upsert, so a batch sent twice changes nothing.
"""

import logging
import math
import re
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.core.errors import ValidationFailed
from apps.integrations import selectors
from apps.integrations.choices import SYNC_FINISHED, Provider, SyncStatus
from apps.integrations.models import Connection, Sync
from apps.integrations.providers import Mailchimp, ProviderError
from apps.integrations.providers.mailchimp import BATCH_MAX
from apps.integrations.services.connections import connection_adapter

logger = logging.getLogger("crm.integrations")

ERRORS_KEPT = 200
SECONDS_PER_BATCH = 3  # for `estimated_completion`: a batch call of 500 members and its bookkeeping
EMAIL_ADDRESS = "email_address"
MERGE_TAG = re.compile(r"^[A-Z0-9_]{1,10}$")
CONTACT_FIELDS = {
    "email": "email",
    "firstName": "first_name",
    "lastName": "last_name",
    "company": "company",
    "jobTitle": "job_title",
    "phone": "phone",
}
SYNC_OPTIONS = {"update_existing": True, "create_segments": False, "bidirectional": False}


def field_mapping_clean(raw: Any) -> dict[str, str]:
    """The design's `field_mapping`: our field (`firstName`, `customFields.industry`) → the
    provider's merge tag (`FNAME`); `email` goes to the member's `email_address`."""
    if raw is None:
        return {"email": EMAIL_ADDRESS}
    if not isinstance(raw, dict):
        raise ValidationFailed({"field_mapping": "field_mapping must be an object."})
    errors: dict[str, str] = {}
    for ours, theirs in raw.items():
        field = f"field_mapping.{ours}"
        if ours not in CONTACT_FIELDS and not (ours.startswith("customFields.") and len(ours) > 13):
            known = ", ".join([*CONTACT_FIELDS, "customFields.<name>"])
            errors[field] = f"Unknown contact field; known: {known}."
        elif ours == "email":
            if theirs != EMAIL_ADDRESS:
                errors[field] = f"The email goes to the member's '{EMAIL_ADDRESS}'."
        elif not isinstance(theirs, str) or not MERGE_TAG.match(theirs):
            errors[field] = "A Mailchimp merge tag: up to 10 capital letters, digits or underscores."
    if errors:
        raise ValidationFailed(errors)
    return {"email": EMAIL_ADDRESS, **raw}


def sync_options_clean(raw: Any) -> dict[str, bool]:
    if raw is None:
        return dict(SYNC_OPTIONS)
    if not isinstance(raw, dict):
        raise ValidationFailed({"sync_options": "sync_options must be an object."})
    errors: dict[str, str] = {}
    for name, value in raw.items():
        if name not in SYNC_OPTIONS:
            errors[f"sync_options.{name}"] = f"Unknown option; known: {', '.join(SYNC_OPTIONS)}."
        elif not isinstance(value, bool):
            errors[f"sync_options.{name}"] = "Must be true or false."
    if raw.get("bidirectional") is True:
        errors["sync_options.bidirectional"] = "Syncs go one way, from the CRM to the provider."
    if errors:
        raise ValidationFailed(errors)
    return {**SYNC_OPTIONS, **raw}


def sync_contacts_start(
    *,
    actor,
    connection: Connection,
    list_id: str,
    contact_filter: dict[str, Any],
    field_mapping: dict[str, str],
    sync_options: dict[str, bool],
    scope: str,
) -> Sync:
    """Checks the list at the provider, counts the contacts and queues the sync (202)."""
    from apps.integrations.tasks import sync_contacts_task

    adapter = connection_adapter(connection)
    adapter.list_get(list_id)
    sync = Sync(
        provider=connection.provider,
        connection=connection,
        owner=actor,
        permission_scope=scope,
        request={
            "list_id": list_id,
            "contact_filter": contact_filter,
            "field_mapping": field_mapping,
            "sync_options": sync_options,
        },
    )
    sync.contacts_queued = selectors.sync_contacts(sync).count()
    batches = math.ceil(sync.contacts_queued / BATCH_MAX)
    sync.estimated_completion = timezone.now() + timedelta(seconds=SECONDS_PER_BATCH * (batches + 1))
    with transaction.atomic():
        sync.save(force_insert=True)
        transaction.on_commit(lambda: sync_contacts_task.apply_async(args=[sync.pk]))
    return sync


def _sync_begin(sync_id: str) -> Sync | None:
    with transaction.atomic():
        sync = (
            Sync.objects.select_for_update(of=("self",))
            .select_related("owner", "connection")
            .filter(pk=sync_id)
            .first()
        )
        if sync is None or sync.status in SYNC_FINISHED:
            return None
        if sync.status == SyncStatus.QUEUED:
            sync.status, sync.started_at = SyncStatus.IN_PROGRESS, timezone.now()
            sync.save(update_fields=["status", "started_at", "updated_at"])
        return sync


def _sync_end(sync_id: str, *, status: str, error: dict | None = None) -> None:
    Sync.objects.filter(pk=sync_id, status=SyncStatus.IN_PROGRESS).update(
        status=status, error=error, finished_at=timezone.now(), updated_at=timezone.now()
    )


def _value(contact, field: str) -> Any:
    if field.startswith("customFields."):
        return (contact.custom_fields or {}).get(field.removeprefix("customFields."))
    return getattr(contact, CONTACT_FIELDS[field])


def member_for(contact, *, mapping: dict[str, str], status: str, tags: list[str]) -> dict[str, Any]:
    """A contact as a batch-subscribe member: its email, status if new, merge fields, tags."""
    merge_fields = {}
    for ours, tag in mapping.items():
        if ours == "email":
            continue
        value = _value(contact, ours)
        if value not in (None, ""):
            merge_fields[tag] = str(value)
    member: dict[str, Any] = {EMAIL_ADDRESS: contact.email, "status": status, "merge_fields": merge_fields}
    if tags:
        member["tags"] = tags
    return member


def _batch_record(sync_id: str, *, last_id: str, sent: int, answer: dict, ids_by_email: dict[str, str]) -> bool:
    """One batch's outcome and the cursor, in one transaction; False if the sync moved on."""
    with transaction.atomic():
        sync = Sync.objects.select_for_update().get(pk=sync_id)
        if sync.status != SyncStatus.IN_PROGRESS:
            return False
        errors = [
            {
                "contact_id": ids_by_email.get(str(e.get(EMAIL_ADDRESS, "")).lower()),
                "email": e.get(EMAIL_ADDRESS),
                "code": e.get("error_code") or "ERROR",
                "message": e.get("error") or "",
            }
            for e in answer.get("errors") or []
        ]
        sync.processed += sent
        sync.created += int(answer.get("total_created") or len(answer.get("new_members") or []))
        sync.updated += int(answer.get("total_updated") or len(answer.get("updated_members") or []))
        sync.failed += int(answer.get("error_count") or len(errors))
        sync.errors = (sync.errors + errors)[:ERRORS_KEPT]
        sync.cursor = last_id
        sync.save()
        return True


def sync_contacts_run(*, sync_id: str) -> None:
    """Runs (or resumes) a sync to its end. Safe to call again at any moment."""
    sync = _sync_begin(sync_id)
    if sync is None:
        return
    if sync.connection is None:
        label = Provider(sync.provider).label
        _sync_end(sync_id, status=SyncStatus.FAILED, error=_stopped(f"The {label} connection was deleted."))
        return
    try:
        adapter: Mailchimp = connection_adapter(sync.connection)
        request = sync.request
        options = request["sync_options"]
        tags = (request["contact_filter"].get("tags") or []) if options.get("create_segments") else []
        contacts = selectors.sync_contacts(sync)
        cursor = sync.cursor
        while True:
            batch = list((contacts.filter(id__gt=cursor) if cursor else contacts)[:BATCH_MAX])
            if not batch:
                break
            members = [
                member_for(c, mapping=request["field_mapping"], status=adapter.member_status(), tags=tags)
                for c in batch
            ]
            answer = adapter.members_batch(request["list_id"], members, update_existing=options["update_existing"])
            cursor = batch[-1].pk
            ids_by_email = {c.email.lower(): c.pk for c in batch}
            if not _batch_record(
                sync_id, last_id=cursor, sent=len(batch), answer=answer or {}, ids_by_email=ids_by_email
            ):
                return
    except ProviderError as exc:
        _sync_end(sync_id, status=SyncStatus.FAILED, error=exc.as_errors()[0])
        return
    except Exception:
        logger.exception("integration sync %s failed", sync_id)
        _sync_end(sync_id, status=SyncStatus.FAILED, error=_stopped("The sync stopped on an internal error."))
        return
    _sync_end(sync_id, status=SyncStatus.COMPLETED)


def _stopped(message: str) -> dict:
    return {"code": "INTERNAL_ERROR", "message": message}

"""Writes on accounts: create/update/delete with history and events, the parent hierarchy (no
cycles), relationships between accounts, merges."""

from typing import Any

from django.db import IntegrityError, transaction

from apps.accounts.models import Account, AccountRelationship
from apps.accounts.selectors import account_ancestor_ids
from apps.contacts.services import address_merge
from apps.core.custom_fields import custom_fields_clean
from apps.core.errors import Conflict, NotFound, ValidationFailed
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

ACCOUNT_FIELDS = {
    "name": "name",
    "website": "website",
    "industry": "industry",
    "employees": "employees",
    "annualRevenue": "annual_revenue",
    "type": "type",
    "parentAccountId": "parent_id",
    "address": "address",
}
MERGE_FIELDS = {**ACCOUNT_FIELDS, "ownerId": "owner_id"}


def account_snapshot(account: Account) -> dict[str, Any]:
    return record_snapshot(account, ACCOUNT_FIELDS)


def _parent_check(parent_id: str | None, account: Account | None, errors: dict[str, str]) -> None:
    """The parent must exist and must not be the account itself or one of its descendants."""
    if not parent_id:
        return
    if not Account.objects.filter(pk=parent_id).exists():
        errors["parentAccountId"] = f"No account '{parent_id}'."
    elif account is not None and account.pk in account_ancestor_ids(parent_id, include_self=True):
        errors["parentAccountId"] = "An account cannot be its own ancestor (the hierarchy would loop)."


def _clean(*, data: dict[str, Any], account: Account | None) -> dict[str, Any]:
    errors: dict[str, str] = {}
    cleaned = dict(data)
    for name in ("website", "industry"):
        if name in data and data[name] is None:
            cleaned[name] = ""
    if "address" in data:
        cleaned["address"] = address_merge(account.address if account else None, data["address"])
    if "parent_id" in data:
        _parent_check(data["parent_id"], account, errors)
    if "custom_fields" in data or account is None:
        try:
            cleaned["custom_fields"] = custom_fields_clean(
                entity="account",
                values=data.get("custom_fields"),
                existing=account.custom_fields if account else None,
                partial=account is not None,
            )
        except ValidationFailed as exc:
            errors.update(exc.field_errors)
    if errors:
        raise ValidationFailed(errors)
    return cleaned


@transaction.atomic
def account_create(*, actor, data: dict[str, Any], can_reassign: bool) -> Account:
    cleaned = _clean(data=data, account=None)
    owner = owner_resolve(owner_id=cleaned.pop("owner_id", None), actor=actor, can_reassign=can_reassign)
    account = Account(owner=owner, **cleaned)
    account.save()
    record_created(
        record=account, snapshot=account_snapshot(account), event_type=EventType.ACCOUNT_CREATED, actor=actor
    )
    return account


@transaction.atomic
def account_update(*, account: Account, actor, data: dict[str, Any], can_reassign: bool) -> Account:
    # Lock the account so two concurrent re-parentings cannot build a loop between them.
    account = Account.objects.select_for_update().get(pk=account.pk)
    cleaned = _clean(data=data, account=account)
    before = account_snapshot(account)
    if "owner_id" in cleaned:
        account.owner = owner_resolve(
            owner_id=cleaned.pop("owner_id"),
            actor=actor,
            current_owner_id=account.owner_id or "",
            can_reassign=can_reassign,
        )
    for name, value in cleaned.items():
        setattr(account, name, value)
    account.save()
    record_changed(
        record=account,
        before=before,
        after=account_snapshot(account),
        event_type=EventType.ACCOUNT_UPDATED,
        actor=actor,
    )
    return account


@transaction.atomic
def account_delete(*, account: Account, actor) -> None:
    """Moves the account to the trash; its contacts, deals and children keep their link to it."""
    record_deleted(record=account, snapshot=account_snapshot, event_type=EventType.ACCOUNT_DELETED, actor=actor)


@transaction.atomic
def account_restore(*, account: Account, actor) -> Account:
    record_restored(record=account, snapshot=account_snapshot, event_type=EventType.ACCOUNT_UPDATED, actor=actor)
    return account


@transaction.atomic
def account_relationship_create(
    *, account: Account, related_account_id: str, relationship_type: str, description: str = "", actor
) -> AccountRelationship:
    if related_account_id == account.pk:
        raise ValidationFailed({"relatedAccountId": "An account cannot be related to itself."})
    related = Account.objects.filter(pk=related_account_id).first()
    if related is None:
        raise NotFound(f"No account '{related_account_id}'.")
    try:
        with transaction.atomic():
            relationship = AccountRelationship.objects.create(
                account=account, related_account=related, relationship_type=relationship_type, description=description
            )
    except IntegrityError:
        raise Conflict(
            f"{account.pk} already has a '{relationship_type}' relationship with {related.pk}.",
            field="relationshipType",
        ) from None
    event_emit(
        EventType.ACCOUNT_UPDATED,
        data={
            "account": account_snapshot(account),
            "changes": {},
            "relationship": {
                "id": relationship.pk,
                "relatedAccountId": related.pk,
                "relationshipType": relationship_type,
                "description": description,
            },
        },
        record_id=account.pk,
        owner_id=account.owner_id,
        actor=actor,
    )
    return relationship


@transaction.atomic
def account_relationship_delete(*, relationship: AccountRelationship, actor) -> None:
    account = relationship.account
    relationship.delete()
    event_emit(
        EventType.ACCOUNT_UPDATED,
        data={"account": account_snapshot(account), "changes": {}, "relationshipDeleted": relationship.pk},
        record_id=account.pk,
        owner_id=account.owner_id,
        actor=actor,
    )


def account_links() -> list[Link]:
    from apps.contacts.models import Contact
    from apps.deals.models import Deal
    from apps.leads.models import Lead

    return [
        Link(Contact, "account_id"),
        Link(Deal, "account_id"),
        Link(Lead, "converted_account_id"),
        Link(Account, "parent_id"),
        Link(AccountRelationship, "account_id", unique_with="related_account_id"),
        Link(AccountRelationship, "related_account_id", unique_with="account_id"),
        *activity_links("account"),
    ]


@transaction.atomic
def account_merge(*, survivor: Account, merged: list[Account], keep: dict[str, str], actor) -> RecordMerge:
    values = merge_values(survivor=survivor, merged=merged, fields=MERGE_FIELDS, keep=keep)
    merged_ids = {record.pk for record in merged}
    if values.get("parent_id") in merged_ids or values.get("parent_id") == survivor.pk:
        values["parent_id"] = survivor.parent_id if survivor.parent_id not in merged_ids else None
    merge, changes = records_merge(
        survivor=survivor, merged=merged, values=values, links=account_links(), snapshot=account_snapshot, actor=actor
    )
    # A merged account's link to the survivor now points at the survivor itself: drop it.
    Account.all_objects.filter(pk=survivor.pk, parent_id=survivor.pk).update(parent_id=None)
    AccountRelationship.objects.filter(account_id=survivor.pk, related_account_id=survivor.pk).delete()
    records_merged_events(
        survivor=survivor,
        merged=merged,
        merge=merge,
        changes=changes,
        snapshot=account_snapshot,
        updated=EventType.ACCOUNT_UPDATED,
        deleted=EventType.ACCOUNT_DELETED,
        actor=actor,
    )
    return merge


@transaction.atomic
def account_unmerge(*, survivor: Account, merge_id: str | None, actor) -> RecordMerge:
    merge, changes = records_unmerge(survivor=survivor, merge_id=merge_id, snapshot=account_snapshot, actor=actor)
    record_unmerged_event(
        survivor=survivor,
        merge=merge,
        changes=changes,
        snapshot=account_snapshot,
        updated=EventType.ACCOUNT_UPDATED,
        actor=actor,
    )
    return merge


@transaction.atomic
def account_find_or_create(*, name: str, actor, owner=None) -> tuple[Account, bool]:
    """The live account of that name (case-insensitive), or a new one (lead conversion)."""
    account = Account.objects.filter(name__iexact=name.strip()).order_by("created_at").first()
    if account is not None:
        return account, False
    account = Account(name=name.strip(), owner=owner or (actor if getattr(actor, "pk", None) else None))
    account.custom_fields = custom_fields_clean(entity="account", values={})
    account.save()
    record_created(
        record=account, snapshot=account_snapshot(account), event_type=EventType.ACCOUNT_CREATED, actor=actor
    )
    return account, True

"""Reads: connections, syncs, and the contacts a sync sends."""

import re
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime

from apps.contacts.models import Contact
from apps.contacts.selectors import contact_filter, contact_queryset
from apps.core.errors import ValidationFailed
from apps.core.scoping import scope_queryset
from apps.integrations.models import Connection, Sync

CONTACT_FILTERS = ("tags", "status", "created_after", "created_before")
CONTACT_STATUSES = ("active",)
TAGS_FIELD = "tags"  # the contacts' custom field holding their tags, comma-separated


def connection_list() -> QuerySet[Connection]:
    return Connection.objects.select_related("created_by").order_by("provider")


def connection_for(provider: str) -> Connection | None:
    return Connection.objects.filter(provider=provider).first()


def sync_list() -> QuerySet[Sync]:
    return Sync.objects.select_related("connection").order_by("-created_at", "-id")


def contact_filter_clean(raw: Any) -> dict[str, Any]:
    """The design's `contact_filter`, mapped to what contacts have (unknown keys refused):

    - `tags`: contacts whose custom field `tags` (a text field the tenant defines, tags
      separated by commas) holds any of them, case-insensitively;
    - `status`: `active`, the live contacts (trashed ones are never synced);
    - `created_after` / `created_before`: ISO 8601 timestamps.
    """
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ValidationFailed({"contact_filter": "contact_filter must be an object."})
    errors: dict[str, str] = {}
    for name in sorted(set(raw) - set(CONTACT_FILTERS)):
        errors[f"contact_filter.{name}"] = f"Unknown contact filter; known: {', '.join(CONTACT_FILTERS)}."
    cleaned: dict[str, Any] = {}
    tags = raw.get("tags")
    if tags is not None:
        if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
            errors["contact_filter.tags"] = "tags must be a list of non-empty strings."
        else:
            from apps.core.custom_fields import custom_field_definitions

            if tags and TAGS_FIELD not in custom_field_definitions("contact"):
                errors["contact_filter.tags"] = (
                    "Contacts have no tags here: define the contact custom field 'tags' (text, tags "
                    "separated by commas) to filter by them."
                )
            cleaned["tags"] = [t.strip() for t in tags]
    if "status" in raw and raw["status"] not in CONTACT_STATUSES:
        errors["contact_filter.status"] = "Only 'active' (live, not trashed) contacts are synced."
    for name in ("created_after", "created_before"):
        if raw.get(name) is None:
            continue
        value = parse_datetime(raw[name]) if isinstance(raw[name], str) else None
        if value is None or value.tzinfo is None:
            errors[f"contact_filter.{name}"] = "Must be an ISO 8601 timestamp with a time zone."
        else:
            cleaned[name] = value.isoformat()
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def _tags_q(tags: list[str]) -> Q:
    query = Q()
    for tag in tags:
        pattern = rf"(^|,)\s*{re.escape(tag)}\s*(,|$)"
        query |= Q(**{f"custom_fields__{TAGS_FIELD}__iregex": pattern})
    return query


def sync_contacts(sync: Sync) -> QuerySet[Contact]:
    """The live contacts a sync sends: its filter, within the reader's scope when it was asked,
    with an email (Mailchimp members are email addresses), in id order (the resume cursor)."""
    spec = sync.request.get("contact_filter") or {}
    queryset = contact_filter(
        contact_queryset().filter(email__isnull=False).exclude(email=""),
        created_after=_when(spec.get("created_after")),
        created_before=_when(spec.get("created_before")),
    )
    if spec.get("tags"):
        queryset = queryset.filter(_tags_q(spec["tags"]))
    return scope_queryset(queryset, sync.owner, sync.permission_scope).order_by("id")


def _when(value: str | None) -> datetime | None:
    return parse_datetime(value) if value else None

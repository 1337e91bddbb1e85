"""A calendar event at the provider (Google Calendar), and with `crm_context.create_crm_activity`
the CRM event activity for it, linked to the deal and to the attendees who are contacts.

The CRM event is written first, through the activities service (its checks of the deal and the
contacts), and the provider is called inside the same transaction: a refused call rolls the CRM
event back (its `event.created` never leaves the outbox), so neither side is left half done.
"""

from datetime import datetime
from typing import Any

from django.db import transaction

from apps.activities.services import event_create
from apps.contacts.models import Contact
from apps.integrations.choices import LinkKind
from apps.integrations.models import Connection, ExternalLink
from apps.integrations.services.connections import connection_adapter


def _iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def _attendee_contacts(attendees: list[dict]) -> list[str]:
    """Contact ids of the attendees: the `contact_id` given, else the live contact with that email."""
    ids = [a["contact_id"] for a in attendees if a.get("contact_id")]
    emails = [a["email"].lower() for a in attendees if not a.get("contact_id")]
    if emails:
        ids += list(Contact.objects.filter(email__in=emails).values_list("id", flat=True))
    return list(dict.fromkeys(ids))


def google_event_body(event: dict[str, Any], *, private: dict[str, str]) -> dict[str, Any]:
    body: dict[str, Any] = {
        "summary": event["title"],
        "start": {"dateTime": _iso(event["start_time"])},
        "end": {"dateTime": _iso(event["end_time"])},
    }
    if event.get("description"):
        body["description"] = event["description"]
    if event.get("location"):
        body["location"] = event["location"]
    if event.get("attendees"):
        body["attendees"] = [
            {"email": a["email"], **({"displayName": a["name"]} if a.get("name") else {})} for a in event["attendees"]
        ]
    if private:
        body["extendedProperties"] = {"private": private}
    return body


def calendar_event_create(
    *, actor, connection: Connection, calendar_id: str, event: dict[str, Any], crm_context: dict[str, Any]
) -> dict[str, Any]:
    adapter = connection_adapter(connection)
    deal_id = crm_context.get("deal_id") or ""
    with transaction.atomic():
        crm_event = None
        if crm_context.get("create_crm_activity"):
            data: dict[str, Any] = {
                "title": event["title"],
                "description": event.get("description") or "",
                "start_time": event["start_time"],
                "end_time": event["end_time"],
                "location": event.get("location") or "",
                "attendees": _attendee_contacts(event.get("attendees") or []),
            }
            if deal_id:
                data["related"] = {"type": "deal", "id": deal_id}
            crm_event = event_create(actor=actor, data=data, can_reassign=False)
        private = {"crm_deal_id": deal_id, "crm_event_id": crm_event.pk if crm_event else ""}
        created = adapter.event_insert(
            calendar_id, google_event_body(event, private={k: v for k, v in private.items() if v})
        )
        record_id = crm_event.pk if crm_event else deal_id
        if record_id:
            ExternalLink.objects.create(
                provider=connection.provider,
                kind=LinkKind.CALENDAR_EVENT,
                record_id=record_id,
                external_id=created["id"],
                external_url=created.get("htmlLink") or "",
                data={
                    "calendar_id": calendar_id,
                    "deal_id": deal_id,
                    "activity_type": crm_context.get("activity_type"),
                },
                created_by=actor,
            )
    return {
        "provider": connection.provider,
        "calendar_id": calendar_id,
        "event": {
            "id": created["id"],
            "html_link": created.get("htmlLink"),
            "status": created.get("status"),
            "ical_uid": created.get("iCalUID"),
            "title": created.get("summary", event["title"]),
            "start_time": (created.get("start") or {}).get("dateTime") or _iso(event["start_time"]),
            "end_time": (created.get("end") or {}).get("dateTime") or _iso(event["end_time"]),
        },
        "crm_activity": None
        if crm_event is None
        else {
            "id": crm_event.pk,
            "type": "event",
            "activity_type": crm_context.get("activity_type"),
            "deal_id": deal_id or None,
            "attendee_contact_ids": sorted(c.pk for c in crm_event.attendee_contacts.all()),
        },
    }

"""`event_emit`: how every service announces a change. Call it inside the change's transaction."""

from django.db import connection, transaction

from apps.events.models import OutboxEvent
from apps.events.types import EventType


def event_emit(
    event_type: EventType | str,
    *,
    data: dict,
    record_id: str = "",
    owner_id: str | None = "",
    actor=None,
) -> OutboxEvent:
    """Writes the event to the outbox in the caller's transaction; it is published after commit.

    A change that rolls back takes its event with it; one that commits always yields it, once.
    """
    event = OutboxEvent.objects.create(
        event_type=str(event_type),
        record_id=record_id,
        owner_id=owner_id or "",
        actor=actor if getattr(actor, "pk", None) else None,
        data=data,
    )
    schema_name = connection.schema_name
    transaction.on_commit(lambda: _schedule_publish(schema_name, event.seq))
    return event


def _schedule_publish(schema_name: str, seq: int) -> None:
    """Hands the committed event to the dispatcher. Delivery lives in apps.events.dispatch."""
    from apps.events import dispatch

    dispatch.schedule(schema_name, seq)


def event_payload(event: OutboxEvent) -> dict:
    """The one event object of the contract, the same for webhooks, /ws, SSE and subscriptions."""
    return {
        "event_id": event.event_id,
        "event_type": event.event_type,
        "timestamp": event.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "tenant_id": connection.schema_name,
        "data": event.data,
    }

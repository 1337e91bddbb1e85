"""`event_emit`: how every service announces a change. Call it inside the change's transaction.

Then the dispatcher (`events_publish_pending`, run by Celery after commit and by the beat sweep)
places each committed event in the published log once, creates its webhook deliveries in the
same transaction, and broadcasts it to the Channels layer (/ws).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from apps.events.models import OutboxEvent
from apps.events.types import EventType

logger = logging.getLogger("crm.events")

PUBLISH_BATCH = 500


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
    _publish_after_commit(connection.schema_name, event.seq)
    return event


class _PublishOnCommit:
    """One dispatcher wake-up per transaction and schema, however many events it emits."""

    def __init__(self, schema_name: str, seq: int) -> None:
        self.schema_name = schema_name
        self.seq = seq

    def __call__(self) -> None:
        from apps.events import dispatch

        dispatch.schedule(self.schema_name, self.seq)


def _publish_after_commit(schema_name: str, seq: int) -> None:
    # Callbacks of a rolled-back savepoint leave this list, so a later emit registers again.
    for _sids, callback, _robust in connection.run_on_commit:
        if isinstance(callback, _PublishOnCommit) and callback.schema_name == schema_name:
            callback.seq = max(callback.seq, seq)
            return
    transaction.on_commit(_PublishOnCommit(schema_name, seq), robust=True)


def event_timestamp(event: OutboxEvent) -> str:
    return event.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")


def event_payload(event: OutboxEvent) -> dict:
    """The one event object of the contract, the same for webhooks, /ws, SSE and subscriptions."""
    return {
        "event_id": event.event_id,
        "event_type": event.event_type,
        "timestamp": event_timestamp(event),
        "tenant_id": connection.schema_name,
        "data": event.data,
    }


def event_message(event: OutboxEvent) -> dict:
    """What the Channels layer carries: the event object plus what permission checks need."""
    return {
        **event_payload(event),
        "position": event.position,
        "record_id": event.record_id,
        "owner_id": event.owner_id,
        "owner_team_id": event.owner_team_id,
        "owner_department_id": event.owner_department_id,
    }


def events_publish_pending(*, batch: int = PUBLISH_BATCH) -> int:
    """Publishes every committed, unpublished event of the current tenant, in order. Returns how many.

    Each batch is one transaction under a per-tenant advisory lock: positions are given in
    order, the webhook deliveries are created, and only then is the batch visible to cursors —
    so an event is published exactly once even with several dispatchers running.

    A dispatcher that finds the lock taken does not wait (it would hold a worker for nothing):
    it leaves a note that the holder reads before it stops, then tries once more. Either the
    holder makes another pass, or this one gets the lock — so no committed event is left behind.
    """
    published = 0
    while True:
        events = _publish_batch(batch)
        if events is None:  # another dispatcher holds the lock
            _ask_for_another_pass()
            events = _publish_batch(batch)
            if events is None:
                return published
        if events:
            published += len(events)
            events_broadcast(events)
            from apps.webhooks.services import deliveries_enqueue

            deliveries_enqueue(event_ids=[event.event_id for event in events])
            from apps.ai.services import ai_outcomes_observed  # retrains once enough outcomes accrued

            ai_outcomes_observed([event.event_type for event in events])
        if len(events) < batch and not _another_pass_asked():
            return published


_AGAIN_KEY = "events:publish:again"  # the cache key function adds the tenant's schema


def _ask_for_another_pass() -> None:
    try:
        cache.set(_AGAIN_KEY, 1, timeout=300)
    except Exception:  # noqa: BLE001 — no cache: the beat sweep still finds the event
        logger.warning("events: could not leave a note for the running dispatcher")


def _another_pass_asked() -> bool:
    try:
        return bool(cache.delete(_AGAIN_KEY))
    except Exception:  # noqa: BLE001
        return False


# One statement under the lock: the oldest committed unpublished events get the next positions
# (in seq order), their publication time and their owner's team and department.
_PUBLISH_SQL = """
WITH batch AS (
    SELECT seq, row_number() OVER (ORDER BY seq) AS n
    FROM (SELECT seq FROM {events} WHERE published_at IS NULL ORDER BY seq LIMIT %(batch)s) pending
), head AS (
    SELECT COALESCE(MAX(position), 0) AS last FROM {events}
)
UPDATE {events} AS e
SET position = head.last + batch.n,
    published_at = %(now)s,
    owner_team_id = COALESCE((SELECT u.team_id FROM {users} u WHERE u.id = e.owner_id), ''),
    owner_department_id = COALESCE((SELECT u.department_id FROM {users} u WHERE u.id = e.owner_id), '')
FROM batch, head
WHERE e.seq = batch.seq
RETURNING e.*
"""


@transaction.atomic
def _publish_batch(batch: int) -> list[OutboxEvent] | None:
    """The next batch, published; None when another dispatcher holds the tenant's lock."""
    from apps.users.models import User

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(hashtextextended(%s, 0))", ["crm.events.publish"])
        if not cursor.fetchone()[0]:
            return None
    sql = _PUBLISH_SQL.format(events=OutboxEvent._meta.db_table, users=User._meta.db_table)
    events = sorted(OutboxEvent.objects.raw(sql, {"batch": batch, "now": timezone.now()}), key=lambda e: e.position)
    if events:
        from apps.webhooks.services import deliveries_create

        deliveries_create(events=events)
    return events


def events_broadcast(events: list[OutboxEvent]) -> bool:
    """Sends published events to their Channels groups; marks them sent. False if the layer is down."""
    from apps.events.groups import broadcast

    try:
        broadcast([event_message(event) for event in events])
    except Exception:  # noqa: BLE001 — Redis down: the sweep sends them again when it returns
        logger.warning("events: broadcast of %d events failed; the sweep will retry", len(events), exc_info=True)
        return False
    OutboxEvent.objects.filter(pk__in=[event.pk for event in events]).update(broadcast_at=timezone.now())
    return True


def events_sweep() -> dict:
    """What beat runs per tenant: publishes what was left behind, re-broadcasts, re-queues deliveries."""
    settle = timezone.now() - timedelta(seconds=settings.CRM_EVENTS_SETTLE_SECONDS)
    published = 0
    if OutboxEvent.objects.filter(published_at__isnull=True, created_at__lt=settle).exists():
        published = events_publish_pending()
    stale = timezone.now() - timedelta(hours=1)
    not_sent = list(
        OutboxEvent.objects.filter(broadcast_at__isnull=True, position__isnull=False, published_at__lt=settle).order_by(
            "position"
        )[:PUBLISH_BATCH]
    )
    rebroadcast = 0
    if not_sent:
        recent = [event for event in not_sent if event.published_at >= stale]
        old = [event.pk for event in not_sent if event.published_at < stale]
        if recent and events_broadcast(recent):
            rebroadcast = len(recent)
        # Live listeners only want fresh news; the log still has these for cursors.
        OutboxEvent.objects.filter(pk__in=old).update(broadcast_at=timezone.now())
    from apps.webhooks.services import deliveries_requeue_stalled

    return {"published": published, "rebroadcast": rebroadcast, "requeued": deliveries_requeue_stalled()}


def events_purge() -> int:
    """Deletes events older than the retention period (30 days), with their webhook deliveries."""
    cutoff = timezone.now() - timedelta(days=settings.CRM_EVENTS_RETENTION_DAYS)
    from apps.webhooks.services import deliveries_purge

    deliveries_purge(before=cutoff)
    deleted, _ = OutboxEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted

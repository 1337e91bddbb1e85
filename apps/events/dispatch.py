"""Hands committed outbox events to the Celery dispatcher.

Called after commit by `event_emit`. It never raises: when the broker (Redis) is unreachable the
event simply waits in the outbox, and the beat sweep publishes it once Redis is back.
"""

import logging

logger = logging.getLogger("crm.events")


def schedule(schema_name: str, seq: int) -> None:
    from apps.events.tasks import events_publish

    try:
        events_publish.apply_async(headers={"_schema_name": schema_name}, retry=False)
    except Exception:  # noqa: BLE001 — broker down: the sweep will find the event
        logger.warning("events: could not queue publication of %s seq %s; left to the sweep", schema_name, seq)

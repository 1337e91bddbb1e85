"""Celery tasks of the event log. Each runs in one tenant's schema (tenant-schemas-celery)."""

from celery import shared_task

from apps.events import services


@shared_task(name="events.publish", ignore_result=True)
def events_publish() -> int:
    """Publishes what the tenant's outbox holds (queued after each commit that emitted events)."""
    return services.events_publish_pending()


@shared_task(name="events.sweep", ignore_result=True)
def events_sweep() -> dict:
    """Beat, every few seconds per tenant: whatever a Redis or worker outage left behind."""
    return services.events_sweep()


@shared_task(name="events.purge", ignore_result=True)
def events_purge() -> int:
    """Beat, daily per tenant: events are kept 30 days."""
    return services.events_purge()


@shared_task(name="events.tasks_due", ignore_result=True)
def tasks_due_notify() -> int:
    """Beat, every minute per tenant: `task.due` once for each task that fell due."""
    from apps.events.due import tasks_due_notify as notify

    return notify()

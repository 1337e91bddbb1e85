"""Celery tasks of webhooks. Each runs in one tenant's schema (tenant-schemas-celery)."""

from celery import shared_task

from apps.webhooks import services


@shared_task(name="webhooks.deliver", ignore_result=True)
def webhook_deliver(delivery_id: str) -> str | None:
    """One attempt of a delivery; a failed attempt queues the next one itself (with backoff)."""
    return services.delivery_attempt(delivery_id=delivery_id)

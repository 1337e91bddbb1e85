"""Celery tasks of webhooks. Each runs in one tenant's schema (tenant-schemas-celery)."""

from celery import shared_task

from apps.webhooks import services


@shared_task(name="webhooks.deliver", ignore_result=True)
def webhook_deliver(delivery_ids: list[str]) -> dict[str, str]:
    """One attempt of each delivery (sent concurrently); failed ones queue their next attempt."""
    return services.deliveries_attempt(delivery_ids=delivery_ids)

"""Core background work: housekeeping, and a probe proving tasks run in their tenant's schema."""

from datetime import timedelta

from celery import shared_task
from django.db import connection
from django.utils import timezone


@shared_task
def tenant_probe(token: str) -> str:
    """Records which schema the task ran in under `probe:<token>` (read raw from Redis by tests)."""
    from django_redis import get_redis_connection

    get_redis_connection("default").set(f"probe:{token}", connection.schema_name, ex=300)
    return connection.schema_name


@shared_task
def idempotency_records_purge() -> int:
    """Deletes stored idempotent responses older than 24 hours (run per tenant by beat)."""
    from apps.core.models import IdempotencyRecord

    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - timedelta(hours=24)).delete()
    return deleted

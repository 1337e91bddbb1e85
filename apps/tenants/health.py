"""Platform health for operators: database, Redis, Celery queue depth, outbox lag per tenant."""

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.tenants.selectors import tenant_list


def _check(fn) -> dict:
    try:
        return {"ok": True, "value": fn()}
    except Exception as exc:  # health reports failures, it never raises them
        return {"ok": False, "value": f"{exc.__class__.__name__}: {exc}"}


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        return cursor.fetchone()[0].split(",")[0]


def _redis() -> str:
    from django_redis import get_redis_connection

    info = get_redis_connection("default").info("server")
    return f"Redis {info.get('redis_version')}"


def _queue_depth() -> int:
    import redis

    from crm.settings.data import redis_url

    client = redis.Redis.from_url(redis_url(2))
    return int(client.llen("celery"))


def _outbox_lag() -> dict:
    from apps.events.models import OutboxEvent

    lag = {}
    for tenant in tenant_list():
        with tenant_context(tenant):
            oldest = OutboxEvent.objects.filter(published_at__isnull=True).order_by("seq").first()
            pending = OutboxEvent.objects.filter(published_at__isnull=True).count()
        lag[tenant.schema_name] = {
            "pending": pending,
            "oldest_seconds": int((timezone.now() - oldest.created_at).total_seconds()) if oldest else 0,
        }
    connection.set_schema_to_public()
    return lag


def platform_health() -> dict:
    return {
        "database": _check(_database),
        "redis": _check(_redis),
        "celery_queue_depth": _check(_queue_depth),
        "outbox_lag": _check(_outbox_lag),
        "base_domain": {"ok": True, "value": settings.CRM_BASE_DOMAIN},
    }

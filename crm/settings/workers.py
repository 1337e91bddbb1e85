"""Celery (tenant-aware) and Channels."""

from celery.schedules import crontab

from crm.settings.data import redis_url
from crm.settings.env import env


def _celery_url(url: str) -> str:
    # kombu names the Unix-socket Redis transport redis+socket://
    return url.replace("unix://", "redis+socket://", 1)


CELERY_BROKER_URL = _celery_url(redis_url(2))
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_TASK_DEFAULT_QUEUE = "celery"
# Every entry runs once per tenant schema (apps.events.beat).
CELERY_BEAT_SCHEDULER = "apps.events.beat:TenantBeatScheduler"
CRM_EVENTS_SWEEP_SECONDS = float(env("CRM_EVENTS_SWEEP_SECONDS", "10"))
CELERY_BEAT_SCHEDULE: dict = {
    "events-sweep": {"task": "events.sweep", "schedule": CRM_EVENTS_SWEEP_SECONDS},
    "events-tasks-due": {"task": "events.tasks_due", "schedule": 60.0},
    "events-purge": {"task": "events.purge", "schedule": crontab(hour=3, minute=17)},
    "bulk-exports-purge": {"task": "bulk.exports_purge", "schedule": crontab(hour=3, minute=41)},
    "history-trash-purge": {"task": "history.trash_purge", "schedule": crontab(hour=3, minute=29)},
    "ai-train-nightly": {"task": "ai.train_nightly", "schedule": crontab(hour=2, minute=23)},
}

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        # redis-py 8 reads with a 5 s socket timeout by default, the very time channels-redis blocks
        # on BZPOPMIN: an idle consumer would then crash with "Timeout reading". Read longer.
        # Each server process listens once per event group (apps/realtime/hub.py): allow bursts.
        "CONFIG": {
            "hosts": [{"address": redis_url(3), "socket_timeout": 15}],
            "prefix": "asgi",
            "capacity": 2000,
        },
    }
}

# A process serving a test database (CRM_DATABASE_NAME) shares Redis with other test runs and with
# `make run`: its Celery queue and Channels groups get their own names.
if env("CRM_DATABASE_NAME"):
    CELERY_TASK_DEFAULT_QUEUE = f"crm.{env('CRM_DATABASE_NAME')}"
    CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = f"asgi.{env('CRM_DATABASE_NAME')}"

# Events, live updates, webhooks.
CRM_EVENTS_RETENTION_DAYS = 30
CRM_EVENTS_SETTLE_SECONDS = 2  # the sweep leaves younger events to the dispatcher queued at commit
CRM_REALTIME_HEARTBEAT_SECONDS = float(env("CRM_REALTIME_HEARTBEAT_SECONDS", "25"))
CRM_WEBHOOKS_DISABLE_AFTER_FAILURES = 5  # consecutive deliveries failed after all their retries
CRM_WEBHOOKS_RESPONSE_BODY_LIMIT = 2048  # bytes of a receiver's answer kept in the delivery log
CRM_WEBHOOKS_SECRET_ROTATION_HOURS = 24  # a replaced secret keeps signing (second v1=) this long

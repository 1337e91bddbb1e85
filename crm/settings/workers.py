"""Celery (tenant-aware) and Channels."""

from crm.settings.data import redis_url


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
CELERY_BEAT_SCHEDULE: dict = {}

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [redis_url(3)]},
    }
}

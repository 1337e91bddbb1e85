from django.conf import settings
from django.db import models

from apps.core.ids import new_id


def _event_id() -> str:
    return new_id("evt")


class OutboxEvent(models.Model):
    """One event, written in the same transaction as the change it describes.

    `seq` orders events for cursors (`/v1/events?after=`, SSE `Last-Event-ID`); `published_at` is
    set once the dispatcher has handed it to webhooks, /ws, SSE and GraphQL subscriptions.
    """

    seq = models.BigAutoField(primary_key=True)
    event_id = models.CharField(max_length=40, unique=True, default=_event_id, editable=False)
    event_type = models.CharField(max_length=64, db_index=True)
    record_id = models.CharField(max_length=40, blank=True, db_index=True)
    owner_id = models.CharField(max_length=40, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"{self.event_id} {self.event_type}"

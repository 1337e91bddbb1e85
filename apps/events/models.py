from django.conf import settings
from django.db import models

from apps.core.ids import new_id


def _event_id() -> str:
    return new_id("evt")


class OutboxEvent(models.Model):
    """One event, written in the same transaction as the change it describes.

    `seq` is taken when the row is inserted, i.e. BEFORE its transaction commits, so a reader may see
    seq 11 committed while seq 10 is still in flight: `seq` is never a cursor. The dispatcher gives
    each committed event a `position` (its place in the published log, assigned under a per-tenant
    lock, strictly increasing in commit-discovery order). Every cursor (`/v1/events?after=`, SSE
    `Last-Event-ID`, /ws catch-up) reads positions, so an event that commits late is placed after
    the ones already read and is never skipped.
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
    # Set by the dispatcher, once, in one transaction with the webhook deliveries it creates.
    position = models.BigIntegerField(null=True, blank=True, unique=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # The owner's team and department when published: lets /ws and SSE check ownership scopes
    # without a query per subscriber.
    owner_team_id = models.CharField(max_length=40, blank=True)
    owner_department_id = models.CharField(max_length=40, blank=True)
    # Set once the event reached the Channels layer (/ws); the sweep retries it.
    broadcast_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["seq"], name="events_unpublished", condition=models.Q(published_at__isnull=True)),
            models.Index(
                fields=["position"],
                name="events_not_broadcast",
                condition=models.Q(broadcast_at__isnull=True, position__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} {self.event_type}"

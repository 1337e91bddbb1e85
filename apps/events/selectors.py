"""Reading the published event log by cursor: one log behind /v1/events, SSE, /ws and subscriptions."""

from django.db.models import QuerySet

from apps.core.errors import ValidationFailed
from apps.events.models import OutboxEvent
from apps.events.permissions import event_visible_to, events_visible_q


def event_position(event_id: str, *, field: str = "after") -> int:
    """The log position of a cursor event id; unknown (or purged after 30 days) answers 400."""
    position = (
        OutboxEvent.objects.filter(event_id=event_id, position__isnull=False).values_list("position", flat=True).first()
    )
    if position is None:
        raise ValidationFailed({field: f"Unknown event id '{event_id}' (events are kept 30 days)."})
    return position


def log_head() -> int:
    """The position of the newest published event (0 when none): where a live stream starts."""
    last = OutboxEvent.objects.filter(position__isnull=False).order_by("-position").values_list("position", flat=True)
    return last.first() or 0


def events_after(
    *,
    position: int,
    grants: list[str],
    user,
    types: list[str] | None = None,
    owner_id: str | None = None,
    limit: int = 100,
) -> tuple[list[OutboxEvent], bool]:
    """Published events after `position`, in log order, that the caller may see. Returns (events, more)."""
    queryset: QuerySet[OutboxEvent] = OutboxEvent.objects.filter(position__gt=position).filter(
        events_visible_q(grants, user)
    )
    if types:
        queryset = queryset.filter(event_type__in=types)
    if owner_id:
        queryset = queryset.filter(owner_id=owner_id)
    rows = list(queryset.order_by("position")[: limit + 1])
    more = len(rows) > limit
    return [event for event in rows[:limit] if event_visible_to(event, grants, user)], more

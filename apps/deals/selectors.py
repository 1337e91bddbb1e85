"""Reads on deals: the list queryset and the soonest next activity of many deals at once."""

from django.db.models import QuerySet
from django.utils import timezone

from apps.deals.models import Deal, DealStageChange


def deal_queryset() -> QuerySet[Deal]:
    """Live deals with what their representation needs (stage for slug, status and probability)."""
    return Deal.objects.select_related("stage")


def deal_next_activities(deal_ids: list[str]) -> dict[str, dict]:
    """Per deal id: the soonest open task (by due date) or upcoming event, whichever comes first.

    Two queries whatever the number of deals (DISTINCT ON per deal for tasks and for events).
    """
    from apps.activities.models import Event, Task

    if not deal_ids:
        return {}
    now = timezone.now()
    tasks = (
        Task.objects.filter(related_type="deal", related_id__in=deal_ids, status__in=["pending", "in_progress"])
        .order_by("related_id", "due_date", "created_at")
        .distinct("related_id")
        .only("id", "title", "due_date", "priority", "status", "related_id")
    )
    events = (
        Event.objects.filter(related_type="deal", related_id__in=deal_ids, start_time__gte=now)
        .order_by("related_id", "start_time")
        .distinct("related_id")
        .only("id", "title", "start_time", "end_time", "location", "related_id")
    )
    found: dict[str, dict] = {}
    for task in tasks:
        found[task.related_id] = {
            "type": "task",
            "id": task.pk,
            "title": task.title,
            "dueDate": task.due_date.isoformat().replace("+00:00", "Z") if task.due_date else None,
            "priority": task.priority,
            "status": task.status,
            "_at": task.due_date,
        }
    for event in events:
        current = found.get(event.related_id)
        if current is None or current["_at"] is None or event.start_time < current["_at"]:
            found[event.related_id] = {
                "type": "event",
                "id": event.pk,
                "title": event.title,
                "startTime": event.start_time.isoformat().replace("+00:00", "Z"),
                "endTime": event.end_time.isoformat().replace("+00:00", "Z"),
                "location": event.location,
                "_at": event.start_time,
            }
    return {deal_id: {k: v for k, v in item.items() if k != "_at"} for deal_id, item in found.items()}


def deal_stage_history(deal: Deal) -> QuerySet[DealStageChange]:
    return (
        DealStageChange.objects.filter(deal=deal)
        .select_related("from_stage", "to_stage", "changed_by")
        .order_by("created_at", "pk")
    )

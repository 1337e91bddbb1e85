"""`task.due`: announced once, by beat, for each open task whose due date has passed."""

from django.db import transaction
from django.utils import timezone

from apps.activities.choices import TaskStatus
from apps.activities.models import Task
from apps.events.services import event_emit
from apps.events.types import EventType

DUE_BATCH = 200


def _due_payload(task: Task) -> dict:
    return {
        "task_id": task.pk,
        "title": task.title,
        "due_date": task.due_date.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "priority": task.priority,
        "status": task.status,
        "assigned_to": task.assigned_to_id,
        "related_type": task.related_type or None,
        "related_id": task.related_id or None,
    }


def tasks_due_notify(*, now=None) -> int:
    """Emits `task.due` for open, due, not yet announced tasks and stamps `due_notified_at`.

    Rows are locked with SKIP LOCKED and stamped in the event's transaction, so two beats never
    announce a task twice. (A service that moves `due_date` later clears `due_notified_at`.)
    """
    now = now or timezone.now()
    announced = 0
    while True:
        with transaction.atomic():
            tasks = list(
                Task.objects.select_for_update(skip_locked=True)
                .filter(
                    due_date__lte=now,
                    due_notified_at__isnull=True,
                    status__in=[TaskStatus.PENDING, TaskStatus.IN_PROGRESS],
                )
                .order_by("due_date")[:DUE_BATCH]
            )
            for task in tasks:
                event_emit(
                    EventType.TASK_DUE,
                    data=_due_payload(task),
                    record_id=task.pk,
                    owner_id=task.assigned_to_id or task.owner_id,
                )
                task.due_notified_at = now
            Task.objects.bulk_update(tasks, ["due_notified_at"])
        announced += len(tasks)
        if len(tasks) < DUE_BATCH:
            return announced

from rest_framework import serializers

from apps.activities.choices import CommunicationDirection, CommunicationType, RelatedType, TaskPriority, TaskStatus
from apps.activities.models import Communication, Event, Task
from apps.contacts.api.serializers import iso
from apps.core.api.serializers import StrictSerializer


class RelatedToSerializer(StrictSerializer):
    type = serializers.ChoiceField(choices=RelatedType.choices)
    id = serializers.CharField(max_length=40)


def related_to(activity) -> dict | None:
    if not activity.related_type:
        return None
    return {"type": activity.related_type, "id": activity.related_id}


def _common(activity) -> dict:
    return {
        "relatedTo": related_to(activity),
        "ownerId": activity.owner_id,
        "createdAt": iso(activity.created_at),
        "updatedAt": iso(activity.updated_at),
    }


class TaskSerializer(StrictSerializer):
    id = serializers.CharField(read_only=True)
    title = serializers.CharField(max_length=255)
    description = serializers.CharField(required=False, allow_blank=True)
    dueDate = serializers.DateTimeField(source="due_date", required=False, allow_null=True)
    priority = serializers.ChoiceField(choices=TaskPriority.choices, required=False)
    status = serializers.ChoiceField(choices=TaskStatus.choices, required=False)
    assignedTo = serializers.CharField(source="assigned_to_id", required=False, allow_null=True, max_length=40)
    relatedTo = RelatedToSerializer(source="related", required=False, allow_null=True)
    ownerId = serializers.CharField(source="owner_id", required=False, allow_null=True, max_length=40)

    def to_representation(self, task: Task) -> dict:
        from django.utils import timezone

        overdue = bool(
            task.due_date and task.status not in ("completed", "cancelled") and task.due_date < timezone.now()
        )
        return {
            "id": task.pk,
            "title": task.title,
            "description": task.description or None,
            "dueDate": iso(task.due_date),
            "priority": task.priority,
            "status": task.status,
            "assignedTo": task.assigned_to_id,
            "completedAt": iso(task.completed_at),
            "isOverdue": overdue,
            **_common(task),
        }


class EventSerializer(StrictSerializer):
    id = serializers.CharField(read_only=True)
    title = serializers.CharField(max_length=255)
    description = serializers.CharField(required=False, allow_blank=True)
    startTime = serializers.DateTimeField(source="start_time")
    endTime = serializers.DateTimeField(source="end_time")
    location = serializers.CharField(required=False, allow_blank=True, max_length=255)
    attendees = serializers.ListField(child=serializers.CharField(max_length=40), required=False, max_length=500)
    relatedTo = RelatedToSerializer(source="related", required=False, allow_null=True)
    ownerId = serializers.CharField(source="owner_id", required=False, allow_null=True, max_length=40)

    def to_representation(self, event: Event) -> dict:
        return {
            "id": event.pk,
            "title": event.title,
            "description": event.description or None,
            "startTime": iso(event.start_time),
            "endTime": iso(event.end_time),
            "duration": int((event.end_time - event.start_time).total_seconds() // 60),
            "location": event.location or None,
            "attendees": [u.pk for u in event.attendee_users.all()] + [c.pk for c in event.attendee_contacts.all()],
            **_common(event),
        }


class CommunicationSerializer(StrictSerializer):
    id = serializers.CharField(read_only=True)
    type = serializers.ChoiceField(choices=CommunicationType.choices)
    direction = serializers.ChoiceField(choices=CommunicationDirection.choices)
    subject = serializers.CharField(required=False, allow_blank=True, max_length=500)
    content = serializers.CharField()
    timestamp = serializers.DateTimeField(required=False)
    participants = serializers.ListField(child=serializers.CharField(max_length=40), required=False, max_length=500)
    relatedTo = RelatedToSerializer(source="related", required=False, allow_null=True)
    ownerId = serializers.CharField(source="owner_id", required=False, allow_null=True, max_length=40)

    def to_representation(self, communication: Communication) -> dict:
        return {
            "id": communication.pk,
            "type": communication.type,
            "direction": communication.direction,
            "subject": communication.subject or None,
            "content": communication.content,
            "timestamp": iso(communication.timestamp),
            "participants": [c.pk for c in communication.participants.all()],
            **_common(communication),
        }


SERIALIZERS = {"task": TaskSerializer, "event": EventSerializer, "communication": CommunicationSerializer}


def timeline_item(kind: str, activity, at) -> dict:
    """`type` says which kind the item is; the activity itself sits under that kind's name."""
    return {"type": kind, "id": activity.pk, "occurredAt": iso(at), kind: SERIALIZERS[kind](activity).data}

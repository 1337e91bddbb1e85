"""Subscriptions to activities: `newActivity`, `taskDue`."""

import graphene

from apps.activities.choices import TaskStatus
from apps.activities.graphql.types import Activity, TaskType
from apps.activities.models import Communication, Event, Task
from apps.core.graphql.permissions import quietly_scoped, require
from apps.core.graphql.subscriptions import event_record_id
from apps.events.types import EventType

NEW_ACTIVITY = {
    EventType.TASK_CREATED: ("task", Task),
    EventType.EVENT_CREATED: ("event", Event),
    EventType.COMMUNICATION_LOGGED: ("comm", Communication),
}


def _concerns(activity, user_id: str) -> bool:
    """Whether an activity is the user's: assigned to them (or theirs when unassigned), or an
    event they attend."""
    if isinstance(activity, Task):
        return (activity.assigned_to_id or activity.owner_id) == user_id
    if isinstance(activity, Event):
        return activity.owner_id == user_id or activity.attendee_users.filter(pk=user_id).exists()
    return activity.owner_id == user_id


class ActivitySubscriptions(graphene.ObjectType):
    new_activity = graphene.Field(
        Activity,
        user_id=graphene.ID(required=True),
        description="A task, event or communication for this user was created.",
    )
    task_due = graphene.Field(
        TaskType, user_id=graphene.ID(required=True), description="A task of this user has come due."
    )

    async def subscribe_new_activity(root, info, user_id):
        require(info, "activities:read")
        async for event in info.context.events(*NEW_ACTIVITY):
            yield event

    def resolve_new_activity(event, info, user_id):
        prefix, model = NEW_ACTIVITY[event["event_type"]]
        record_id = event_record_id(event, prefix)
        activity = quietly_scoped(info, model.objects.all(), "activities").filter(pk=record_id).first()
        return activity if activity is not None and _concerns(activity, user_id) else None

    async def subscribe_task_due(root, info, user_id):
        require(info, "activities:read")
        async for event in info.context.events(EventType.TASK_DUE):
            yield event

    def resolve_task_due(event, info, user_id):
        task = (
            quietly_scoped(info, Task.objects.all(), "activities")
            .filter(pk=event_record_id(event, "task"))
            .exclude(status__in=[TaskStatus.COMPLETED, TaskStatus.CANCELLED])
            .first()
        )
        return task if task is not None and _concerns(task, user_id) else None

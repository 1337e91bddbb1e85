"""Mutations of activities: `createTask`, `createEvent`, `logCommunication` (REST's actions)."""

import graphene

from apps.activities.graphql.filters import RelatedEntityInput
from apps.activities.graphql.types import (
    CommunicationDirection,
    CommunicationType,
    CommunicationType_,
    EventType,
    Priority,
    TaskStatus,
    TaskType,
)
from apps.activities.models import Communication, Event, Task
from apps.core.graphql.mutations import Payload, RestMutation, record_payload, rest_body
from apps.core.graphql.scalars import DateTime


class CreateTaskInput(graphene.InputObjectType):
    """A new task (the design's REST body)."""

    title = graphene.String(required=True)
    description = graphene.String()
    due_date = DateTime()
    priority = Priority()
    status = TaskStatus()
    assigned_to = graphene.ID(description="The user who should do it.")
    related_to = RelatedEntityInput()


class CreateEventInput(graphene.InputObjectType):
    """A new event (the design's REST body)."""

    title = graphene.String(required=True)
    description = graphene.String()
    start_time = DateTime(required=True)
    end_time = DateTime(required=True)
    location = graphene.String()
    attendees = graphene.List(graphene.NonNull(graphene.ID), description="User and contact ids.")
    related_to = RelatedEntityInput()


class CommunicationInput(graphene.InputObjectType):
    """A communication to log (the design's REST body)."""

    type = CommunicationType(required=True)
    direction = CommunicationDirection(required=True)
    subject = graphene.String()
    content = graphene.String(required=True)
    timestamp = DateTime()
    participants = graphene.List(graphene.NonNull(graphene.ID), description="Contact ids.")
    related_to = RelatedEntityInput()


class TaskPayload(Payload):
    task = graphene.Field(TaskType)


class EventPayload(Payload):
    event = graphene.Field(EventType)


class CommunicationPayload(Payload):
    communication = graphene.Field(CommunicationType_)


def _activity_mutation(name: str, path: str, input_type, payload_type, field: str, model, doc: str):
    class Arguments:
        input = input_type(required=True)

    def rest_request(cls, *, input):
        return "POST", path, rest_body(input)

    def payload(cls, info, data, **arguments):
        return record_payload(payload_type, field, model.objects.all(), data)

    return type(
        name,
        (RestMutation,),
        {
            "__doc__": doc,
            "Output": payload_type,
            "Arguments": Arguments,
            "rest_request": classmethod(rest_request),
            "payload": classmethod(payload),
        },
    )


CreateTask = _activity_mutation(
    "CreateTask",
    "/v1/activities/tasks",
    CreateTaskInput,
    TaskPayload,
    "task",
    Task,
    "Creates a task (as `POST /v1/activities/tasks`).",
)
CreateEvent = _activity_mutation(
    "CreateEvent",
    "/v1/activities/events",
    CreateEventInput,
    EventPayload,
    "event",
    Event,
    "Creates an event (as `POST /v1/activities/events`).",
)
LogCommunication = _activity_mutation(
    "LogCommunication",
    "/v1/activities/communications",
    CommunicationInput,
    CommunicationPayload,
    "communication",
    Communication,
    "Logs a communication (as `POST /v1/activities/communications`).",
)


class ActivityMutations(graphene.ObjectType):
    create_task = CreateTask.Field()
    create_event = CreateEvent.Field()
    log_communication = LogCommunication.Field()

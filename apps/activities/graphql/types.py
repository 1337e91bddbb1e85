"""`Task`, `Event`, `Communication`, the `Activity` union and what an activity relates to."""

import functools

import graphene
from django.utils import timezone

from apps.activities import choices
from apps.activities.graphql.dataloaders import CommunicationParticipantsLoader, EventAttendeesLoader
from apps.core.graphql.connections import CrmConnection
from apps.core.graphql.dataloaders import load_record
from apps.core.graphql.scalars import JSON, DateTime, OptionalText
from apps.users.graphql.types import UserType, load_user

RECENT_DAYS = 7


def _enum(name: str, text_choices, description: str) -> type[graphene.Enum]:
    return graphene.Enum(name, [(value.upper(), value) for value in text_choices.values], description=description)


Priority = _enum("Priority", choices.TaskPriority, "How urgent a task is.")
TaskStatus = _enum("TaskStatus", choices.TaskStatus, "Where a task stands.")
CommunicationType = _enum("CommunicationType", choices.CommunicationType, "The channel of a communication.")
CommunicationDirection = _enum(
    "CommunicationDirection", choices.CommunicationDirection, "Whether we received or sent it."
)


@functools.cache
def related_entity():
    """`union RelatedEntity = Contact | Account | Lead | Deal` (built once those types exist)."""
    from apps.accounts.graphql.types import AccountType
    from apps.contacts.graphql.types import ContactType
    from apps.deals.graphql.types import DealType
    from apps.leads.graphql.types import LeadType

    class RelatedEntity(graphene.Union):
        """The record an activity relates to: a contact, account, lead or deal."""

        class Meta:
            types = (ContactType, AccountType, LeadType, DealType)

        @classmethod
        def resolve_type(cls, instance, info):
            return _graphql_type_name(instance)

    return RelatedEntity


GRAPHQL_TYPES = {
    "Contact": "apps.contacts.graphql.types.ContactType",
    "Account": "apps.accounts.graphql.types.AccountType",
    "Lead": "apps.leads.graphql.types.LeadType",
    "Deal": "apps.deals.graphql.types.DealType",
    "Task": "apps.activities.graphql.types.TaskType",
    "Event": "apps.activities.graphql.types.EventType",
    "Communication": "apps.activities.graphql.types.CommunicationType_",
}


def _graphql_type_name(instance):
    """The GraphQL object type of a model instance (for unions)."""
    from django.utils.module_loading import import_string

    return import_string(GRAPHQL_TYPES[type(instance).__name__])


def load_related(info, activity):
    """The record an activity relates to, if the caller may read it."""
    from apps.accounts.models import Account
    from apps.contacts.models import Contact
    from apps.deals.models import Deal
    from apps.leads.models import Lead

    models = {
        "contact": (Contact, "contacts", ()),
        "account": (Account, "accounts", ()),
        "lead": (Lead, "leads", ()),
        "deal": (Deal, "deals", ("stage",)),
    }
    target = models.get(activity.related_type)
    if target is None:
        return None
    model, resource, select = target
    return load_record(info, model, activity.related_id, resource=resource, select=select)


class ActivityFields:
    id = graphene.ID(required=True)
    title = graphene.String(required=True)
    description = OptionalText()
    related_to = graphene.Field(lambda: related_entity(), description="The record this activity is about.")
    owner = graphene.Field(UserType, description="Who owns this activity.")
    custom_fields = JSON()
    created_at = DateTime(required=True)
    updated_at = DateTime(required=True)

    def resolve_related_to(activity, info):
        return load_related(info, activity)

    def resolve_owner(activity, info):
        return load_user(info, activity.owner_id)


class TaskType(ActivityFields, graphene.ObjectType):
    """Something to do, by a due date."""

    class Meta:
        name = "Task"

    due_date = DateTime()
    priority = Priority(required=True)
    status = TaskStatus(required=True)
    assigned_to = graphene.Field(UserType, description="Who should do it (the owner when unassigned).")
    completed_at = DateTime()
    is_overdue = graphene.Boolean(required=True, description="Due in the past and not completed or cancelled.")
    days_until_due = graphene.Int(description="Whole days until the due date (negative when overdue).")

    def resolve_assigned_to(task, info):
        return load_user(info, task.assigned_to_id or task.owner_id)

    def resolve_is_overdue(task, info) -> bool:
        done = task.status in (choices.TaskStatus.COMPLETED, choices.TaskStatus.CANCELLED)
        return bool(task.due_date and task.due_date < timezone.now() and not done)

    def resolve_days_until_due(task, info) -> int | None:
        if task.due_date is None:
            return None
        return (task.due_date - timezone.now()).days


class EventType(ActivityFields, graphene.ObjectType):
    """A meeting or appointment with a start and an end."""

    class Meta:
        name = "Event"

    start_time = DateTime(required=True)
    end_time = DateTime(required=True)
    location = OptionalText()
    attendees = graphene.List(graphene.NonNull(UserType), required=True, description="Users attending.")
    duration = graphene.Int(required=True, description="Length in minutes.")
    is_upcoming = graphene.Boolean(required=True, description="Starts in the future.")

    def resolve_attendees(event, info):
        return EventAttendeesLoader.for_request(info).load(event.pk)

    def resolve_duration(event, info) -> int:
        return int((event.end_time - event.start_time).total_seconds() // 60)

    def resolve_is_upcoming(event, info) -> bool:
        return event.start_time > timezone.now()


class CommunicationType_(ActivityFields, graphene.ObjectType):
    """An email, call, meeting, SMS or note that was exchanged with contacts."""

    class Meta:
        name = "Communication"

    type = CommunicationType(required=True)
    direction = CommunicationDirection(required=True)
    subject = OptionalText()
    content = graphene.String(required=True)
    timestamp = DateTime(required=True)
    participants = graphene.List(
        graphene.NonNull("apps.contacts.graphql.types.ContactType"), required=True, description="Contacts involved."
    )
    is_recent = graphene.Boolean(required=True, description=f"Happened within the last {RECENT_DAYS} days.")

    def resolve_title(communication, info) -> str:
        return communication.title or communication.subject or ""

    def resolve_participants(communication, info):
        return CommunicationParticipantsLoader.for_request(info).load(communication.pk)

    def resolve_is_recent(communication, info) -> bool:
        return timezone.now() - communication.timestamp <= timezone.timedelta(days=RECENT_DAYS)


class Activity(graphene.Union):
    """A task, an event or a communication."""

    class Meta:
        types = (TaskType, EventType, CommunicationType_)

    @classmethod
    def resolve_type(cls, instance, info):
        return _graphql_type_name(instance)


class ActivityConnection(CrmConnection):
    """A page of activities (tasks, events and communications in one order)."""

    class Meta:
        node = Activity


class AutomationRule(graphene.ObjectType):
    """A rule run when a deal enters a stage (see the REST pipelines API)."""

    trigger = graphene.String()
    action = graphene.String()
    conditions = JSON()
    actions = JSON()
    parameters = JSON()

    @staticmethod
    def from_json(rule) -> "AutomationRule":
        rule = rule if isinstance(rule, dict) else {}
        return AutomationRule(
            trigger=rule.get("trigger"),
            action=rule.get("action"),
            conditions=rule.get("conditions"),
            actions=rule.get("actions"),
            parameters=rule.get("parameters"),
        )

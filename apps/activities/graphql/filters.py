"""`ActivityFilter`: conditions shared by tasks, events and communications."""

import graphene
from django.db.models import Q

from apps.core.graphql.filters import DateTimeFilter, FilterSpec, IDFilter, StringFilter, filter_input
from apps.core.graphql.sorting import sort_input


class ActivityKind(graphene.Enum):
    """The three kinds of activity."""

    TASK = "task"
    EVENT = "event"
    COMMUNICATION = "communication"


class RelatedEntityType(graphene.Enum):
    """The kinds of record an activity may relate to."""

    CONTACT = "contact"
    ACCOUNT = "account"
    LEAD = "lead"
    DEAL = "deal"


class RelatedEntityInput(graphene.InputObjectType):
    """A record activities relate to: its kind and id."""

    type = RelatedEntityType(required=True)
    id = graphene.ID(required=True)


ACTIVITY_FILTER = FilterSpec(
    {
        "id": "pk",
        "title": "title",
        "description": "description",
        "owner_id": "owner_id",
        "related_id": "related_id",
        "related_type": "related_type",
        "created_at": "created_at",
        "updated_at": "updated_at",
        "kind": lambda condition: Q(),  # chooses the tables to read, see kinds_wanted
    }
)

ActivityFilter = filter_input(
    "ActivityFilter",
    "Conditions on activities; all given conditions must hold.",
    {
        "id": IDFilter(),
        "title": StringFilter(),
        "description": StringFilter(),
        "owner_id": IDFilter(),
        "related_id": IDFilter(),
        "related_type": StringFilter(description="contact, account, lead or deal."),
        "created_at": DateTimeFilter(),
        "updated_at": DateTimeFilter(),
        "kind": graphene.List(graphene.NonNull(ActivityKind), description="Only these kinds of activity."),
    },
)

ActivitySortInput, ACTIVITY_SORT = sort_input(
    "Activity", {"CREATED_AT": "created_at", "UPDATED_AT": "updated_at", "TITLE": "title"}
)


def kinds_wanted(activity_filter) -> set[str]:
    """The kinds a filter keeps (all three unless `kind` says otherwise)."""
    kinds = (activity_filter or {}).get("kind")
    if not kinds:
        return {"task", "event", "communication"}
    return {getattr(kind, "value", kind) for kind in kinds}

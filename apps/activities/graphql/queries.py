"""Root queries of activities: `activity`, `activities`, `activityTimeline`."""

import graphene

from apps.activities.graphql.dataloaders import ActivityByIdLoader, activity_querysets, sort_terms
from apps.activities.graphql.filters import ActivityFilter, ActivitySortInput, RelatedEntityInput
from apps.activities.graphql.types import Activity, ActivityConnection
from apps.core.graphql.connections import PageRequest, connection_field, merged_page
from apps.core.graphql.permissions import require

TIMELINE_LIMIT = 200


def activities_page(info, arguments: dict, *, quiet: bool = False):
    """A page of tasks, events and communications merged in one order: per kind, a COUNT and
    the rows up to the page's end (or its last rows when paging backwards). `quiet` answers an
    empty page instead of FORBIDDEN to callers who may not read activities."""
    if not quiet:
        require(info, "activities:read")
    page = PageRequest.from_args(arguments)
    column, descending = sort_terms(arguments.get("sort"))
    order = [f"-{column}", "-pk"] if descending else [column, "pk"]
    reverse_order = [term[1:] if term.startswith("-") else f"-{term}" for term in order]
    lists, totals = [], []
    for queryset in activity_querysets(info, arguments.get("filter")).values():
        totals.append(queryset.count())
        upper = page.upper_bound()
        if upper is not None:
            lists.append(list(queryset.order_by(*order)[:upper]))
        else:
            lists.append(list(reversed(queryset.order_by(*reverse_order)[: page.last])))
    return merged_page(
        ActivityConnection,
        lists,
        totals,
        sort_key=lambda row: (getattr(row, column), row.pk),
        reverse=descending,
        page=page,
    )


class ActivityQueries(graphene.ObjectType):
    activity = graphene.Field(Activity, id=graphene.ID(required=True), description="A task, event or communication.")
    activities = connection_field(
        ActivityConnection,
        description="Activities you may read (all kinds, newest first unless sorted), filtered and paged.",
        filter_input=ActivityFilter,
        sort_input=ActivitySortInput,
    )
    activity_timeline = graphene.List(
        graphene.NonNull(Activity),
        required=True,
        related_to=graphene.Argument(RelatedEntityInput, required=True),
        description=(
            "What happened around a record and its children (an account's contacts and deals, a contact's "
            f"deals), newest first, as `/v1/activities/timeline` (at most {TIMELINE_LIMIT})."
        ),
    )

    def resolve_activity(root, info, id):
        require(info, "activities:read")
        return ActivityByIdLoader.for_request(info).load(id)

    def resolve_activities(root, info, **arguments):
        return activities_page(info, arguments)

    def resolve_activity_timeline(root, info, related_to):
        from apps.activities.selectors import timeline_page

        scope = require(info, "activities:read")
        rows, _ = timeline_page(
            related_type=getattr(related_to["type"], "value", related_to["type"]),
            related_id=related_to["id"],
            user=info.context.user,
            scope=scope,
            page=1,
            limit=TIMELINE_LIMIT,
        )
        return [activity for _, activity, _ in rows]

"""Batched reads of activities: pages of a record's activities, its next and last activity,
event attendees and communication participants, for many records in a few queries."""

from django.db.models import Q
from django.utils import timezone

from apps.activities.choices import TaskStatus
from apps.activities.graphql.filters import ACTIVITY_FILTER, ACTIVITY_SORT, kinds_wanted
from apps.activities.models import Communication, Event, Task
from apps.core.graphql.connections import merged_page, partitioned_rows
from apps.core.graphql.dataloaders import DataLoader, group_by
from apps.core.graphql.filters import filter_q
from apps.core.graphql.permissions import quietly_scoped

MODELS = {"task": Task, "event": Event, "communication": Communication}
PREFIXES = {"task": Task, "event": Event, "comm": Communication}
OPEN_TASK = ~Q(status__in=[TaskStatus.COMPLETED, TaskStatus.CANCELLED])


def activity_querysets(info, activity_filter=None) -> dict:
    """Each kind's queryset as the caller may read it, filtered."""
    condition = filter_q(activity_filter, ACTIVITY_FILTER)
    out = {}
    for kind in kinds_wanted(activity_filter):
        model = MODELS[kind]
        queryset = quietly_scoped(info, model.objects.all(), "activities").filter(condition)
        if model is Task:
            queryset = queryset.select_related("assigned_to")
        out[kind] = queryset
    return out


def sort_terms(sort) -> tuple[str, bool]:
    """(column, descending) of an activity sort; newest first by default."""
    if not sort:
        return "created_at", True
    column = ACTIVITY_SORT[getattr(sort.get("field"), "value", sort.get("field"))]
    return column, getattr(sort.get("direction"), "value", sort.get("direction")) == "desc"


class ActivitiesByRelatedLoader(DataLoader):
    """A page of the activities related to each record (key: the record's id), all three kinds
    merged in one order. Params: related_type, page, filter, sort, connection_type."""

    def batch_load(self, keys: list) -> list:
        params = self.params
        column, descending = sort_terms(params.get("sort"))
        order = [f"-{column}", "-pk"] if descending else [column, "pk"]
        per_kind = []
        for queryset in activity_querysets(self.info, params.get("filter")).values():
            queryset = queryset.filter(related_type=params["related_type"], related_id__in=keys)
            per_kind.append(partitioned_rows(queryset, "related_id", order, page=params["page"], whole_prefix=True))
        result = []
        for key in keys:
            lists = [grouped.get(key, []) for grouped in per_kind]
            totals = [rows[0].gql_total if rows else 0 for rows in lists]
            result.append(
                merged_page(
                    params["connection_type"],
                    lists,
                    totals,
                    sort_key=lambda row: (getattr(row, column), row.pk),
                    reverse=descending,
                    page=params["page"],
                )
            )
        return result


class NextActivityLoader(DataLoader):
    """Each deal's next activity as REST shows it (`apps.deals.selectors.deal_next_activities`:
    the soonest open task or upcoming event), loaded as the caller may read it."""

    def batch_load(self, keys: list) -> list:
        from apps.deals.selectors import deal_next_activities

        nexts = deal_next_activities(list(keys))
        querysets = activity_querysets(self.info)
        found: dict = {}
        for kind in ("task", "event"):
            ids = [item["id"] for item in nexts.values() if item["type"] == kind]
            if ids:
                found.update(querysets[kind].in_bulk(ids))
        return [found.get((nexts.get(key) or {}).get("id")) for key in keys]


class LastActivityLoader(DataLoader):
    """The most recent past activity of each record: the latest communication (by timestamp),
    event (by start) or completed task (by completion)."""

    def batch_load(self, keys: list) -> list:
        now = timezone.now()
        related_type = self.params["related_type"]
        querysets = activity_querysets(self.info)
        base = {"related_type": related_type, "related_id__in": keys}
        comms = (
            querysets["communication"]
            .filter(timestamp__lte=now, **base)
            .order_by("related_id", "-timestamp", "-pk")
            .distinct("related_id")
        )
        events = (
            querysets["event"]
            .filter(start_time__lte=now, **base)
            .order_by("related_id", "-start_time", "-pk")
            .distinct("related_id")
        )
        tasks = (
            querysets["task"]
            .filter(status=TaskStatus.COMPLETED, completed_at__isnull=False, **base)
            .order_by("related_id", "-completed_at", "-pk")
            .distinct("related_id")
        )
        latest: dict = {}
        candidates = [(c, c.timestamp) for c in comms] + [(e, e.start_time) for e in events]
        candidates += [(t, t.completed_at) for t in tasks]
        for activity, when in candidates:
            current = latest.get(activity.related_id)
            if current is None or when > current[1]:
                latest[activity.related_id] = (activity, when)
        return [latest.get(key, (None,))[0] for key in keys]


class ActivityByIdLoader(DataLoader):
    """Any activity by its id (the prefix tells the kind)."""

    def batch_load(self, keys: list) -> list:
        querysets = activity_querysets(self.info)
        by_kind = group_by(keys, lambda key: key.split("_", 1)[0])
        found: dict = {}
        for prefix, ids in by_kind.items():
            model = PREFIXES.get(prefix)
            if model is None:
                continue
            kind = {Task: "task", Event: "event", Communication: "communication"}[model]
            found.update(querysets[kind].in_bulk(ids))
        return [found.get(key) for key in keys]


class EventAttendeesLoader(DataLoader):
    def batch_load(self, keys: list) -> list:
        through = Event.attendee_users.through.objects.filter(event_id__in=keys).select_related("user")
        grouped = group_by(through, lambda row: row.event_id)
        return [[row.user for row in grouped.get(key, [])] for key in keys]


class CommunicationParticipantsLoader(DataLoader):
    def batch_load(self, keys: list) -> list:
        readable = quietly_scoped(self.info, Communication.participants.field.related_model.objects.all(), "contacts")
        through = Communication.participants.through.objects.filter(
            communication_id__in=keys, contact__in=readable
        ).select_related("contact")
        grouped = group_by(through, lambda row: row.communication_id)
        return [[row.contact for row in grouped.get(key, [])] for key in keys]

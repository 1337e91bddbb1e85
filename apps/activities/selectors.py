"""Reads on activities: querysets for lists and the merged timeline of a record."""

from django.db.models import CharField, F, Prefetch, QuerySet, Value

from apps.activities.choices import RelatedType
from apps.activities.models import Communication, Event, Task
from apps.core.errors import NotFound
from apps.core.scoping import scope_queryset


def task_queryset() -> QuerySet[Task]:
    return Task.objects.select_related("assigned_to")


def event_queryset() -> QuerySet[Event]:
    return Event.objects.prefetch_related(
        Prefetch("attendee_users", queryset=Event.attendee_users.field.related_model.objects.only("id")),
        Prefetch("attendee_contacts", queryset=Event.attendee_contacts.field.related_model.objects.only("id")),
    )


def communication_queryset() -> QuerySet[Communication]:
    return Communication.objects.prefetch_related(
        Prefetch("participants", queryset=Communication.participants.field.related_model.objects.only("id"))
    )


def related_ids_with_children(related_type: str, related_id: str) -> list[tuple[str, list[str]]]:
    """The record and its children, as (related_type, ids) pairs: an account's contacts and deals,
    a contact's deals. The record must be live in this tenant (else 404)."""
    from apps.activities.services import related_model
    from apps.contacts.models import Contact
    from apps.deals.models import Deal

    if not related_model(related_type).objects.filter(pk=related_id).exists():
        raise NotFound(f"No {related_type} '{related_id}'.")
    pairs = [(related_type, [related_id])]
    if related_type == RelatedType.ACCOUNT:
        pairs.append(
            (RelatedType.CONTACT, list(Contact.objects.filter(account_id=related_id).values_list("id", flat=True)))
        )
        pairs.append((RelatedType.DEAL, list(Deal.objects.filter(account_id=related_id).values_list("id", flat=True))))
    elif related_type == RelatedType.CONTACT:
        pairs.append((RelatedType.DEAL, list(Deal.objects.filter(contact_id=related_id).values_list("id", flat=True))))
    return [(kind, ids) for kind, ids in pairs if ids]


def _related_filter(queryset, pairs):
    from django.db.models import Q

    condition = Q(pk__in=[])
    for kind, ids in pairs:
        condition |= Q(related_type=kind, related_id__in=ids)
    return queryset.filter(condition)


def timeline_page(*, related_type: str, related_id: str, user, scope: str, page: int, limit: int):
    """One page of the record's tasks, events and communications (and its children's), newest
    first. Answers ([(kind, activity)], total) in 2 + one query per kind shown (+ prefetches)."""
    pairs = related_ids_with_children(related_type, related_id)
    parts = []
    for kind, model, when in (
        ("task", Task, "created_at"),
        ("event", Event, "start_time"),
        ("communication", Communication, "timestamp"),
    ):
        queryset = scope_queryset(_related_filter(model.objects.all(), pairs), user, scope)
        parts.append(
            queryset.annotate(kind=Value(kind, output_field=CharField()), at=F(when)).values_list("id", "kind", "at")
        )
    union = parts[0].union(*parts[1:], all=True)
    total = union.count()
    rows = list(union.order_by("-at", "-id")[(page - 1) * limit : page * limit])
    loaders = {"task": task_queryset(), "event": event_queryset(), "communication": communication_queryset()}
    loaded = {}
    for kind, queryset in loaders.items():
        ids = [row[0] for row in rows if row[1] == kind]
        if ids:
            loaded.update({obj.pk: obj for obj in queryset.filter(pk__in=ids)})
    return [(kind, loaded[pk], at) for pk, kind, at in rows if pk in loaded], total

"""Who may see an event: the one rule behind /ws, SSE, `/v1/events`, webhooks and subscriptions.

An event is visible to a caller who may read its resource (`contact.*` needs `contacts:read`,
`task.*` needs `activities:read`, ...) in a scope that covers the event's owner: `tenant` sees
all, `department`/`team` see events owned by members of the caller's department/team, `own` sees
events the caller owns. An event without owner is seen only with tenant scope.
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import Q

from apps.core.permissions import caller_grants, grant_scope
from apps.events.types import RESOURCES, event_prefixes_of, event_resource


def _grants_of(request_or_grants: Any) -> list[str]:
    if isinstance(request_or_grants, (list, tuple, set, frozenset)):
        return list(request_or_grants)
    return caller_grants(request_or_grants)


def _audience(event: Any) -> tuple[str, str, str, str]:
    """(event_type, owner_id, owner_team_id, owner_department_id) of a model row or a message dict."""
    if isinstance(event, dict):
        return (
            event.get("event_type", ""),
            event.get("owner_id") or "",
            event.get("owner_team_id") or "",
            event.get("owner_department_id") or "",
        )
    return event.event_type, event.owner_id, event.owner_team_id, event.owner_department_id


def _owner_in_scope(scope: str, user: Any, owner_id: str, team_id: str, department_id: str) -> bool:
    if scope == "tenant":
        return True
    if user is None or not owner_id:
        return False
    if owner_id == user.pk:
        return True
    if scope == "team":
        return bool(user.team_id) and team_id == user.team_id
    if scope == "department":
        return bool(user.department_id) and department_id == user.department_id
    return False


def event_visible_to(event: Any, request_or_grants: Any, user: Any) -> bool:
    """True when the caller (a request, or its permission strings plus its user) may see `event`.

    `event` is an `OutboxEvent` or the dict the dispatcher broadcasts (same field names).
    """
    event_type, owner_id, team_id, department_id = _audience(event)
    scope = grant_scope(_grants_of(request_or_grants), f"{event_resource(event_type)}:read")
    if scope is None:
        return False
    return _owner_in_scope(scope, user, owner_id, team_id, department_id)


def events_visible_q(grants: Iterable[str], user: Any) -> Q:
    """The same rule as `event_visible_to`, as a filter on `OutboxEvent` (for paging in SQL)."""
    grants = list(grants)
    visible = Q(pk__in=[])
    for resource in RESOURCES:
        scope = grant_scope(grants, f"{resource}:read")
        if scope is None:
            continue
        of_resource = Q()
        for prefix in event_prefixes_of(resource):
            of_resource |= Q(event_type__startswith=prefix)
        if scope != "tenant":
            if user is None:
                continue
            owner = Q(owner_id=user.pk)
            if scope == "team" and user.team_id:
                owner |= Q(owner_team_id=user.team_id)
            if scope == "department" and user.department_id:
                owner |= Q(owner_department_id=user.department_id)
            of_resource &= owner
        visible |= of_resource
    return visible

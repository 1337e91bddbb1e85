"""Ownership scopes applied to querysets (reads) and to single records (writes)."""

from django.db.models import Model, Q, QuerySet


def scope_q(user, scope: str, owner_field: str = "owner") -> Q:
    """The filter that keeps what `scope` lets `user` see. Tenant scope keeps everything."""
    if scope == "tenant":
        return Q()
    if scope == "own":
        return Q(**{owner_field: user})
    if scope == "team":
        if not user.team_id:
            return Q(**{owner_field: user})
        return Q(**{f"{owner_field}__team_id": user.team_id}) | Q(**{owner_field: user})
    if scope == "department":
        if not user.department_id:
            return Q(**{owner_field: user})
        return Q(**{f"{owner_field}__department_id": user.department_id}) | Q(**{owner_field: user})
    return Q(pk__in=[])


def scope_queryset(queryset: QuerySet, user, scope: str, owner_field: str = "owner") -> QuerySet:
    if scope == "tenant":
        return queryset
    return queryset.filter(scope_q(user, scope, owner_field))


def record_in_scope(record: Model, user, scope: str, owner_field: str = "owner") -> bool:
    if scope == "tenant":
        return True
    owner_id = getattr(record, f"{owner_field}_id", None)
    if owner_id == user.pk:
        return True
    if scope == "own" or owner_id is None:
        return False
    owner = getattr(record, owner_field)
    if scope == "team":
        return bool(user.team_id) and owner.team_id == user.team_id
    if scope == "department":
        return bool(user.department_id) and owner.department_id == user.department_id
    return False

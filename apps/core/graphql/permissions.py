"""The same permission strings and ownership scopes as REST, for resolvers.

    scope = require(info, "deals:read")                  # FORBIDDEN when not granted
    deals = scoped(info, Deal.objects.all(), "deals")     # the caller's read scope applied

Nested relations are filtered by the read scope of their own resource, and come back empty (or
null) when the caller may not read that resource at all, as a REST client would not see them.
"""

from django.db.models import QuerySet

from apps.core.graphql.errors import forbidden, unauthenticated
from apps.core.permissions import caller_grants, grant_scope
from apps.core.scoping import record_in_scope, scope_queryset


def caller(info):
    """The authenticated user, or UNAUTHORIZED."""
    user = getattr(info.context, "user", None)
    if user is None or not user.is_authenticated:
        raise unauthenticated()
    return user


def granted_scope(info, required: str) -> str | None:
    """The scope in which the caller holds `required`, None when not at all (no error)."""
    caller(info)
    return grant_scope(caller_grants(info.context), required)


def require(info, required: str) -> str:
    """The scope in which the caller holds `required`; FORBIDDEN when they don't."""
    scope = granted_scope(info, required)
    if scope is None:
        from apps.core.security_hooks import record_permission_denied

        record_permission_denied(info.context, required)
        raise forbidden(required, caller_grants(info.context))
    return scope


def scoped(info, queryset: QuerySet, resource: str, *, owner_field: str | None = "owner") -> QuerySet:
    """`queryset` as the caller may read it: filtered by their `<resource>:read` scope."""
    scope = require(info, f"{resource}:read")
    if owner_field is None:
        return queryset
    return scope_queryset(queryset, info.context.user, scope, owner_field)


def quietly_scoped(info, queryset: QuerySet, resource: str, *, owner_field: str | None = "owner") -> QuerySet:
    """Like `scoped`, but an unreadable resource gives an empty queryset instead of an error
    (for relations nested in a record the caller may read)."""
    scope = granted_scope(info, f"{resource}:read")
    if scope is None:
        return queryset.none()
    if owner_field is None:
        return queryset
    return scope_queryset(queryset, info.context.user, scope, owner_field)


def can_write(info, resource: str, record=None, *, verb: str = "write", owner_field: str = "owner") -> None:
    """FORBIDDEN unless the caller may `<verb>` this resource (and this record, by ownership)."""
    scope = require(info, f"{resource}:{verb}")
    if record is not None and not record_in_scope(record, info.context.user, scope, owner_field):
        raise forbidden(f"{resource}:{verb}", caller_grants(info.context))


def require_any(info, *alternatives: str) -> str:
    """The widest scope in which the caller holds one of `alternatives`; FORBIDDEN naming the
    first when they hold none (as REST's `widest_held`)."""
    from apps.core.permissions import SCOPE_RANK

    scopes = [scope for scope in (granted_scope(info, required) for required in alternatives) if scope]
    if not scopes:
        return require(info, alternatives[0])
    return max(scopes, key=SCOPE_RANK.__getitem__)

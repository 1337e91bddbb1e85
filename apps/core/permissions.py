"""RBAC: the design's permission strings, their wildcards and ownership scopes.

A grant looks like `contacts:read`, `contacts:write:own`, `activities:*:own`, `users:team:read`,
`reports:sales:*`, `tenant:*` or `*`. A scope word (own, team, department, tenant) anywhere in a
grant limits it to records owned by the caller, their team, their department, or the tenant;
a grant without one is tenant-wide. `<resource>:manage` grants every action on the resource.

Views declare what they need in one line (`permission_resource = "contacts"` or
`required_permissions = {"forecast": "deals:forecast"}`); a view that declares nothing is refused.
"""

from collections.abc import Iterable

from rest_framework.permissions import BasePermission

SCOPES = ("own", "team", "department", "tenant")
SCOPE_RANK = {scope: rank for rank, scope in enumerate(SCOPES)}
PUBLIC = "public"  # declared by endpoints anyone may call (health, JWKS, login)
AUTHENTICATED = "authenticated"  # any signed-in caller

ACTION_VERBS = {
    "list": "read",
    "retrieve": "read",
    "create": "write",
    "update": "write",
    "partial_update": "write",
    "destroy": "delete",
}


def _split(grant: str) -> tuple[list[str], str]:
    parts = grant.split(":")
    scope = "tenant"
    kept = []
    for part in parts:
        if part in SCOPES and kept:
            scope = part
        else:
            kept.append(part)
    return kept, scope


def _matches(pattern: list[str], required: list[str]) -> bool:
    for index, part in enumerate(pattern):
        if part == "*" and index == len(pattern) - 1:
            return len(required) > index
        if index >= len(required):
            return False
        if part == "manage" and index == len(pattern) - 1 and index == len(required) - 1:
            return True
        if part not in ("*", required[index]):
            return False
    return len(pattern) == len(required)


def grant_scope(grants: Iterable[str], required: str) -> str | None:
    """The widest scope in which `grants` allow `required`, or None when they don't."""
    wanted = required.split(":")
    best: str | None = None
    for grant in grants:
        if grant in ("*", "tenant:*"):
            return "tenant"
        pattern, scope = _split(grant)
        if _matches(pattern, wanted) and (best is None or SCOPE_RANK[scope] > SCOPE_RANK[best]):
            best = scope
    return best


def has_permission(grants: Iterable[str], required: str) -> bool:
    return grant_scope(grants, required) is not None


def grants_cover(grants: Iterable[str], requested: Iterable[str]) -> list[str]:
    """The requested grants that `grants` do not cover (for 'at most the creator's' checks)."""
    grants = list(grants)
    missing = []
    for item in requested:
        if item == "*" and "*" not in grants:  # system-wide: above any tenant's grant
            missing.append(item)
            continue
        pattern, scope = _split(item)
        scope_held = grant_scope(grants, ":".join(pattern))
        if scope_held is None or SCOPE_RANK[scope_held] < SCOPE_RANK[scope]:
            missing.append(item)
    return missing


def required_permission_for(view, request) -> str | None:
    """What the view declares for this request's action or method."""
    action = getattr(view, "action", None) or request.method.lower()
    declared = getattr(view, "required_permissions", None) or {}
    if action in declared:
        return declared[action]
    if "*" in declared:
        return declared["*"]
    resource = getattr(view, "permission_resource", None)
    if resource:
        verb = ACTION_VERBS.get(action)
        if verb is None:
            verb = "read" if request.method in ("GET", "HEAD", "OPTIONS") else "write"
        return f"{resource}:{verb}"
    return None


def caller_grants(request) -> list[str]:
    """The permission strings of the authenticated caller (user roles, token or API key)."""
    cached = getattr(request, "_crm_grants", None)
    if cached is not None:
        return cached
    auth = getattr(request, "auth", None)
    grants = getattr(auth, "permissions", None)
    if grants is None:
        user = getattr(request, "user", None)
        grants = list(user.permission_strings()) if user is not None and user.is_authenticated else []
    request._crm_grants = grants
    return grants


def permission_denied_details(request, required: str) -> dict:
    return {"required_permissions": [required], "user_permissions": sorted(caller_grants(request))}


class DeclaredPermission(BasePermission):
    """Allows a request only if the view declared a permission and the caller holds it.

    The scope granted is kept on the request (`request.permission_scope`) so lists are filtered
    and writes to records outside it are refused.
    """

    message = "Insufficient permissions"

    def has_permission(self, request, view) -> bool:
        required = required_permission_for(view, request)
        if required is None:
            self.message = "This endpoint declares no permission, so it is refused."
            return False
        if required == PUBLIC:
            return True
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            from rest_framework.exceptions import NotAuthenticated

            raise NotAuthenticated("Authentication credentials were not provided.")
        if required == AUTHENTICATED:
            request.permission_scope = "tenant"
            return True
        scope = grant_scope(caller_grants(request), required)
        if scope is None:
            from apps.core.security_hooks import record_permission_denied

            record_permission_denied(request, required)
            from rest_framework.exceptions import PermissionDenied

            denied = PermissionDenied(self.message)
            denied.details = permission_denied_details(request, required)
            raise denied
        request.permission_scope = scope
        request.required_permission = required
        return True


def grants_within(grants: Iterable[str], scopes: Iterable[str]) -> list[str]:
    """What `grants` allow inside the requested `scopes`: a token's effective permissions.

    Each scope the grants allow is kept, narrowed to the scope the grants give it
    (`contacts:write` ∩ a sales rep's `contacts:write:own` → `contacts:write:own`); a grant the
    scopes cover entirely (`reports:sales:*` inside `*`) is kept as it is.
    """
    grants, scopes = list(grants), list(scopes)
    effective: dict[str, None] = {}
    for grant in grants:
        if not grants_cover(scopes, [grant]):
            effective[grant] = None
    for scope in scopes:
        held = grant_scope(grants, scope)
        if held is not None and grant_scope(effective, scope) != held:
            effective[scope if held == "tenant" else f"{scope}:{held}"] = None
    return list(effective)

"""Permission strings of deals, pipelines and reports, and the two checks the design adds to them:
alternatives (a stage move needs deals:move_stage or deals:write) and role requirements."""

from rest_framework.exceptions import PermissionDenied

from apps.core.permissions import SCOPE_RANK, caller_grants, grant_scope, permission_denied_details
from apps.users.roles import SALES_MANAGER, SYSTEM_ADMIN, TENANT_ADMIN

DEALS_READ = "deals:read"
DEALS_WRITE = "deals:write"
DEALS_MOVE_STAGE = "deals:move_stage"
DEALS_FORECAST = "deals:forecast"
PIPELINES_READ = "pipelines:read"
PIPELINES_WRITE = "pipelines:write"
PIPELINES_MANAGE = "pipelines:manage"
REPORTS_SALES_READ = "reports:sales:read"
REPORTS_READ = "reports:read"
REPORTS_SALES_MANAGE = "reports:sales:manage"

# The design's role_requirements of GET /deals/forecast and POST .../automation.
MANAGER_ROLES = (SALES_MANAGER, TENANT_ADMIN)


def widest_held(request, *alternatives: str) -> str:
    """The alternative the caller holds in the widest scope (the first one when none is held,
    so the refusal names it)."""
    grants = caller_grants(request)
    best, best_rank = alternatives[0], -1
    for permission in alternatives:
        scope = grant_scope(grants, permission)
        if scope is not None and SCOPE_RANK[scope] > best_rank:
            best, best_rank = permission, SCOPE_RANK[scope]
    return best


def require_roles(request, roles: tuple[str, ...] = MANAGER_ROLES) -> None:
    """Refuses (403) a caller holding none of `roles`; superusers and system admins pass."""
    user = request.user
    if getattr(user, "is_superuser", False):
        return
    held = set(user.role_names()) if hasattr(user, "role_names") else set()
    if held & {*roles, SYSTEM_ADMIN}:
        return
    denied = PermissionDenied("This needs one of the roles: " + ", ".join(roles) + ".")
    details = permission_denied_details(request, getattr(request, "required_permission", ""))
    details["required_roles"] = list(roles)
    details["user_roles"] = sorted(held)
    denied.details = details
    raise denied

"""Permission strings of the marketplace, and what an app may ask for."""

from apps.core.permissions import grant_scope
from apps.events.types import event_resource
from apps.users.roles import ALL_PERMISSIONS

MARKETPLACE_READ = "marketplace:read"
MARKETPLACE_MANAGE = "marketplace:manage"  # install and uninstall apps (tenant admins)

# An app asks for exact permission strings of the catalogue (`deals:read`): no wildcard, no
# scope word, so a tenant admin sees precisely what they grant.
APP_PERMISSIONS = frozenset(ALL_PERMISSIONS)


def unknown_permissions(permissions: list[str]) -> list[str]:
    return [permission for permission in permissions if permission not in APP_PERMISSIONS]


def unreadable_events(events: list[str], permissions: list[str]) -> list[str]:
    """The events `permissions` may not read (`deal.updated` needs `deals:read`)."""
    return [event for event in events if grant_scope(permissions, f"{event_resource(event)}:read") is None]

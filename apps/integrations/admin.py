"""Connections and syncs in the tenant admin, read-only: connecting goes through the API (it
checks and encrypts credentials); credentials are never shown."""

from django.contrib import admin

from apps.console.sites import RbacAdmin, ReadOnlyRbacAdmin, tenant_site
from apps.integrations import services
from apps.integrations.models import Connection, Sync


@admin.register(Connection, site=tenant_site)
class ConnectionAdmin(RbacAdmin):
    permission_resource = "integrations"
    owner_field = None
    list_display = ["provider", "credential_fields", "last_used_at", "created_at"]
    readonly_fields = ["provider", "credential_fields", "settings", "created_by", "last_used_at"]
    exclude = ["credentials"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def delete_model(self, request, obj) -> None:
        services.connection_delete(connection=obj)


@admin.register(Sync, site=tenant_site)
class SyncAdmin(ReadOnlyRbacAdmin):
    permission_resource = "integrations"
    owner_field = None
    list_display = ["id", "provider", "status", "contacts_queued", "processed", "failed", "created_at"]
    list_filter = ["status", "provider"]
    list_select_related = ["owner"]
    readonly_fields = [
        "provider",
        "owner",
        "status",
        "request",
        "contacts_queued",
        "processed",
        "created",
        "updated",
        "failed",
        "errors",
        "error",
        "started_at",
        "finished_at",
    ]
    exclude = ["connection", "permission_scope", "cursor", "estimated_completion"]

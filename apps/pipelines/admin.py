from django.contrib import admin

from apps.console.sites import RbacAdmin, tenant_site
from apps.pipelines.models import Pipeline


@admin.register(Pipeline, site=tenant_site)
class PipelineAdmin(RbacAdmin):
    """Read here; pipelines and their stages are edited through the API (stage moves, automation)."""

    permission_resource = "pipelines"
    owner_field = None
    list_display = ["name", "is_default", "created_at"]
    search_fields = ["name"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

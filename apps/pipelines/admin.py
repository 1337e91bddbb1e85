from django.contrib import admin

from apps.console.sites import ReadOnlyRbacAdmin, tenant_site
from apps.pipelines.models import Pipeline


@admin.register(Pipeline, site=tenant_site)
class PipelineAdmin(ReadOnlyRbacAdmin):
    """Read here; pipelines and their stages are edited through the API (stage moves, automation)."""

    permission_resource = "pipelines"
    owner_field = None
    list_display = ["name", "is_default", "created_at"]
    search_fields = ["name"]

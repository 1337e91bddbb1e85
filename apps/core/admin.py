from django.contrib import admin

from apps.console.sites import RbacAdmin, tenant_site
from apps.core.models import CustomFieldDefinition


@admin.register(CustomFieldDefinition, site=tenant_site)
class CustomFieldDefinitionAdmin(RbacAdmin):
    permission_resource = "custom_fields"
    owner_field = None
    list_display = ["entity", "name", "label", "field_type", "required"]
    list_filter = ["entity", "field_type"]
    search_fields = ["name", "label"]

"""OAuth clients of the tenant in the tenant admin."""

from django.contrib import admin
from oauth2_provider.models import get_application_model

from apps.console.sites import RbacAdmin, tenant_site

Application = get_application_model()


@admin.register(Application, site=tenant_site)
class OAuthClientAdmin(RbacAdmin):
    permission_resource = "security"
    owner_field = None
    list_display = ["client_id", "name", "client_type", "authorization_grant_type", "skip_authorization"]
    search_fields = ["client_id", "name"]
    fields = ["client_id", "name", "client_type", "authorization_grant_type", "redirect_uris", "skip_authorization"]
    readonly_fields = ["client_id", "client_type", "authorization_grant_type"]

    def has_add_permission(self, request) -> bool:
        return False  # registration: `manage.py create_oauth_client` (shows the secret once)

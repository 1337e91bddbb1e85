"""Security in the tenant admin: the event log (read-only, filterable) and the tenant's config."""

import json

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse

from apps.console.sites import RbacAdmin, ReadOnlyRbacAdmin, tenant_site
from apps.core.errors import ValidationFailed
from apps.security import services
from apps.security.models import SecurityConfig, SecurityEvent


@admin.register(SecurityEvent, site=tenant_site)
class SecurityEventAdmin(ReadOnlyRbacAdmin):
    permission_resource = "security"
    owner_field = None
    list_display = ["timestamp", "event_type", "actor_id", "ip", "request_id"]
    list_filter = ["event_type"]
    search_fields = ["actor_id", "ip", "request_id"]
    date_hierarchy = "timestamp"
    readonly_fields = ["event_type", "actor_id", "ip", "user_agent", "request_id", "timestamp", "details"]


class SecurityConfigForm(forms.ModelForm):
    password_policy = forms.JSONField()
    session_config = forms.JSONField()
    api_security = forms.JSONField()

    class Meta:
        model = SecurityConfig
        fields = ["password_policy", "session_config", "api_security"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = services.security_config_get()  # defaults filled in
        for section in self.Meta.fields:
            self.initial[section] = current[section]

    def clean(self):
        data = super().clean()
        try:
            services.security_config_update(
                sections={k: data[k] for k in ("password_policy", "session_config", "api_security") if k in data}
            )
        except ValidationFailed as exc:
            raise ValidationError(json.dumps(exc.field_errors)) from exc
        return data


@admin.register(SecurityConfig, site=tenant_site)
class SecurityConfigAdmin(RbacAdmin):
    """The design's tenant security config; every change is checked and applied by the service."""

    permission_resource = "security"
    owner_field = None
    form = SecurityConfigForm

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        """One config per tenant: the list is its page."""
        row, _ = SecurityConfig.objects.get_or_create(singleton=True)
        return redirect(reverse("tenant_admin:security_securityconfig_change", args=[row.pk]))

    def save_model(self, request, obj, form, change) -> None:
        """Saved by the service in the form's clean()."""

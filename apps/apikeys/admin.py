"""API keys in the tenant admin: created through the service; the secret is shown once."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from apps.apikeys import services
from apps.apikeys.models import ApiKey
from apps.console.sites import RbacAdmin, grants_of, tenant_site
from apps.core.errors import DomainError, ValidationFailed
from apps.security.ratelimit import integration_default_tier


class ApiKeyForm(forms.ModelForm):
    permissions = forms.CharField(help_text="Permission strings, comma-separated (at most your own).")
    ip_whitelist = forms.CharField(required=False, help_text="CIDRs or addresses, comma-separated.")

    class Meta:
        model = ApiKey
        fields = ["name", "description", "permissions", "rate_limit_tier", "expires_at", "ip_whitelist"]

    def _post_clean(self):
        """The service checks and saves the key (permissions within the creator's, CIDRs)."""


@admin.register(ApiKey, site=tenant_site)
class ApiKeyAdmin(RbacAdmin):
    permission_resource = "api_keys"
    owner_field = "created_by"
    form = ApiKeyForm
    list_display = ["name", "key_prefix", "rate_limit_tier", "expires_at", "last_used_at", "created_by"]
    search_fields = ["name", "key_prefix"]
    readonly_fields = ["key_prefix", "created_by", "created_at", "last_used_at", "rotated_at"]
    actions = ["rotate"]

    def get_fields(self, request, obj=None):
        base = ["name", "description", "permissions", "rate_limit_tier", "expires_at", "ip_whitelist"]
        return base if obj is None else [*base, *self.readonly_fields]

    def get_changeform_initial_data(self, request) -> dict:
        return {"rate_limit_tier": integration_default_tier(), **super().get_changeform_initial_data(request)}

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # keys are rotated or revoked, never edited

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        split = lambda text: [item.strip() for item in (text or "").split(",") if item.strip()]  # noqa: E731
        try:
            issued = services.api_key_create(
                request=request,
                creator=request.user,
                creator_grants=grants_of(request),
                name=data["name"],
                description=data.get("description", ""),
                permissions=split(data["permissions"]),
                rate_limit_tier=data["rate_limit_tier"],
                expires_at=data.get("expires_at"),
                ip_whitelist=split(data.get("ip_whitelist")),
            )
        except (ValidationFailed, DomainError) as exc:
            raise ValidationError(exc.message) from exc
        obj.pk = issued.api_key.pk
        messages.warning(
            request,
            f"Copy these now, they are not shown again — API key: {issued.key}   API secret: {issued.secret}",
        )

    def delete_model(self, request, obj) -> None:
        services.api_key_revoke(api_key=obj)

    def delete_queryset(self, request, queryset) -> None:
        for api_key in queryset:
            services.api_key_revoke(api_key=api_key)

    @admin.action(description="Rotate selected keys (new secrets shown once)")
    def rotate(self, request, queryset) -> None:
        for api_key in queryset:
            issued = services.api_key_rotate(api_key=api_key)
            messages.warning(request, f"{api_key.name}: API key {issued.key}   API secret {issued.secret}")

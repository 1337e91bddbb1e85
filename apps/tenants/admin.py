"""Operators' console (public host): tenants, domains, plans, suspension, deletion, health."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import path

from apps.console.sites import operator_site
from apps.core.errors import DomainError
from apps.tenants import services
from apps.tenants.health import platform_health
from apps.tenants.models import Domain, Tenant
from apps.tenants.selectors import tenant_list


class TenantCreationForm(forms.ModelForm):
    """Provisioning goes through the same service as `manage.py provision_tenant`."""

    slug = forms.RegexField(regex=r"^[a-z][a-z0-9_]{2,62}$", help_text="Tenant id and schema name.")
    admin_email = forms.EmailField()
    admin_password = forms.CharField(widget=forms.PasswordInput)
    domain = forms.CharField(required=False, help_text="Optional extra host, e.g. crm.acme.com")
    demo_data = forms.BooleanField(required=False)

    class Meta:
        model = Tenant
        fields = ["name", "plan"]


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0
    fields = ["domain", "is_primary"]


@admin.register(Tenant, site=operator_site)
class TenantAdmin(admin.ModelAdmin):
    list_display = ["schema_name", "name", "plan", "status", "deletion_scheduled_at", "created_at"]
    list_filter = ["status", "plan"]
    search_fields = ["schema_name", "name"]
    readonly_fields = ["schema_name", "status", "deletion_scheduled_at", "created_at"]
    fields = ["schema_name", "name", "plan", "currency", "status", "deletion_scheduled_at", "created_at"]
    inlines = [DomainInline]
    actions = ["suspend", "resume", "schedule_deletion"]

    def get_queryset(self, request: HttpRequest):
        return tenant_list()

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = TenantCreationForm
            kwargs["fields"] = None
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["slug", "name", "plan", "admin_email", "admin_password", "domain", "demo_data"]
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def save_model(self, request, obj, form, change) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        result = services.tenant_provision(
            slug=data["slug"],
            name=data["name"],
            admin_email=data["admin_email"],
            admin_password=data["admin_password"],
            domain=data.get("domain") or None,
            demo_data=data.get("demo_data", False),
        )
        result.tenant.plan = data["plan"]
        result.tenant.save(update_fields=["plan"])
        obj.pk = result.tenant.pk
        obj.schema_name = result.tenant.schema_name

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # deletion is scheduled with a grace period (action below), never immediate

    @admin.action(description="Suspend selected tenants")
    def suspend(self, request, queryset) -> None:
        for tenant in queryset:
            services.tenant_suspend(tenant=tenant)
        self.message_user(request, f"Suspended {queryset.count()} tenant(s).")

    @admin.action(description="Resume selected tenants (cancels a scheduled deletion)")
    def resume(self, request, queryset) -> None:
        for tenant in queryset:
            services.tenant_resume(tenant=tenant)
        self.message_user(request, f"Resumed {queryset.count()} tenant(s).")

    @admin.action(description="Delete selected tenants after a 7-day grace period")
    def schedule_deletion(self, request, queryset):
        if request.POST.get("confirm") != "yes":
            return TemplateResponse(
                request,
                "console/confirm_tenant_deletion.html",
                {**operator_site.each_context(request), "tenants": queryset, "title": "Delete tenants?"},
            )
        for tenant in queryset:
            try:
                services.tenant_schedule_deletion(tenant=tenant)
            except DomainError as exc:
                self.message_user(request, exc.message, level=messages.ERROR)
                return None
        self.message_user(request, "Scheduled for deletion in 7 days; resume a tenant to cancel.")
        return None


def health_view(request: HttpRequest) -> TemplateResponse:
    return TemplateResponse(
        request,
        "console/health.html",
        {**operator_site.each_context(request), "title": "Platform health", "checks": platform_health()},
    )


_operator_urls = operator_site.get_urls


def _urls_with_health():
    return [path("health/", operator_site.admin_view(health_view), name="health"), *_operator_urls()]


operator_site.get_urls = _urls_with_health

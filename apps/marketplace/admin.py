"""The marketplace in the consoles: operators register and disable apps (public host); tenant
admins see, install and uninstall them (tenant host). Every change goes through the services,
so the console applies exactly the API's rules; a refusal is shown on the form."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from apps.console.sites import RbacAdmin, grants_of, operator_site, tenant_site
from apps.core.errors import DomainError, ValidationFailed
from apps.marketplace import selectors, services
from apps.marketplace.models import Installation, MarketplaceApp


def _split(text: str | None) -> list[str]:
    return [item.strip() for item in (text or "").split(",") if item.strip()]


def _form_error(exc: DomainError) -> ValidationError:
    if isinstance(exc, ValidationFailed):
        errors = exc.field_errors.items()
        return ValidationError([f"{field}: {message}" if field else message for field, message in errors])
    return ValidationError(exc.message)


class ServiceForm(forms.ModelForm):
    """A form whose `clean` calls its service, `create(data)`, inside the admin's transaction and
    keeps what it made; the service's refusals become the form's errors."""

    created = None

    def _post_clean(self):
        """The service checks and saves; the model is not validated field by field here."""

    def save_m2m(self) -> None:
        """The service saved everything."""

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                self.created = self.create(data)
            except DomainError as exc:
                raise _form_error(exc) from exc
        return data


# ------------------------------------------------------------------------------------------------
# operators (public host)


class AppRegistrationForm(ServiceForm):
    developer_name = forms.CharField(max_length=200)
    developer_email = forms.EmailField()
    developer_website = forms.URLField(required=False)
    permissions_requested = forms.CharField(help_text="Permission strings, comma-separated (deals:read, ...).")
    webhook_url = forms.URLField(required=False, help_text="Where the app receives its events (optional).")
    webhook_events = forms.CharField(required=False, help_text="Event types, comma-separated (deal.updated, ...).")
    redirect_uris = forms.CharField(required=False, help_text="OAuth redirect URIs, comma-separated.")

    class Meta:
        model = MarketplaceApp
        fields = ["name", "description", "version"]

    def create(self, data: dict):
        endpoints = []
        if data.get("webhook_url"):
            endpoints = [{"url": data["webhook_url"], "events": _split(data.get("webhook_events"))}]
        return services.app_register(
            name=data["name"],
            description=data.get("description", ""),
            version=data["version"],
            developer={
                "name": data["developer_name"],
                "email": data["developer_email"],
                "website": data.get("developer_website") or "",
            },
            permissions_requested=_split(data["permissions_requested"]),
            webhook_endpoints=endpoints,
            oauth_config={"redirect_uris": _split(data.get("redirect_uris")), "scopes": []},
            registered_by=self.request.user.email,
        )


@admin.register(MarketplaceApp, site=operator_site)
class MarketplaceAppAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "status", "installation_count", "client_id", "registered_by", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "client_id"]
    fields = [
        "name",
        "description",
        "version",
        "developer",
        "permissions_requested",
        "webhook_endpoints",
        "oauth_config",
        "client_id",
        "status",
        "disabled_at",
        "registered_by",
        "created_at",
    ]
    readonly_fields = fields
    actions = ["disable", "enable"]

    def get_queryset(self, request):
        return selectors.app_list()

    @admin.display(description="Installations", ordering="installation_count")
    def installation_count(self, app: MarketplaceApp) -> int:
        return app.installation_count

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = AppRegistrationForm
            kwargs["fields"] = None
        form = super().get_form(request, obj, change, **kwargs)
        form.request = request
        return form

    def get_fields(self, request, obj=None):
        if obj is None:
            return [
                *("name", "description", "version", "developer_name", "developer_email", "developer_website"),
                *("permissions_requested", "webhook_url", "webhook_events", "redirect_uris"),
            ]
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def save_form(self, request, form, change):
        return form.created.app

    def save_model(self, request, obj, form, change) -> None:
        registered = form.created
        messages.warning(
            request,
            "Copy these now, they are not shown again — "
            f"client id: {registered.app.client_id}   client secret: {registered.client_secret}   "
            f"webhook secret: {registered.webhook_secret}",
        )

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # an app is disabled or enabled (actions), never edited

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Disable selected apps (revokes their tokens in every tenant)")
    def disable(self, request, queryset) -> None:
        for app in queryset:
            services.app_disable(app=app)
        self.message_user(request, f"Disabled {queryset.count()} app(s).")

    @admin.action(description="Enable selected apps")
    def enable(self, request, queryset) -> None:
        for app in queryset:
            services.app_enable(app=app)
        self.message_user(request, f"Enabled {queryset.count()} app(s).")


# ------------------------------------------------------------------------------------------------
# tenant admins (tenant host)


class InstallForm(ServiceForm):
    permissions_granted = forms.CharField(help_text="Comma-separated, among the permissions the app requests.")
    enable_webhooks = forms.BooleanField(
        required=False, help_text="Send the app the events it subscribes to (those it may read)."
    )

    class Meta:
        model = Installation
        fields = ["app", "data_access_level"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["app"].queryset = selectors.app_catalogue()

    def create(self, data: dict):
        return services.app_install(
            app=data["app"],
            permissions_granted=_split(data["permissions_granted"]),
            data_access_level=data["data_access_level"],
            webhook_config={"enabled": data.get("enable_webhooks", False), "events": []},
            installed_by=self.request.user,
            installer_grants=grants_of(self.request),
        )


@admin.register(Installation, site=tenant_site)
class InstallationAdmin(RbacAdmin):
    permission_resource = "marketplace"
    owner_field = None
    form = InstallForm
    list_display = ["app", "app_version", "status", "granted", "data_access_level", "created_at"]
    readonly_fields = ["app", "permissions_granted", "data_access_level", "webhook_config", "custom_settings"]

    def get_queryset(self, request):
        return selectors.installation_list() if self._scope(request, "read") else Installation.objects.none()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.request = request
        return form

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["app", "permissions_granted", "data_access_level", "enable_webhooks"]
        return self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    @admin.display(description="Version")
    def app_version(self, installation: Installation) -> str:
        return installation.app.version

    @admin.display(description="Status")
    def status(self, installation: Installation) -> str:
        return "active" if installation.app.is_active else "suspended by the platform"

    @admin.display(description="Permissions granted")
    def granted(self, installation: Installation) -> str:
        return ", ".join(installation.permissions_granted)

    def has_add_permission(self, request) -> bool:
        return self._scope(request, "manage") is not None

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # uninstall and install again to change a grant

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._scope(request, "manage") is not None

    def save_form(self, request, form, change):
        return form.created

    def save_model(self, request, obj, form, change) -> None:
        """Installed by the form's service call."""

    def delete_model(self, request, obj) -> None:
        services.app_uninstall(installation=obj, actor=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for installation in queryset:
            services.app_uninstall(installation=installation, actor=request.user)

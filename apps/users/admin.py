"""Tenant admin: people, roles (with a picker of the design's permission strings), teams."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from apps.console.sites import RbacAdmin, tenant_site
from apps.core.errors import DomainError
from apps.users import services
from apps.users.models import Department, Role, Team, User
from apps.users.roles import ACTIONS, RESOURCES

PERMISSION_CHOICES = [("tenant:*", "tenant:* (everything in the tenant)")] + [
    (f"{resource}:{action}", f"{resource}:{action}")
    for resource in RESOURCES
    for action in [*ACTIONS, "write:own", "write:team", "*"]
]


def _as_form_error(exc: DomainError) -> ValidationError:
    return ValidationError(exc.message)


class UserForm(forms.ModelForm):
    """Creates through `user_create` and sets passwords through `user_update`, so the tenant's
    password policy and role rules apply exactly as over the API."""

    new_password = forms.CharField(
        required=False, widget=forms.PasswordInput, label="Password", help_text="Leave empty to keep the current one."
    )

    class Meta:
        model = User
        fields = ["email", "first_name", "last_name", "roles", "team", "department", "is_active"]
        widgets = {"roles": forms.CheckboxSelectMultiple}

    def clean(self):
        data = super().clean()
        password = data.get("new_password")
        if self.instance._state.adding and not password:
            self.add_error("new_password", "A new user needs a password.")
        elif password:
            try:
                services.password_validate(password, user=self.instance)
            except DomainError as exc:
                self.add_error("new_password", exc.message)
        return data

    def save(self, commit: bool = True) -> User:
        """Admin calls save twice (commit=False, then from save_model): the service runs once."""
        if getattr(self, "saved_user", None) is not None:
            return self.saved_user
        self.saved_user = self._save_through_services()
        return self.saved_user

    def _save_through_services(self) -> User:
        data = self.cleaned_data
        fields = {
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "roles": [role.name for role in data["roles"]],
            "team_id": data["team"].pk if data["team"] else None,
            "department_id": data["department"].pk if data["department"] else None,
        }
        try:
            if self.instance._state.adding:
                return services.user_create(email=data["email"], password=data["new_password"], **fields)
            fields.update(email=data["email"], is_active=data["is_active"], password=data.get("new_password") or None)
            return services.user_update(user=self.instance, data=fields)
        except DomainError as exc:
            raise _as_form_error(exc) from exc

    def save_m2m(self) -> None:
        """Roles are set by the service."""


@admin.register(User, site=tenant_site)
class UserAdmin(RbacAdmin):
    permission_resource = "users"
    owner_field = None
    form = UserForm
    list_display = ["email", "first_name", "last_name", "team", "is_active", "last_login"]
    list_filter = ["is_active", "team", "department", "roles"]
    search_fields = ["email", "first_name", "last_name"]
    actions = ["deactivate"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("team")

    def save_model(self, request, obj, form, change) -> None:
        form.instance = form.save()

    def save_related(self, request, form, formsets, change) -> None:
        """Roles are set by the service."""

    @admin.action(description="Deactivate selected users")
    def deactivate(self, request, queryset) -> None:
        for user in queryset:
            services.user_deactivate(user=user)
        self.message_user(request, f"Deactivated {queryset.count()} user(s).")


class RoleForm(forms.ModelForm):
    permissions = forms.MultipleChoiceField(
        choices=PERMISSION_CHOICES, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Role
        fields = ["name", "description", "permissions"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        known = {value for value, _ in PERMISSION_CHOICES}
        extra = [(p, p) for p in (self.instance.permissions or []) if p not in known]
        self.fields["permissions"].choices = PERMISSION_CHOICES + extra


@admin.register(Role, site=tenant_site)
class RoleAdmin(RbacAdmin):
    permission_resource = "roles"
    owner_field = None
    form = RoleForm
    list_display = ["name", "description", "is_system"]
    search_fields = ["name"]

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and not (obj and obj.is_system)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not (obj and obj.is_system)


@admin.register(Team, site=tenant_site)
class TeamAdmin(RbacAdmin):
    permission_resource = "teams"
    owner_field = None
    list_display = ["name", "department", "description"]
    search_fields = ["name"]


@admin.register(Department, site=tenant_site)
class DepartmentAdmin(RbacAdmin):
    permission_resource = "teams"
    owner_field = None
    search_fields = ["name"]

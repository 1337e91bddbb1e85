"""Tenant admin: people (invited by e-mail, or created with a password), roles (with a picker of
the design's permission strings), teams."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from apps.console.sites import RbacAdmin, grants_of, tenant_site, tenant_site_url
from apps.core.errors import DomainError
from apps.users import services
from apps.users.mail import PasswordLinkDelivery, link_lifetime
from apps.users.models import Department, Role, Team, User
from apps.users.roles import ACTIONS, RESOURCES

PERMISSION_CHOICES = [("tenant:*", "tenant:* (everything in the tenant)")] + [
    (f"{resource}:{action}", f"{resource}:{action}")
    for resource in RESOURCES
    for action in [*ACTIONS, "write:own", "write:team", "*"]
]


def _as_form_error(exc: DomainError) -> ValidationError:
    return ValidationError(exc.message)


def delivery_message(delivery: PasswordLinkDelivery) -> tuple[int, str]:
    """(message level, text) telling the admin whether the e-mail left."""
    email = delivery.user.email
    what = "Invitation" if delivery.kind == "invitation" else "Password link"
    if delivery.sent is False:
        return messages.ERROR, (
            f"{email} is saved, but the e-mail could not be sent ({delivery.error}). "
            "Use “Send password link” on the user to try again."
        )
    if delivery.sent is None:
        return messages.INFO, f"{what} for {email} will be e-mailed once the change is saved."
    return messages.SUCCESS, f"{what} e-mailed to {email}."


class RolesGuard:
    """Roles a form hands out must not carry permissions its user lacks (as over the API).
    The admin sets `request` on the form class."""

    request = None

    def guard_roles(self, data: dict, *, target: str) -> None:
        roles = data.get("roles")
        if roles is None or self.request is None:
            return
        try:
            services.roles_grant_guard(
                request=self.request,
                grants=grants_of(self.request),
                role_names=[role.name for role in roles],
                target=target,
            )
        except DomainError as exc:
            self.add_error("roles", exc.message)


class UserInviteForm(RolesGuard, forms.Form):
    email = forms.EmailField()
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    roles = forms.ModelMultipleChoiceField(
        queryset=Role.objects.order_by("name"), widget=forms.CheckboxSelectMultiple, required=False
    )
    team = forms.ModelChoiceField(queryset=Team.objects.order_by("name"), required=False)
    department = forms.ModelChoiceField(queryset=Department.objects.order_by("name"), required=False)

    def clean(self):
        data = super().clean()
        self.guard_roles(data, target="user")
        return data


class UserForm(RolesGuard, forms.ModelForm):
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
        if self.instance._state.adding or "roles" in self.changed_data:
            self.guard_roles(data, target=self.instance.pk or "user")
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
    actions = ["deactivate", "send_password_link"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("team")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.request = request  # a fresh class per request
        return form

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("invite/", view(self.invite_view), name="users_user_invite"),
            path("<str:object_id>/password-link/", view(self.password_link_view), name="users_user_password_link"),
            *super().get_urls(),
        ]

    def _page(self, request, template: str, context: dict) -> TemplateResponse:
        request.current_app = self.admin_site.name
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "link_lifetime": link_lifetime(),
            **context,
        }
        return TemplateResponse(request, f"admin/users/user/{template}", context)

    def _report(self, request, delivery: PasswordLinkDelivery) -> None:
        level, text = delivery_message(delivery)
        self.message_user(request, text, level=level)

    def invite_view(self, request):
        """A new user without a password, e-mailed a one-time link to choose one."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = UserInviteForm(request.POST or None)
        form.request = request
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                delivery = services.user_invite(
                    email=data["email"],
                    site_url=tenant_site_url(request),
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    roles=[role.name for role in data["roles"]],
                    team_id=data["team"].pk if data["team"] else None,
                    department_id=data["department"].pk if data["department"] else None,
                    invited_by=request.user,
                )
            except DomainError as exc:
                form.add_error("email" if exc.field == "email" else None, exc.message)
            else:
                self._report(request, delivery)
                return redirect(reverse("tenant_admin:users_user_change", args=[delivery.user.pk]))
        return self._page(request, "invite.html", {"title": "Invite a user", "form": form})

    def password_link_view(self, request, object_id: str):
        """Confirms, then e-mails the user a one-time link to set a new password."""
        user = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_change_permission(request, user):
            raise PermissionDenied
        if request.method == "POST":
            self._send_password_link(request, user)
            return redirect(reverse("tenant_admin:users_user_change", args=[user.pk]))
        return self._page(request, "password_link.html", {"title": "Send a password link", "original": user})

    def _send_password_link(self, request, user: User) -> None:
        try:
            delivery = services.user_password_link_send(
                user=user, site_url=tenant_site_url(request), sent_by=request.user
            )
        except DomainError as exc:
            self.message_user(request, exc.message, level=messages.ERROR)
        else:
            self._report(request, delivery)

    def save_model(self, request, obj, form, change) -> None:
        form.instance = form.save()

    def save_related(self, request, form, formsets, change) -> None:
        """Roles are set by the service."""

    @admin.action(description="Deactivate selected users")
    def deactivate(self, request, queryset) -> None:
        for user in queryset:
            services.user_deactivate(user=user)
        self.message_user(request, f"Deactivated {queryset.count()} user(s).")

    @admin.action(description="E-mail selected users a link to set a new password")
    def send_password_link(self, request, queryset) -> None:
        for user in queryset:
            if self.has_change_permission(request, user):
                self._send_password_link(request, user)


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

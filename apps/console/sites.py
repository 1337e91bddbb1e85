"""Two admin sites on Django's admin: operators on the public host, tenant people on theirs.

The tenant site lets in every active user of the tenant and shows each page only as far as the
API would: model admins declare a `permission_resource` and are filtered by the caller's scope
(apps.core.permissions / apps.core.scoping), the same rules as REST.
"""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.http.request import split_domain_port

from apps.core.permissions import grant_scope
from apps.core.scoping import record_in_scope, scope_queryset


class TenantLoginForm(AuthenticationForm):
    """Any active user of the tenant may sign in; what they see is governed by their roles."""

    username = forms.EmailField(label="Email", widget=forms.EmailInput(attrs={"autofocus": True}))


class OperatorSite(admin.AdminSite):
    site_header = "CRM operators' console"
    site_title = "CRM operators"
    index_title = "Tenants and platform health"
    login_form = AdminAuthenticationForm

    def has_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser


class TenantSite(admin.AdminSite):
    site_header = "CRM"
    site_title = "CRM"
    index_title = "Dashboard"
    login_form = TenantLoginForm
    index_template = "console/dashboard.html"

    def has_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_authenticated

    def index(self, request: HttpRequest, extra_context: dict | None = None):
        from apps.console.dashboard import dashboard_context

        return super().index(request, {**dashboard_context(request), **(extra_context or {})})

    def get_urls(self):
        from django.urls import path

        from apps.console.kanban import board_move_view, board_view

        return [
            path("deals/board/", self.admin_view(board_view), name="deals_board"),
            path("deals/board/<str:deal_id>/move/", self.admin_view(board_move_view), name="deals_board_move"),
            *super().get_urls(),
        ]

    def each_context(self, request: HttpRequest) -> dict:
        context = super().each_context(request)
        tenant = getattr(request, "tenant", None)
        if tenant is not None:
            context["site_header"] = f"{tenant.name} CRM"
        return context


operator_site = OperatorSite(name="operators")
tenant_site = TenantSite(name="tenant_admin")


def tenant_site_url(request: HttpRequest) -> str:
    """The tenant's address for links sent by e-mail: the host this request came to when it is one
    of the tenant's domains (keeping its port), else the tenant's primary domain. A Host header
    the tenant does not own never ends up in a link."""
    tenant = request.tenant
    host = request.get_host()
    hostname, _ = split_domain_port(host)
    if tenant.domains.filter(domain=hostname).exists():
        return f"{request.scheme}://{host}"
    primary = tenant.domains.order_by("-is_primary", "pk").first()
    return f"{request.scheme}://{primary.domain if primary else f'{tenant.schema_name}.{settings.CRM_BASE_DOMAIN}'}"


def grants_of(request: HttpRequest) -> list[str]:
    user = request.user
    return user.permission_strings() if user.is_authenticated else []


class RbacAdmin(admin.ModelAdmin):
    """A model admin governed by the design's permissions instead of Django's model permissions.

    `permission_resource` names the resource (`contacts`); `owner_field` the ownership link used
    for own/team/department scopes (None for records without an owner).
    """

    permission_resource: str = ""
    owner_field: str | None = "owner"
    list_per_page = 50

    def _scope(self, request: HttpRequest, verb: str) -> str | None:
        return grant_scope(grants_of(request), f"{self.permission_resource}:{verb}")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._scope(request, "read") is not None

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        scope = self._scope(request, "read")
        return scope is not None and (obj is None or self._in_scope(request, obj, scope))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._scope(request, "write") is not None

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        scope = self._scope(request, "write")
        return scope is not None and (obj is None or self._in_scope(request, obj, scope))

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        scope = self._scope(request, "delete")
        return scope is not None and (obj is None or self._in_scope(request, obj, scope))

    def _in_scope(self, request: HttpRequest, obj, scope: str) -> bool:
        return self.owner_field is None or record_in_scope(obj, request.user, scope, self.owner_field)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        scope = self._scope(request, "read")
        if scope is None:
            return queryset.none()
        if self.owner_field:
            queryset = scope_queryset(queryset, request.user, scope, self.owner_field)
        return queryset


class ReadOnlyRbacAdmin(RbacAdmin):
    """A log or a record written elsewhere (by its service or the API): listed and read, never
    added, changed or deleted in the admin."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

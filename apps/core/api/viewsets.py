"""The base viewset every module's REST API is built on.

It applies the caller's ownership scope to every queryset, refuses writes to records outside it,
answers PUT like PATCH (the design's PUT bodies are partial), and answers delete with
`{"id": ..., "deleted": true}`.
"""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.filters import SearchFilter
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from apps.core.api.sorting import SortOrderFilter
from apps.core.permissions import caller_grants, grant_scope, permission_denied_details
from apps.core.scoping import record_in_scope, scope_queryset
from apps.core.security_hooks import record_resource_access_denied


class CrmViewSet(viewsets.ModelViewSet):
    filter_backends = [SortOrderFilter, SearchFilter, DjangoFilterBackend]
    owner_field: str | None = "owner"
    lookup_value_regex = "[^/]+"
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def scope(self) -> str:
        """The scope of the permission this request needed (write scope for writes)."""
        return getattr(self.request, "permission_scope", "tenant")

    def read_scope(self) -> str:
        """What the caller may see: a write outside the write scope is then a 403, not a 404."""
        resource = getattr(self, "permission_resource", None)
        if self.request.method in SAFE_METHODS or not resource:
            return self.scope()
        return grant_scope(caller_grants(self.request), f"{resource}:read") or self.scope()

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.owner_field and self.request.user.is_authenticated:
            queryset = scope_queryset(queryset, self.request.user, self.read_scope(), self.owner_field)
        return queryset

    def check_object_permissions(self, request, obj) -> None:
        super().check_object_permissions(request, obj)
        if self.owner_field and not record_in_scope(obj, request.user, self.scope(), self.owner_field):
            record_resource_access_denied(request, obj)
            denied = PermissionDenied("Insufficient permissions")
            denied.details = permission_denied_details(request, getattr(request, "required_permission", ""))
            raise denied

    def update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return super().update(request, *args, **kwargs)

    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        instance_id = instance.pk
        self.perform_destroy(instance)
        return Response({"id": instance_id, "deleted": True})

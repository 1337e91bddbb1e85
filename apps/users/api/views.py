"""`/v1/users`, `/v1/roles`, `/v1/teams`, `/v1/departments`: tenant admins manage their people."""

from django.db.models import Count, Prefetch, Q
from rest_framework import status
from rest_framework.response import Response

from apps.core.api.viewsets import CrmViewSet
from apps.core.permissions import caller_grants
from apps.security.services import role_escalation_guard
from apps.users import services
from apps.users.api.serializers import DepartmentSerializer, RoleSerializer, TeamSerializer, UserSerializer
from apps.users.models import Department, Role, Team, User


def _guard_roles(request, names: list[str], target: str) -> None:
    services.roles_grant_guard(request=request, grants=caller_grants(request), role_names=names, target=target)


class UserViewSet(CrmViewSet):
    queryset = User.objects.prefetch_related(Prefetch("roles", queryset=Role.objects.only("id", "name")))
    serializer_class = UserSerializer
    permission_resource = "users"
    owner_field = None
    sort_fields = {"email": "email", "lastName": "last_name", "firstName": "first_name", "createdAt": "created_at"}
    default_sort = "email"
    search_fields = ["email", "first_name", "last_name"]
    filterset_fields = ["team", "department", "is_active"]

    def get_queryset(self):
        """A `users:team:read` caller sees their team; `:department` their department; `:own` themself."""
        queryset = super().get_queryset()
        me, scope = self.request.user, self.read_scope()
        if scope == "tenant" or not me.is_authenticated:
            return queryset
        same = {"team": "team_id", "department": "department_id"}.get(scope)
        if same and getattr(me, same):
            return queryset.filter(Q(**{same: getattr(me, same)}) | Q(pk=me.pk))
        return queryset.filter(pk=me.pk)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        _guard_roles(request, data.get("roles", []), target="user")
        user = services.user_create(
            email=data["email"],
            password=data["password"],
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
            roles=data.get("roles", []),
            team_id=data.get("team_id"),
            department_id=data.get("department_id"),
        )
        return Response(self.get_serializer(user).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        user = self.get_object()
        serializer = self.get_serializer(user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        if "roles" in serializer.validated_data:
            _guard_roles(request, serializer.validated_data["roles"], target=user.pk)
        user = services.user_update(user=user, data=serializer.validated_data)
        return Response(self.get_serializer(user).data)

    def destroy(self, request, *args, **kwargs):
        user = services.user_deactivate(user=self.get_object())
        return Response({"id": user.pk, "deleted": True})


class RoleViewSet(CrmViewSet):
    queryset = Role.objects.all()
    serializer_class = RoleSerializer
    permission_resource = "roles"
    owner_field = None
    sort_fields = {"name": "name", "createdAt": "created_at"}
    default_sort = "name"

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        role_escalation_guard(
            request=request,
            grants=caller_grants(request),
            requested=serializer.validated_data["permissions"],
            target="role",
        )
        role = services.role_create(**serializer.validated_data)
        return Response(self.get_serializer(role).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        role = self.get_object()
        serializer = self.get_serializer(role, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        if "permissions" in serializer.validated_data:
            role_escalation_guard(
                request=request,
                grants=caller_grants(request),
                requested=serializer.validated_data["permissions"],
                target=role.pk,
            )
        role = services.role_update(role=role, data=serializer.validated_data)
        return Response(self.get_serializer(role).data)

    def perform_destroy(self, instance: Role) -> None:
        services.role_delete(role=instance)


class TeamViewSet(CrmViewSet):
    queryset = Team.objects.annotate(member_count=Count("members"))
    serializer_class = TeamSerializer
    permission_resource = "teams"
    owner_field = None
    sort_fields = {"name": "name", "createdAt": "created_at"}
    default_sort = "name"

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        team = services.team_create(
            name=data["name"], description=data.get("description", ""), department_id=data.get("department_id")
        )
        team.member_count = 0
        return Response(self.get_serializer(team).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer) -> None:
        team = serializer.instance
        for field, value in serializer.validated_data.items():
            setattr(team, field, value)
        team.save()


class DepartmentViewSet(CrmViewSet):
    queryset = Department.objects.all()
    serializer_class = DepartmentSerializer
    permission_resource = "teams"
    owner_field = None
    sort_fields = {"name": "name"}
    default_sort = "name"

    def perform_create(self, serializer) -> None:
        serializer.instance = services.department_get_or_create(name=serializer.validated_data["name"])

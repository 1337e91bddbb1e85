from rest_framework import serializers

from apps.core.api.serializers import StrictSerializer
from apps.users.models import User
from apps.users.roles import ALL_PERMISSIONS


class UserSerializer(StrictSerializer):
    id = serializers.CharField(read_only=True)
    email = serializers.EmailField()
    password = serializers.CharField(write_only=True, required=False, style={"input_type": "password"})
    firstName = serializers.CharField(source="first_name", required=False, allow_blank=True, max_length=150)
    lastName = serializers.CharField(source="last_name", required=False, allow_blank=True, max_length=150)
    roles = serializers.ListField(child=serializers.CharField(), required=False, write_only=True)
    teamId = serializers.CharField(source="team_id", required=False, allow_null=True)
    departmentId = serializers.CharField(source="department_id", required=False, allow_null=True)
    isActive = serializers.BooleanField(source="is_active", required=False)
    createdAt = serializers.DateTimeField(source="created_at", read_only=True)
    updatedAt = serializers.DateTimeField(source="updated_at", read_only=True)

    def to_representation(self, instance: User) -> dict:
        data = super().to_representation(instance)
        data["roles"] = instance.role_names()
        data["name"] = instance.full_name
        return data

    def validate(self, attrs: dict) -> dict:
        if self.instance is None and not attrs.get("password"):
            raise serializers.ValidationError({"password": "This field is required."})
        return attrs


def _check_permission_strings(values: list[str]) -> list[str]:
    known_resources = {perm.split(":")[0] for perm in ALL_PERMISSIONS} | {"*", "tenant"}
    bad = [value for value in values if value.split(":")[0] not in known_resources]
    if bad:
        raise serializers.ValidationError(f"Unknown permissions: {', '.join(bad)}.")
    return values


class RoleSerializer(StrictSerializer):
    id = serializers.CharField(read_only=True)
    name = serializers.RegexField(r"^[a-z][a-z0-9_]{1,63}$", max_length=64)
    description = serializers.CharField(required=False, allow_blank=True)
    permissions = serializers.ListField(child=serializers.CharField(max_length=100), allow_empty=True)
    isSystem = serializers.BooleanField(source="is_system", read_only=True)
    createdAt = serializers.DateTimeField(source="created_at", read_only=True)
    updatedAt = serializers.DateTimeField(source="updated_at", read_only=True)

    def validate_permissions(self, value: list[str]) -> list[str]:
        return _check_permission_strings(value)


class TeamSerializer(StrictSerializer):
    id = serializers.CharField(read_only=True)
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    departmentId = serializers.CharField(source="department_id", required=False, allow_null=True)
    memberCount = serializers.IntegerField(source="member_count", read_only=True, default=0)
    createdAt = serializers.DateTimeField(source="created_at", read_only=True)
    updatedAt = serializers.DateTimeField(source="updated_at", read_only=True)


class DepartmentSerializer(StrictSerializer):
    id = serializers.CharField(read_only=True)
    name = serializers.CharField(max_length=200)
    createdAt = serializers.DateTimeField(source="created_at", read_only=True)

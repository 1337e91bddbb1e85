"""Writes on people, roles and teams. Every password set goes through `password_validate`."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone

from apps.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from apps.users.models import Department, Role, Team, User
from apps.users.roles import DEFAULT_ROLES


def password_validate(password: str, *, user: User | None = None) -> None:
    try:
        validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise ValidationFailed({"password": " ".join(exc.messages)}) from None


def roles_by_names(names: list[str]) -> list[Role]:
    roles = list(Role.objects.filter(name__in=names))
    unknown = sorted(set(names) - {role.name for role in roles})
    if unknown:
        raise ValidationFailed({"roles": f"Unknown roles: {', '.join(unknown)}."})
    return roles


def _team_and_department(team_id: str | None, department_id: str | None) -> tuple[Team | None, Department | None]:
    team = department = None
    if team_id:
        team = Team.objects.filter(pk=team_id).first()
        if team is None:
            raise ValidationFailed({"teamId": f"No team '{team_id}'."})
    if department_id:
        department = Department.objects.filter(pk=department_id).first()
        if department is None:
            raise ValidationFailed({"departmentId": f"No department '{department_id}'."})
    elif team is not None:
        department = team.department
    return team, department


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    roles: list[str] | None = None,
    team_id: str | None = None,
    department_id: str | None = None,
    is_staff: bool = False,
) -> User:
    email = email.strip().lower()
    if User.objects.filter(email=email).exists():
        raise Conflict(f"A user with email '{email}' already exists.", field="email")
    role_objects = roles_by_names(roles or [])
    team, department = _team_and_department(team_id, department_id)
    user = User(
        email=email, first_name=first_name, last_name=last_name, team=team, department=department, is_staff=is_staff
    )
    password_validate(password, user=user)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.save()
    user.roles.set(role_objects)
    return user


@transaction.atomic
def user_update(*, user: User, data: dict) -> User:
    for field in ("first_name", "last_name", "is_active"):
        if field in data:
            setattr(user, field, data[field])
    if "email" in data:
        email = data["email"].strip().lower()
        if User.objects.filter(email=email).exclude(pk=user.pk).exists():
            raise Conflict(f"A user with email '{email}' already exists.", field="email")
        user.email = email
    if "team_id" in data or "department_id" in data:
        team, department = _team_and_department(
            data.get("team_id", user.team_id), data.get("department_id", user.department_id)
        )
        user.team, user.department = team, department
    if data.get("password"):
        password_validate(data["password"], user=user)
        user.set_password(data["password"])
        user.password_changed_at = timezone.now()
    user.save()
    if "roles" in data:
        user.roles.set(roles_by_names(data["roles"]))
    return user


def user_deactivate(*, user: User) -> User:
    user.is_active = False
    user.save(update_fields=["is_active", "updated_at"])
    return user


def role_create(*, name: str, permissions: list[str], description: str = "") -> Role:
    if Role.objects.filter(name=name).exists():
        raise Conflict(f"A role named '{name}' already exists.", field="name")
    return Role.objects.create(name=name, permissions=permissions, description=description)


def role_update(*, role: Role, data: dict) -> Role:
    if role.is_system:
        raise Forbidden(f"The system role '{role.name}' cannot be changed.")
    for field in ("name", "permissions", "description"):
        if field in data:
            setattr(role, field, data[field])
    role.save()
    return role


def role_delete(*, role: Role) -> None:
    if role.is_system:
        raise Forbidden(f"The system role '{role.name}' cannot be deleted.")
    role.delete()


def roles_seed() -> None:
    """The design's roles, created once per tenant; an admin's later edits are kept."""
    for name, spec in DEFAULT_ROLES.items():
        Role.objects.get_or_create(
            name=name,
            defaults={
                "description": spec["description"],
                "permissions": spec["permissions"],
                "is_system": spec["is_system"],
            },
        )


def team_create(*, name: str, description: str = "", department_id: str | None = None) -> Team:
    if Team.objects.filter(name=name).exists():
        raise Conflict(f"A team named '{name}' already exists.", field="name")
    department = None
    if department_id:
        department = Department.objects.filter(pk=department_id).first()
        if department is None:
            raise NotFound(f"No department '{department_id}'.", field="departmentId")
    return Team.objects.create(name=name, description=description, department=department)


def department_get_or_create(*, name: str) -> Department:
    department, _ = Department.objects.get_or_create(name=name)
    return department

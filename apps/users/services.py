"""Writes on people, roles and teams. Every password set goes through `password_validate`."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone

from apps.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from apps.security.services import role_escalation_guard
from apps.users.mail import PasswordLinkDelivery, password_link_send_on_commit
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


def roles_grant_guard(*, request, grants: list[str], role_names: list[str], target: str) -> None:
    """Nobody hands out roles carrying permissions they do not hold themselves (a recorded 403)."""
    permissions = [perm for role in roles_by_names(role_names) for perm in role.permissions]
    role_escalation_guard(request=request, grants=grants, requested=permissions, target=target)


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


def _password_apply(user: User, password: str) -> None:
    """Sets a password the tenant's policy accepts (the caller saves)."""
    password_validate(password, user=user)
    user.set_password(password)
    user.password_changed_at = timezone.now()


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    roles: list[str] | None = None,
    team_id: str | None = None,
    department_id: str | None = None,
    is_staff: bool = False,
) -> User:
    """A new user with `password`; with None, without a usable one (see `user_invite`)."""
    email = email.strip().lower()
    if User.objects.filter(email=email).exists():
        raise Conflict(f"A user with email '{email}' already exists.", field="email")
    role_objects = roles_by_names(roles or [])
    team, department = _team_and_department(team_id, department_id)
    user = User(
        email=email, first_name=first_name, last_name=last_name, team=team, department=department, is_staff=is_staff
    )
    if password is None:
        user.set_unusable_password()
    else:
        _password_apply(user, password)
    user.save()
    user.roles.set(role_objects)
    return user


def user_invite(
    *,
    email: str,
    site_url: str,
    first_name: str = "",
    last_name: str = "",
    roles: list[str] | None = None,
    team_id: str | None = None,
    department_id: str | None = None,
    invited_by: User | None = None,
) -> PasswordLinkDelivery:
    """Creates the user without a usable password and e-mails them a one-time link (on
    `site_url`, the tenant's host) to set one under the tenant's password policy.

    The e-mail leaves once the user is committed; a mail server failure never loses the user, it
    is reported on the returned delivery (`sent`, `error`) and the link can be sent again with
    `user_password_link_send`.
    """
    with transaction.atomic():
        user = user_create(
            email=email,
            password=None,
            first_name=first_name,
            last_name=last_name,
            roles=roles,
            team_id=team_id,
            department_id=department_id,
        )
        return password_link_send_on_commit(user=user, site_url=site_url, kind="invitation", sender=invited_by)


def user_password_link_send(*, user: User, site_url: str, sent_by: User | None = None) -> PasswordLinkDelivery:
    """E-mails `user` a one-time link to set a new password (their current one keeps working
    until then). Invited users who never set a password get their invitation again."""
    if not user.is_active:
        raise ValidationFailed({"user": f"{user.email} is deactivated; reactivate them first."})
    kind = "password_reset" if user.has_usable_password() else "invitation"
    return password_link_send_on_commit(user=user, site_url=site_url, kind=kind, sender=sent_by)


@transaction.atomic
def user_password_set(*, user: User, password: str) -> User:
    """The password a user chose through their e-mailed link, under the tenant's policy. It
    changes the link's token, so the link works once."""
    _password_apply(user, password)
    user.save(update_fields=["password", "password_changed_at", "updated_at"])
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
        _password_apply(user, data["password"])
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

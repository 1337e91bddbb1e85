"""People of a tenant, living in the tenant's own schema (operators live in the public schema)."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from apps.core.ids import PrefixedIdField
from apps.core.models import TimestampedModel


class Department(TimestampedModel):
    id = PrefixedIdField(prefix="dept")
    name = models.CharField(max_length=200, unique=True)

    def __str__(self) -> str:
        return self.name


class Team(TimestampedModel):
    id = PrefixedIdField(prefix="team")
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="teams")

    def __str__(self) -> str:
        return self.name


class Role(TimestampedModel):
    """A named set of the design's permission strings. System roles cannot be edited."""

    id = PrefixedIdField(prefix="role")
    name = models.CharField(max_length=64, unique=True)
    description = models.TextField(blank=True)
    permissions = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    is_system = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """Logs in with email. Roles give permission strings; team and department give scopes."""

    id = PrefixedIdField(prefix="user")
    email = models.EmailField(unique=True)
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    roles = models.ManyToManyField(Role, blank=True, related_name="users")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    password_changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    def set_password(self, raw_password: str | None) -> None:
        """Every way of setting a password (services, admin forms, e-mailed links) restarts its age."""
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def __str__(self) -> str:
        return self.email

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.email

    def role_names(self) -> list[str]:
        return [role.name for role in self.roles.all()]

    def permission_strings(self) -> list[str]:
        """Union of the roles' permission strings; superusers hold everything."""
        if self.is_superuser:
            return ["*"]
        cached = getattr(self, "_permission_strings", None)
        if cached is None:
            cached = sorted({perm for role in self.roles.all() for perm in role.permissions})
            self._permission_strings = cached
        return cached

"""Tenants live in the public schema: one row per company, one PostgreSQL schema each."""

from django.core.validators import RegexValidator
from django.db import models
from django_tenants.models import DomainMixin, TenantMixin

from apps.tenants.choices import TenantStatus

slug_validator = RegexValidator(
    r"^[a-z][a-z0-9_]{2,62}$",
    "A tenant id starts with a letter and holds 3 to 63 lowercase letters, digits or underscores.",
)


class Tenant(TenantMixin):
    """A customer company. Its id is its slug, which is also its schema name."""

    name = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=TenantStatus.choices, default=TenantStatus.ACTIVE)
    currency = models.CharField(max_length=3, default="USD")
    created_at = models.DateTimeField(auto_now_add=True)

    auto_create_schema = True
    auto_drop_schema = True
    # The template holds only Django's bookkeeping rows (applied migrations, content types,
    # permissions), never records: copying them lets the clone skip the fake-migration pass.
    clone_mode = "DATA"

    def __str__(self) -> str:
        return self.schema_name

    @property
    def slug(self) -> str:
        return self.schema_name


class Domain(DomainMixin):
    def __str__(self) -> str:
        return self.domain

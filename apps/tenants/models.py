"""Tenants live in the public schema: one row per company, one PostgreSQL schema each."""

import logging

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django_tenants.models import DomainMixin, TenantMixin

from apps.tenants.choices import TenantPlan, TenantStatus

logger = logging.getLogger(__name__)

slug_validator = RegexValidator(
    r"^[a-z][a-z0-9_]{2,62}$",
    "A tenant id starts with a letter and holds 3 to 63 lowercase letters, digits or underscores.",
)


class Tenant(TenantMixin):
    """A customer company. Its id is its slug, which is also its schema name."""

    name = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=TenantStatus.choices, default=TenantStatus.ACTIVE)
    currency = models.CharField(max_length=3, default="USD")
    plan = models.CharField(max_length=20, choices=TenantPlan.choices, default=TenantPlan.STANDARD)
    deletion_scheduled_at = models.DateTimeField(
        null=True, blank=True, help_text="When set, the tenant is suspended and dropped at this time."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    auto_create_schema = True
    auto_drop_schema = True
    # The template holds only Django's bookkeeping rows (applied migrations, content types,
    # permissions), never records: copying them lets the clone skip the fake-migration pass.
    clone_mode = "DATA"

    def __str__(self) -> str:
        return self.schema_name

    def create_schema(self, check_if_exists: bool = False, sync_schema: bool = True, verbosity: int = 1) -> bool:
        """New tenant schemas replay the template's DDL (fast); anything else goes the usual way."""
        from django.db import connection
        from django_tenants.utils import get_public_schema_name, schema_exists

        from apps.tenants.schema_cloning import CloneUnavailable, schema_create_from_template

        special = self.schema_name in (get_public_schema_name(), settings.TENANT_BASE_SCHEMA)
        if not special and sync_schema and settings.TENANT_CREATION_FAKES_MIGRATIONS:
            if check_if_exists and schema_exists(self.schema_name):
                return False
            if schema_exists(settings.TENANT_BASE_SCHEMA):
                try:
                    schema_create_from_template(self.schema_name)
                    connection.set_schema_to_public()
                    return True
                except CloneUnavailable as reason:
                    logger.warning("Fast schema creation unavailable (%s); using django-tenants' clone", reason)
        return super().create_schema(check_if_exists, sync_schema, verbosity)

    @property
    def slug(self) -> str:
        return self.schema_name

    @property
    def is_suspended(self) -> bool:
        return self.status == TenantStatus.SUSPENDED or self.deletion_scheduled_at is not None


class Domain(DomainMixin):
    def __str__(self) -> str:
        return self.domain


class SchemaSnapshot(models.Model):
    """The template schema's DDL at one migration state (see apps.tenants.schema_cloning)."""

    fingerprint = models.CharField(max_length=64, unique=True)
    ddl = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

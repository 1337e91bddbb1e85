"""Celery beat for a schema-per-tenant platform: each schedule entry runs once per tenant.

tenant-schemas-celery's scheduler sends a due entry to every tenant schema (`_schema_name`
header); this one leaves out the template schema that new tenants are cloned from.
"""

from django.conf import settings
from tenant_schemas_celery.scheduler import TenantAwarePersistentScheduler


class TenantBeatScheduler(TenantAwarePersistentScheduler):
    @classmethod
    def get_queryset(cls):
        return super().get_queryset().exclude(schema_name=settings.TENANT_BASE_SCHEMA)

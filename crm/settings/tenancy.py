"""django-tenants: one PostgreSQL schema per tenant, new tenants cloned from a template schema."""

from crm.settings.env import env

TENANT_MODEL = "tenants.Tenant"
TENANT_DOMAIN_MODEL = "tenants.Domain"
CRM_BASE_DOMAIN = env("CRM_BASE_DOMAIN", "localhost")

# Provisioning clones this migrated schema instead of replaying every migration (≈5× faster).
TENANT_BASE_SCHEMA = "tenant_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
TENANT_SLUG_PATTERN = r"^[a-z][a-z0-9_]{2,62}$"
TENANT_HEADER = "HTTP_X_TENANT_ID"
TENANT_LIMIT_SET_CALLS = True  # one SET search_path per tenant switch, not one per query

"""Provisioning: one call creates (or completes) a tenant with everything it needs to start.

Idempotent: provisioning an existing tenant adds what is missing and changes nothing else.
"""

import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context, tenant_context

from apps.core.custom_fields import custom_field_define
from apps.core.errors import ValidationFailed
from apps.tenants.choices import TenantStatus
from apps.tenants.models import Domain, SchemaSnapshot, Tenant

DEFAULT_PIPELINE_NAME = "Sales Pipeline"
DEFAULT_STAGES = [
    ("Lead", 1, 10, "open"),
    ("Qualification", 2, 25, "open"),
    ("Proposal", 3, 50, "open"),
    ("Negotiation", 4, 75, "open"),
    ("Closed Won", 5, 100, "won"),
]
EXAMPLE_CUSTOM_FIELDS = [
    ("contact", "leadSource", "Lead source"),
    ("contact", "industry", "Industry"),
    ("deal", "dealSource", "Deal source"),
    ("deal", "competitorInfo", "Competitor info"),
    ("lead", "budget", "Budget"),
    ("lead", "timeline", "Timeline"),
]
WEB_APP_CLIENT_ID = "crm_web_app"
WEB_APP_REDIRECT_URIS = [
    "https://app.crm-platform.com/callback",
    "http://localhost:3000/callback",
    "http://127.0.0.1:3000/callback",
]


@dataclass
class ProvisionResult:
    tenant: Tenant
    created: bool


def _check_slug(slug: str) -> None:
    if not re.match(settings.TENANT_SLUG_PATTERN, slug) or slug in (
        get_public_schema_name(),
        settings.TENANT_BASE_SCHEMA,
    ):
        raise ValidationFailed(
            {"slug": "A tenant id is 3-63 lowercase letters, digits or underscores, starting with a letter."}
        )


def platform_setup() -> None:
    """Shared tables, the public tenant (operators' host) and the template schema tenants clone."""
    from django.core.management import call_command

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    with schema_context(get_public_schema_name()):
        public, _ = Tenant.objects.get_or_create(schema_name=get_public_schema_name(), defaults={"name": "Operators"})
        Domain.objects.get_or_create(domain=settings.CRM_BASE_DOMAIN, defaults={"tenant": public, "is_primary": True})
        if not Tenant.objects.filter(schema_name=settings.TENANT_BASE_SCHEMA).exists():
            Tenant(schema_name=settings.TENANT_BASE_SCHEMA, name="Template").save(verbosity=0)
    call_command("migrate_schemas", tenant=True, interactive=False, verbosity=0)
    # The template may have changed: the next tenant re-dumps its DDL (apps.tenants.schema_cloning).
    SchemaSnapshot.objects.all().delete()


def tenant_provision(
    *,
    slug: str,
    name: str,
    admin_email: str,
    admin_password: str,
    domain: str | None = None,
    demo_data: bool = False,
) -> ProvisionResult:
    _check_slug(slug)
    connection.set_schema_to_public()
    tenant = Tenant.objects.filter(schema_name=slug).first()
    created = tenant is None
    if created:
        tenant = Tenant(schema_name=slug, name=name)
        tenant.save(verbosity=0)
    domains = [f"{slug}.{settings.CRM_BASE_DOMAIN}"] + ([domain] if domain else [])
    for index, hostname in enumerate(domains):
        Domain.objects.get_or_create(domain=hostname, defaults={"tenant": tenant, "is_primary": index == 0})
    with tenant_context(tenant):
        tenant_seed(admin_email=admin_email, admin_password=admin_password)
        if demo_data:
            from apps.tenants.demo_data import demo_data_load

            demo_data_load()
    return ProvisionResult(tenant=tenant, created=created)


@transaction.atomic
def tenant_seed(*, admin_email: str, admin_password: str) -> None:
    """Roles, the first admin, the default pipeline, example custom fields and the web client."""
    from apps.pipelines.models import Pipeline, Stage
    from apps.users.models import Role, User
    from apps.users.roles import TENANT_ADMIN
    from apps.users.services import roles_seed, user_create

    roles_seed()
    if not User.objects.filter(email=admin_email.lower()).exists():
        user_create(
            email=admin_email,
            password=admin_password,
            first_name="Tenant",
            last_name="Admin",
            roles=[TENANT_ADMIN],
            is_staff=True,
        )
    else:
        admin = User.objects.get(email=admin_email.lower())
        admin.roles.add(Role.objects.get(name=TENANT_ADMIN))

    if not Pipeline.objects.filter(is_default=True).exists():
        pipeline = Pipeline.objects.create(
            name=DEFAULT_PIPELINE_NAME, description="Standard sales process", is_default=True
        )
        Stage.objects.bulk_create(
            Stage(
                pipeline=pipeline,
                name=stage_name,
                slug=stage_name.lower().replace(" ", "_"),
                order=order,
                probability=probability,
                stage_type=stage_type,
            )
            for stage_name, order, probability, stage_type in DEFAULT_STAGES
        )
    for entity, field_name, label in EXAMPLE_CUSTOM_FIELDS:
        custom_field_define(entity=entity, name=field_name, label=label)
    oauth_client_register(
        client_id=WEB_APP_CLIENT_ID,
        name="CRM web app",
        redirect_uris=WEB_APP_REDIRECT_URIS,
        confidential=False,
        skip_authorization=True,
    )


def oauth_client_register(
    *,
    client_id: str,
    redirect_uris: list[str],
    name: str = "",
    confidential: bool = False,
    skip_authorization: bool = False,
    client_secret: str | None = None,
):
    """Creates the client, or adds redirect URIs to an existing one. Returns (application, secret)."""
    from oauth2_provider.generators import generate_client_secret
    from oauth2_provider.models import get_application_model

    Application = get_application_model()
    application = Application.objects.filter(client_id=client_id).first()
    if application is not None:
        known = application.redirect_uris.split()
        missing = [uri for uri in redirect_uris if uri not in known]
        if missing:
            application.redirect_uris = " ".join(known + missing)
            application.save(update_fields=["redirect_uris"])
        return application, None
    secret = client_secret or (generate_client_secret() if confidential else "")
    application = Application.objects.create(
        client_id=client_id,
        name=name or client_id,
        client_type=Application.CLIENT_CONFIDENTIAL if confidential else Application.CLIENT_PUBLIC,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(redirect_uris),
        client_secret=secret,
        skip_authorization=skip_authorization,
        algorithm="",
        hash_client_secret=confidential,  # a public client has no secret worth an Argon2 round
    )
    return application, secret or None


DELETION_GRACE = timedelta(days=7)


def tenant_suspend(*, tenant: Tenant) -> Tenant:
    tenant.status = TenantStatus.SUSPENDED
    tenant.save(update_fields=["status"])
    return tenant


def tenant_resume(*, tenant: Tenant) -> Tenant:
    """Back to active; also cancels a scheduled deletion still within its grace period."""
    tenant.status = TenantStatus.ACTIVE
    tenant.deletion_scheduled_at = None
    tenant.save(update_fields=["status", "deletion_scheduled_at"])
    return tenant


def tenant_schedule_deletion(*, tenant: Tenant, grace: timedelta = DELETION_GRACE) -> Tenant:
    """Suspends the tenant now; its schema is dropped once the grace period is over."""
    if tenant.schema_name in (get_public_schema_name(), settings.TENANT_BASE_SCHEMA):
        raise ValidationFailed({"tenant": "The public and template schemas cannot be deleted."})
    tenant.deletion_scheduled_at = timezone.now() + grace
    tenant.save(update_fields=["deletion_scheduled_at"])
    return tenant


def tenants_purge_due() -> list[str]:
    """Drops the tenants whose deletion grace period has passed. Returns their ids."""
    connection.set_schema_to_public()
    purged = []
    for tenant in Tenant.objects.filter(deletion_scheduled_at__lte=timezone.now()):
        purged.append(tenant.schema_name)
        tenant.delete(force_drop=True)
    return purged


def operator_ensure(*, email: str, password: str):
    """An operator (superuser of the public schema) for the operators' console. Idempotent."""
    from apps.users.models import User

    with schema_context(get_public_schema_name()):
        user = User.objects.filter(email=email.lower()).first()
        if user is None:
            user = User.objects.create_superuser(email=email, password=password)
        return user

"""`provision_tenant` and `create_oauth_client`: complete, idempotent, fast (cloned schema)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import tenant_context

from apps.tenants.models import Domain, Tenant
from tests.fixtures import TENANT


def tenant_snapshot(slug: str) -> dict:
    from oauth2_provider.models import Application

    from apps.core.models import CustomFieldDefinition
    from apps.pipelines.models import Pipeline, Stage
    from apps.users.models import Role, User

    connection.set_schema_to_public()
    tenant = Tenant.objects.get(schema_name=slug)
    with tenant_context(tenant):
        return {
            "domains": sorted(Domain.objects.filter(tenant=tenant).values_list("domain", flat=True)),
            "users": sorted(User.objects.values_list("email", "password")),
            "roles": sorted(Role.objects.values_list("name", "permissions")),
            "pipelines": sorted(Pipeline.objects.values_list("id", "name")),
            "stages": sorted(Stage.objects.values_list("id", "name", "order", "probability", "stage_type")),
            "custom_fields": sorted(CustomFieldDefinition.objects.values_list("entity", "name")),
            "clients": sorted(Application.objects.values_list("client_id", "redirect_uris", "skip_authorization")),
        }


def test_provisioned_tenant_has_everything_the_contract_names(public_schema):
    snapshot = tenant_snapshot(TENANT)
    assert snapshot["domains"] == [f"{TENANT}.localhost"]
    assert [email for email, _ in snapshot["users"]] == [f"admin@{TENANT}.test"]
    assert {name for name, _ in snapshot["roles"]} >= {
        "system_admin",
        "tenant_admin",
        "sales_manager",
        "sales_rep",
        "marketing_manager",
        "support_agent",
    }
    assert [(name, order, prob) for _, name, order, prob, _ in sorted(snapshot["stages"], key=lambda s: s[2])] == [
        ("Lead", 1, 10),
        ("Qualification", 2, 25),
        ("Proposal", 3, 50),
        ("Negotiation", 4, 75),
        ("Closed Won", 5, 100),
    ]
    client_id, redirect_uris, skip = snapshot["clients"][0]
    assert client_id == "crm_web_app" and skip is True
    assert "https://app.crm-platform.com/callback" in redirect_uris.split()


def test_admin_password_is_hashed_with_argon2(public_schema):
    (_, password), *_ = tenant_snapshot(TENANT)["users"]
    assert password.startswith("argon2")


def test_provisioning_twice_changes_nothing(public_schema):
    before = tenant_snapshot(TENANT)
    out = StringIO()
    call_command(
        "provision_tenant",
        TENANT,
        name="Acme again",
        admin_email=f"admin@{TENANT}.test",
        admin_password="Another-Pass-2025!",
        stdout=out,
    )
    assert out.getvalue().strip() == TENANT
    assert tenant_snapshot(TENANT) == before


def test_provision_refuses_a_bad_slug(public_schema):
    with pytest.raises(CommandError):
        call_command("provision_tenant", "Bad-Slug", name="x", admin_email="a@b.c", admin_password="p")


def test_create_oauth_client_command_is_idempotent_and_prints_secret_once(public_schema):
    from oauth2_provider.models import Application

    args = ["--tenant", TENANT, "--client-id", "partner_app", "--confidential"]
    first = StringIO()
    call_command("create_oauth_client", *args, "--redirect-uri", "https://partner.example/cb", stdout=first)
    assert "client_secret:" in first.getvalue()
    second = StringIO()
    call_command("create_oauth_client", *args, "--redirect-uri", "https://partner.example/cb2", stdout=second)
    assert "client_secret:" not in second.getvalue()
    with tenant_context(Tenant.objects.get(schema_name=TENANT)):
        app = Application.objects.get(client_id="partner_app")
        assert app.client_type == Application.CLIENT_CONFIDENTIAL
        assert app.redirect_uris.split() == ["https://partner.example/cb", "https://partner.example/cb2"]


def test_create_oauth_client_unknown_tenant(public_schema):
    with pytest.raises(CommandError):
        call_command("create_oauth_client", "--tenant", "nope_co", "--client-id", "x", "--redirect-uri", "https://x/cb")


def _schema_shape(schema: str) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, data_type, column_default IS NOT NULL FROM information_schema.columns "
            "WHERE table_schema = %s ORDER BY 1, 2",
            [schema],
        )
        columns = cursor.fetchall()
        cursor.execute("SELECT indexname FROM pg_indexes WHERE schemaname = %s ORDER BY 1", [schema])
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, contype FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
            "WHERE n.nspname = %s ORDER BY 1",
            [schema],
        )
        constraints = cursor.fetchall()
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations ORDER BY app, name')
        migrations = cursor.fetchall()
    return {"columns": columns, "indexes": indexes, "constraints": constraints, "migrations": migrations}


def test_new_tenant_schema_is_an_exact_copy_of_the_template(public_schema, settings):
    assert settings.TENANT_CREATION_FAKES_MIGRATIONS is True
    assert _schema_shape(TENANT) == _schema_shape(settings.TENANT_BASE_SCHEMA)


def test_cloned_schema_needs_no_migration(public_schema):
    from django.db.migrations.executor import MigrationExecutor

    with tenant_context(Tenant.objects.get(schema_name=TENANT)):
        executor = MigrationExecutor(connection)
        assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []


def test_id_sequences_continue_after_the_copied_rows(tenant):
    from django.contrib.contenttypes.models import ContentType

    created = ContentType.objects.create(app_label="probe", model="probe")
    assert created.pk > ContentType.objects.exclude(pk=created.pk).order_by("-pk").first().pk

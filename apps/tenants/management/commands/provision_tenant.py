from django.core.management.base import BaseCommand, CommandError

from apps.core.errors import DomainError
from apps.tenants.services import tenant_provision


class Command(BaseCommand):
    help = "Create a tenant (schema, domain, admin, default pipeline, web OAuth client). Idempotent."

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-password", required=True)
        parser.add_argument("--domain")
        parser.add_argument("--demo-data", action="store_true")

    def handle(self, *args, **options) -> None:
        try:
            result = tenant_provision(
                slug=options["slug"],
                name=options["name"],
                admin_email=options["admin_email"],
                admin_password=options["admin_password"],
                domain=options.get("domain"),
                demo_data=options["demo_data"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(result.tenant.schema_name)

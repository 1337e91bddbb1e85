from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import tenant_context

from apps.tenants.selectors import tenant_by_slug
from apps.tenants.services import oauth_client_register


class Command(BaseCommand):
    help = "Register an OAuth client in a tenant. Prints the client id (and the secret, once)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--tenant", required=True)
        parser.add_argument("--client-id", required=True)
        parser.add_argument("--redirect-uri", action="append", required=True, dest="redirect_uris")
        parser.add_argument("--name", default="")
        parser.add_argument("--confidential", action="store_true")
        parser.add_argument("--skip-authorization", action="store_true")
        parser.add_argument("--client-secret", help="Use this secret instead of generating one.")

    def handle(self, *args, **options) -> None:
        tenant = tenant_by_slug(options["tenant"])
        if tenant is None:
            raise CommandError(f"No tenant '{options['tenant']}'.")
        with tenant_context(tenant):
            application, secret = oauth_client_register(
                client_id=options["client_id"],
                redirect_uris=options["redirect_uris"],
                name=options["name"],
                confidential=options["confidential"],
                skip_authorization=options["skip_authorization"],
                client_secret=options.get("client_secret"),
            )
        self.stdout.write(application.client_id)
        if secret:
            self.stdout.write(f"client_secret: {secret}")

from django.core.management.base import BaseCommand

from apps.tenants.services import operator_ensure


class Command(BaseCommand):
    help = "Create an operator (superuser of the public schema) for the operators' console. Idempotent."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", required=True)

    def handle(self, *args, **options) -> None:
        user = operator_ensure(email=options["email"], password=options["password"])
        self.stdout.write(user.email)

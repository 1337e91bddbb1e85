from django.core.management.base import BaseCommand

from apps.tenants.services import platform_setup


class Command(BaseCommand):
    help = "Migrate the shared and tenant schemas, create the public tenant and the template schema."

    def handle(self, *args, **options) -> None:
        platform_setup()
        self.stdout.write("platform ready")

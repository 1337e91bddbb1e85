from django.apps import AppConfig


class BulkConfig(AppConfig):
    """Bulk import and export jobs."""

    name = "apps.bulk"
    label = "bulk"

from django.apps import AppConfig


class HistoryConfig(AppConfig):
    """Field-level history and trash (restore) of CRM records."""

    name = "apps.history"
    label = "history"

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Forecast, pipeline analytics, sales and performance reports."""

    name = "apps.reports"
    label = "reports"

from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    """Connections to third-party SaaS (Mailchimp, Google Calendar, QuickBooks Online) and the
    design's three integration calls."""

    name = "apps.integrations"
    label = "integrations"

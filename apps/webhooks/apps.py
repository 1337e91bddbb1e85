from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    """Signed webhooks with retries, delivery log and redelivery."""

    name = "apps.webhooks"
    label = "webhooks"

from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    """Third-party apps: registered by operators (public schema), installed by tenants."""

    name = "apps.marketplace"
    label = "marketplace"

from django.apps import AppConfig


class ApikeysConfig(AppConfig):
    """API keys: hashed secrets, permissions, rate tier, expiry, IP allow-list."""

    name = "apps.apikeys"
    label = "apikeys"

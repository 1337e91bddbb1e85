from django.apps import AppConfig


class SecurityConfig(AppConfig):
    """Security events, tenant security config, rate limits."""

    name = "apps.security"
    label = "security"

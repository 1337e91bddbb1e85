from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    """The server-rendered admin: operators' console (public host) and tenant admin (tenant hosts)."""

    name = "apps.console"
    label = "console"

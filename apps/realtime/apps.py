from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    """Live updates: /ws and /sse/activity-feed."""

    name = "apps.realtime"
    label = "realtime"

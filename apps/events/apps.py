from django.apps import AppConfig


class EventsConfig(AppConfig):
    """The event outbox: one event object per change, written in the change's transaction."""

    name = "apps.events"
    label = "events"

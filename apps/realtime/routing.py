"""WebSocket routes of the live-update module (`/ws`)."""

from django.urls import path

from apps.realtime.consumers import LiveUpdatesConsumer

websocket_urlpatterns: list = [path("ws", LiveUpdatesConsumer.as_asgi())]

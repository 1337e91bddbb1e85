"""WebSocket routes: each module's, merged."""

from django.urls import path

from apps.core.consumers import HealthConsumer
from apps.realtime.routing import websocket_urlpatterns as realtime_routes

websocket_urlpatterns = [
    path("ws/health", HealthConsumer.as_asgi()),
    *realtime_routes,
]

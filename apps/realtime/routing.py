"""WebSocket routes of the live-update module (`/ws`)."""

websocket_urlpatterns: list = []

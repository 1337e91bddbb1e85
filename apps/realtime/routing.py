"""WebSocket routes of the live-update module (`/ws`) and GraphQL subscriptions (`/graphql`)."""

from django.urls import path, re_path

from apps.core.graphql.subscriptions import GraphQLSubscriptionConsumer
from apps.realtime.consumers import LiveUpdatesConsumer

websocket_urlpatterns: list = [
    path("ws", LiveUpdatesConsumer.as_asgi()),
    re_path(r"^graphql/?$", GraphQLSubscriptionConsumer.as_asgi()),
]

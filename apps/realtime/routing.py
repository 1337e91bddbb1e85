"""WebSocket routes of the live-update module (`/ws`) and GraphQL subscriptions (`/graphql`)."""

from django.urls import re_path

from apps.core.graphql.subscriptions import GraphQLSubscriptionConsumer

websocket_urlpatterns: list = [
    re_path(r"^graphql/?$", GraphQLSubscriptionConsumer.as_asgi()),
]

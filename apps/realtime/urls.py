"""Routes outside /v1: the SSE activity feed."""

from django.urls import path

from apps.realtime.sse import activity_feed

urlpatterns: list = [path("sse/activity-feed", activity_feed, name="sse-activity-feed")]

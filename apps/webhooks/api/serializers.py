"""The design's webhook registration body, snake_case, and the delivery log entries."""

import re

from rest_framework import serializers

from apps.core.api.serializers import StrictSerializer
from apps.events.types import EventType
from apps.webhooks.choices import DEFAULT_SIGNATURE_HEADER, TEST_EVENT_TYPE
from apps.webhooks.matching import FILTER_KEYS
from apps.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery

_HEADER = re.compile(r"^X-[A-Za-z0-9-]{1,96}$")
SUBSCRIBABLE = sorted(EventType.values)


def _iso(value):
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


class SecuritySerializer(StrictSerializer):
    secret = serializers.CharField(min_length=8, max_length=255, required=False, trim_whitespace=False)
    signature_header = serializers.CharField(max_length=100, required=False, default=DEFAULT_SIGNATURE_HEADER)

    def validate_signature_header(self, value: str) -> str:
        if not _HEADER.match(value):
            raise serializers.ValidationError("Must be a custom header name starting with 'X-' (e.g. X-CRM-Signature).")
        return value


class RetryConfigSerializer(StrictSerializer):
    max_retries = serializers.IntegerField(min_value=0, max_value=10, required=False)
    retry_delay_seconds = serializers.IntegerField(min_value=1, max_value=86400, required=False)
    timeout_seconds = serializers.IntegerField(min_value=1, max_value=60, required=False)


class WebhookSerializer(StrictSerializer):
    url = serializers.URLField(max_length=2000)
    events = serializers.ListField(child=serializers.CharField(max_length=64), min_length=1, max_length=50)
    filters = serializers.DictField(child=serializers.DictField(), required=False)
    security = SecuritySerializer(required=False)
    retry_config = RetryConfigSerializer(required=False)
    active = serializers.BooleanField(required=False)

    def validate_events(self, value: list[str]) -> list[str]:
        unknown = [event for event in value if event != "*" and event not in SUBSCRIBABLE]
        if unknown:
            raise serializers.ValidationError(
                f"Unknown event types: {', '.join(unknown)}. Known: {', '.join(SUBSCRIBABLE)} or '*'."
            )
        return list(dict.fromkeys(value))

    def validate_filters(self, value: dict) -> dict:
        for event_type, spec in value.items():
            unknown = sorted(set(spec) - set(FILTER_KEYS))
            if unknown:
                raise serializers.ValidationError(
                    f"'{event_type}': unknown filters {', '.join(unknown)}; use {', '.join(FILTER_KEYS)}."
                )
            for key, items in spec.items():
                if not isinstance(items, list) or not all(isinstance(item, str) and item for item in items):
                    raise serializers.ValidationError(f"'{event_type}.{key}' must be a list of strings.")
        return value

    def validate(self, attrs: dict) -> dict:
        events = attrs.get("events")
        if events is not None and "filters" in attrs and "*" not in events:
            stray = sorted(set(attrs["filters"]) - set(events))
            if stray:
                raise serializers.ValidationError(
                    {"filters": f"Filters for events not subscribed: {', '.join(stray)}."}
                )
        return attrs

    def to_representation(self, webhook: Webhook) -> dict:
        return {
            "id": webhook.pk,
            "url": webhook.url,
            "events": webhook.events,
            "filters": webhook.filters,
            "security": {
                "signature_header": webhook.signature_header,
                "secret_hint": f"…{webhook.secret[-4:]}",
                "rotating": bool(webhook.previous_secret),
            },
            "retry_config": {
                "max_retries": webhook.max_retries,
                "retry_delay_seconds": webhook.retry_delay_seconds,
                "timeout_seconds": webhook.timeout_seconds,
            },
            "active": webhook.is_active,
            "status": "active" if webhook.is_active else "disabled",
            "disabled_reason": webhook.disabled_reason or None,
            "disabled_at": _iso(webhook.disabled_at),
            "consecutive_failures": webhook.consecutive_failures,
            "created_at": _iso(webhook.created_at),
            "updated_at": _iso(webhook.updated_at),
        }


def attempt_representation(attempt: WebhookAttempt) -> dict:
    """The design's `delivery_attempt` object."""
    return {
        "attempt_number": attempt.attempt_number,
        "status": attempt.status,
        "error": attempt.error or None,
        "response_code": attempt.response_code,
        "response_body": attempt.response_body,
        "duration_ms": attempt.duration_ms,
        "next_retry": _iso(attempt.next_retry),
        "timestamp": _iso(attempt.created_at),
    }


def delivery_representation(delivery: WebhookDelivery) -> dict:
    """One delivery as the design's "Webhook Delivery Failures" object, with every attempt."""
    attempts = [attempt_representation(attempt) for attempt in delivery.attempts.all()]
    return {
        "id": delivery.pk,
        "webhook_id": delivery.webhook_id,
        "status": delivery.status,
        "delivery_attempt": attempts[-1] if attempts else None,
        "attempts": attempts,
        "event": {"id": delivery.event_id, "type": delivery.event_type, "timestamp": _iso(delivery.event_timestamp)},
        "test": delivery.event_type == TEST_EVENT_TYPE,
        "redelivery_of": delivery.redelivery_of_id,
        "next_attempt_at": _iso(delivery.next_attempt_at) if delivery.status == "retrying" else None,
        "created_at": _iso(delivery.created_at),
        "delivered_at": _iso(delivery.delivered_at),
    }

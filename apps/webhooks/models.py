"""Webhook endpoints, their deliveries (one per event and endpoint) and every delivery attempt."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from apps.core.ids import PrefixedIdField
from apps.core.models import TimestampedModel
from apps.webhooks.choices import DEFAULT_SIGNATURE_HEADER, AttemptStatus, DeliveryStatus


class Webhook(TimestampedModel):
    id = PrefixedIdField(prefix="wh")
    url = models.URLField(max_length=2000)
    events = ArrayField(models.CharField(max_length=64), default=list)
    filters = models.JSONField(default=dict, blank=True)
    secret = models.CharField(max_length=255)
    # During a rotation the previous secret signs too (a second `v1=`) until it expires.
    previous_secret = models.CharField(max_length=255, blank=True)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    signature_header = models.CharField(max_length=100, default=DEFAULT_SIGNATURE_HEADER)
    max_retries = models.PositiveSmallIntegerField(default=3)
    retry_delay_seconds = models.PositiveIntegerField(default=60)
    timeout_seconds = models.PositiveSmallIntegerField(default=30)
    is_active = models.BooleanField(default=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=255, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(TimestampedModel):
    """One event for one endpoint. `id` is the `X-CRM-Delivery` idempotency key receivers dedupe on."""

    id = PrefixedIdField(prefix="whd")
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.CharField(max_length=40, db_index=True)
    event_type = models.CharField(max_length=64)
    event_timestamp = models.DateTimeField()
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempt_count = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    redelivery_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="webhooks_delivery_open",
                condition=models.Q(status__in=["pending", "sending", "retrying"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.event_type}"


class WebhookAttempt(models.Model):
    """One HTTP attempt of a delivery: the design's "Webhook Delivery Failures" object."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts")
    attempt_number = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=AttemptStatus.choices)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)
    error = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    next_retry = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["attempt_number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "attempt_number"], name="webhook_attempt_unique_number")
        ]

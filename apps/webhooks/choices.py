from django.db import models


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"  # created, first attempt not made yet
    SENDING = "sending", "Sending"  # an attempt is in flight
    RETRYING = "retrying", "Retrying"  # failed, next attempt at `next_attempt_at`
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"  # retries exhausted (or the endpoint was disabled)


class AttemptStatus(models.TextChoices):
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


DEFAULT_SIGNATURE_HEADER = "X-CRM-Signature"
TEST_EVENT_TYPE = "webhook.test"

"""Webhook endpoints and their deliveries: registration, signed attempts, retries, redelivery."""

import logging
import os
import random
import secrets as secrets_module
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from apps.core.errors import Conflict, Forbidden, ValidationFailed
from apps.core.ids import new_id
from apps.core.permissions import grants_cover
from apps.events.models import OutboxEvent
from apps.events.services import event_emit, event_payload
from apps.events.types import EventType, event_resource
from apps.webhooks.choices import DEFAULT_SIGNATURE_HEADER, TEST_EVENT_TYPE, AttemptStatus, DeliveryStatus
from apps.webhooks.matching import event_matches
from apps.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery
from apps.webhooks.network import TargetRefused, url_check_at_registration
from apps.webhooks.sender import SendResult, send

logger = logging.getLogger("crm.webhooks")

OPEN_STATUSES = [DeliveryStatus.PENDING, DeliveryStatus.SENDING, DeliveryStatus.RETRYING]
MAX_BACKOFF_SECONDS = 6 * 3600
STALL_GRACE_SECONDS = 60  # a queued attempt not started by then is queued again
MAX_TIMEOUT_SECONDS = 60  # the longest `timeout_seconds` a webhook may have
ENQUEUE_CHUNK = 50  # deliveries per Celery task
SEND_CONCURRENCY = 16  # requests a task has in flight at once
NOT_QUEUED_GRACE_SECONDS = 5  # the dispatcher queues new deliveries right after its commit


# ------------------------------------------------------------------------------------------------
# endpoints


def _check_url(url: str) -> None:
    try:
        url_check_at_registration(url)
    except TargetRefused as exc:
        raise ValidationFailed({"url": str(exc)}) from None


def _check_events_readable(events: list[str], grants: list[str]) -> None:
    """A webhook carries events to a third party: its creator must be allowed to read them."""
    resources = sorted({event_resource(event) for event in events if event != "*"})
    if "*" in events:
        resources = sorted({event_resource(value) for value in EventType.values})
    missing = grants_cover(grants, [f"{resource}:read" for resource in resources])
    if missing:
        raise Forbidden(
            "You may not subscribe to events you cannot read.",
            details={"required_permissions": missing},
        )


def _rotate_secret(webhook: Webhook, new_secret: str) -> None:
    if new_secret == webhook.secret:
        return
    webhook.previous_secret = webhook.secret
    webhook.previous_secret_expires_at = timezone.now() + timedelta(hours=settings.CRM_WEBHOOKS_SECRET_ROTATION_HOURS)
    webhook.secret = new_secret


def webhook_create(
    *,
    url: str,
    events: list[str],
    filters: dict,
    secret: str | None,
    signature_header: str = DEFAULT_SIGNATURE_HEADER,
    retry_config: dict,
    created_by,
    grants: list[str],
) -> Webhook:
    _check_url(url)
    _check_events_readable(events, grants)
    return Webhook.objects.create(
        url=url,
        events=events,
        filters=filters,
        secret=secret or f"whsec_{secrets_module.token_urlsafe(32)}",
        signature_header=signature_header,
        max_retries=retry_config.get("max_retries", 3),
        retry_delay_seconds=retry_config.get("retry_delay_seconds", 60),
        timeout_seconds=retry_config.get("timeout_seconds", 30),
        created_by=created_by if getattr(created_by, "pk", None) else None,
    )


def webhook_update(*, webhook: Webhook, data: dict, grants: list[str]) -> Webhook:
    """Changes what was sent. A new secret rotates: the old one keeps signing for a while.
    `active: true` re-enables an endpoint that failures disabled."""
    if "url" in data:
        _check_url(data["url"])
        webhook.url = data["url"]
    if "events" in data:
        _check_events_readable(data["events"], grants)
        webhook.events = data["events"]
    if "filters" in data:
        webhook.filters = data["filters"]
    unknown = set(webhook.filters) - set(webhook.events)
    if unknown and "*" not in webhook.events:
        raise ValidationFailed({"filters": f"Filters for events not subscribed: {', '.join(sorted(unknown))}."})
    security = data.get("security") or {}
    if security.get("secret"):
        _rotate_secret(webhook, security["secret"])
    if security.get("signature_header"):
        webhook.signature_header = security["signature_header"]
    for key, value in (data.get("retry_config") or {}).items():
        setattr(webhook, key, value)
    if "active" in data:
        webhook.is_active = data["active"]
        if data["active"]:
            webhook.disabled_at, webhook.disabled_reason, webhook.consecutive_failures = None, "", 0
    webhook.save()
    return webhook


def webhook_delete(*, webhook: Webhook) -> None:
    webhook.delete()


def webhook_send_test(*, webhook: Webhook) -> WebhookDelivery:
    """`POST /v1/webhooks/{id}/test`: a signed `webhook.test` event, delivered like any other."""
    now = timezone.now()
    payload = {
        "event_id": new_id("evt"),
        "event_type": TEST_EVENT_TYPE,
        "timestamp": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "tenant_id": connection.schema_name,
        "data": {"webhook_id": webhook.pk, "message": "This is a test delivery from the CRM."},
    }
    with transaction.atomic():
        delivery = WebhookDelivery.objects.create(
            webhook=webhook,
            event_id=payload["event_id"],
            event_type=TEST_EVENT_TYPE,
            event_timestamp=now,
            payload=payload,
            next_attempt_at=now,
        )
        transaction.on_commit(lambda: deliveries_enqueue(delivery_ids=[delivery.pk]))
    return delivery


# ------------------------------------------------------------------------------------------------
# deliveries


def deliveries_create(*, events: list[OutboxEvent]) -> int:
    """Called by the dispatcher in the transaction that publishes `events`: exactly one delivery
    per (event, matching active endpoint)."""
    webhooks = list(Webhook.objects.filter(is_active=True).only("id", "events", "filters"))
    if not webhooks:
        return 0
    now = timezone.now()
    deliveries = [
        WebhookDelivery(
            webhook_id=webhook.pk,
            event_id=event.event_id,
            event_type=event.event_type,
            event_timestamp=event.created_at,
            payload=event_payload(event),
            next_attempt_at=now,
        )
        for event in events
        for webhook in webhooks
        if event_matches(webhook.events, webhook.filters, event.event_type, event.data, event.owner_id)
    ]
    WebhookDelivery.objects.bulk_create(deliveries, batch_size=1000)
    return len(deliveries)


def _enqueue(delivery_ids: list[str], countdown: float = 0) -> list[str]:
    """Queues the deliveries in chunks (one task per chunk); returns the ids queued (none if the
    broker is down: `deliveries_requeue_stalled` picks them up later)."""
    from apps.webhooks.tasks import webhook_deliver

    queued: list[str] = []
    headers = {"_schema_name": connection.schema_name}
    for start in range(0, len(delivery_ids), ENQUEUE_CHUNK):
        chunk = delivery_ids[start : start + ENQUEUE_CHUNK]
        try:
            webhook_deliver.apply_async((chunk,), countdown=countdown or None, headers=headers, retry=False)
        except Exception:  # noqa: BLE001 — broker down
            logger.warning("webhooks: could not queue %d deliveries; left to the sweep", len(delivery_ids) - start)
            break
        queued += chunk
    return queued


def deliveries_enqueue(*, event_ids: list[str] | None = None, delivery_ids: list[str] | None = None) -> int:
    """Queues the first attempt of the deliveries just created (after their transaction commits)."""
    lookup = Q(event_id__in=event_ids) if event_ids is not None else Q(pk__in=delivery_ids or [])
    ids = list(
        WebhookDelivery.objects.filter(lookup, status=DeliveryStatus.PENDING, queued_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    queued = _enqueue(ids)
    if queued:
        WebhookDelivery.objects.filter(pk__in=queued).update(queued_at=timezone.now())
    return len(queued)


def deliveries_requeue_stalled() -> int:
    """For the sweep: deliveries whose task was never queued, got lost, or died mid-attempt."""
    now = timezone.now()
    grace = now - timedelta(seconds=STALL_GRACE_SECONDS)
    created_before = now - timedelta(seconds=NOT_QUEUED_GRACE_SECONDS)
    WebhookDelivery.objects.filter(status=DeliveryStatus.SENDING, next_attempt_at__lt=now).update(
        status=DeliveryStatus.RETRYING, next_attempt_at=now
    )
    stalled = list(
        WebhookDelivery.objects.filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING])
        .filter(
            Q(queued_at__isnull=True, created_at__lt=created_before) | Q(next_attempt_at__lt=grace, queued_at__lt=grace)
        )
        .values_list("pk", flat=True)[:1000]
    )
    queued = _enqueue(stalled)
    if queued:
        WebhookDelivery.objects.filter(pk__in=queued).update(queued_at=now)
    return len(queued)


def delivery_redeliver(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """`POST .../deliveries/{id}/redeliver`: a new delivery of the same payload, same event id."""
    if not delivery.webhook.is_active:
        raise Conflict("The webhook is disabled; re-enable it (active: true) before redelivering.")
    now = timezone.now()
    with transaction.atomic():
        again = WebhookDelivery.objects.create(
            webhook=delivery.webhook,
            event_id=delivery.event_id,
            event_type=delivery.event_type,
            event_timestamp=delivery.event_timestamp,
            payload=delivery.payload,
            next_attempt_at=now,
            redelivery_of=delivery,
        )
        transaction.on_commit(lambda: deliveries_enqueue(delivery_ids=[again.pk]))
    return again


def deliveries_purge(*, before) -> int:
    deleted, _ = WebhookDelivery.objects.filter(created_at__lt=before).delete()
    return deleted


def backoff_seconds(*, retry_delay_seconds: int, attempt_number: int) -> float:
    """Exponential (delay × 2^(n-1)) with equal jitter: half fixed, half random."""
    base = min(retry_delay_seconds * 2 ** (attempt_number - 1), MAX_BACKOFF_SECONDS)
    return base / 2 + random.uniform(0, base / 2)


def _claim(delivery_ids: list[str]) -> list[WebhookDelivery]:
    """Marks the deliveries as being sent, except those another worker holds or that are done."""
    now = timezone.now()
    with transaction.atomic():
        deliveries = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("webhook")
            .filter(pk__in=delivery_ids, status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING])
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + timedelta(seconds=1)))
        )
        disabled = [delivery.pk for delivery in deliveries if not delivery.webhook.is_active]
        if disabled:
            WebhookDelivery.objects.filter(pk__in=disabled).update(status=DeliveryStatus.FAILED, updated_at=now)
        active = [delivery for delivery in deliveries if delivery.webhook.is_active]
        if active:
            # If this worker dies mid-attempt, the sweep takes the deliveries back after this.
            WebhookDelivery.objects.filter(pk__in=[delivery.pk for delivery in active]).update(
                status=DeliveryStatus.SENDING,
                attempt_count=F("attempt_count") + 1,
                next_attempt_at=now + timedelta(seconds=MAX_TIMEOUT_SECONDS + STALL_GRACE_SECONDS),
                updated_at=now,
            )
        for delivery in active:
            delivery.attempt_count += 1
    return active


_POOL: dict[int, ThreadPoolExecutor] = {}


def _sender_pool() -> ThreadPoolExecutor:
    """One pool per worker process (keyed by pid: a pool must not cross a fork)."""
    pool = _POOL.get(os.getpid())
    if pool is None:
        pool = _POOL[os.getpid()] = ThreadPoolExecutor(max_workers=SEND_CONCURRENCY, thread_name_prefix="webhook")
    return pool


def _send_all(deliveries: list[WebhookDelivery]) -> list[SendResult]:
    """Sends concurrently: a slow receiver holds one thread, not the whole batch."""
    if len(deliveries) == 1:
        return [send(webhook=deliveries[0].webhook, delivery=deliveries[0])]
    return list(_sender_pool().map(lambda delivery: send(webhook=delivery.webhook, delivery=delivery), deliveries))


def deliveries_attempt(*, delivery_ids: list[str]) -> dict[str, str]:
    """One attempt of each delivery (the Celery task's body), sent concurrently. Returns the new
    status of each delivery attempted; a failed one is queued again itself, with backoff."""
    deliveries = _claim(delivery_ids)
    if not deliveries:
        return {}
    return _record(deliveries, _send_all(deliveries))


def delivery_attempt(*, delivery_id: str) -> str | None:
    return deliveries_attempt(delivery_ids=[delivery_id]).get(delivery_id)


def _record(deliveries: list[WebhookDelivery], results: list[SendResult]) -> dict[str, str]:
    now = timezone.now()
    statuses: dict[str, str] = {}
    attempts, retries = [], []
    outcomes: dict[str, list[str]] = {}
    webhooks = {}
    for delivery, result in zip(deliveries, results, strict=True):
        webhook = webhooks.setdefault(delivery.webhook_id, delivery.webhook)
        next_retry = None
        if result.ok:
            status = DeliveryStatus.DELIVERED
        elif delivery.attempt_count <= webhook.max_retries:
            status = DeliveryStatus.RETRYING
            delay = backoff_seconds(
                retry_delay_seconds=webhook.retry_delay_seconds, attempt_number=delivery.attempt_count
            )
            next_retry = now + timedelta(seconds=delay)
            retries.append((delivery.pk, delay, next_retry))
        else:
            status = DeliveryStatus.FAILED
        statuses[delivery.pk] = status
        if delivery.event_type != TEST_EVENT_TYPE and status != DeliveryStatus.RETRYING:
            outcomes.setdefault(delivery.webhook_id, []).append(status)
        attempts.append(
            WebhookAttempt(
                delivery_id=delivery.pk,
                attempt_number=delivery.attempt_count,
                status=AttemptStatus.SUCCEEDED if result.ok else AttemptStatus.FAILED,
                response_code=result.status_code,
                response_body=result.body,
                error=result.error[:500],
                duration_ms=result.duration_ms,
                next_retry=next_retry,
            )
        )
    with transaction.atomic():
        WebhookAttempt.objects.bulk_create(attempts)
        delivered = [pk for pk, status in statuses.items() if status == DeliveryStatus.DELIVERED]
        failed = [pk for pk, status in statuses.items() if status == DeliveryStatus.FAILED]
        if delivered:
            WebhookDelivery.objects.filter(pk__in=delivered).update(
                status=DeliveryStatus.DELIVERED, delivered_at=now, next_attempt_at=None, updated_at=now
            )
        if failed:
            WebhookDelivery.objects.filter(pk__in=failed).update(
                status=DeliveryStatus.FAILED, next_attempt_at=None, updated_at=now
            )
        for pk, _delay, next_retry in retries:
            WebhookDelivery.objects.filter(pk=pk).update(
                status=DeliveryStatus.RETRYING, next_attempt_at=next_retry, queued_at=now, updated_at=now
            )
        for webhook_id, finished in outcomes.items():
            _count_outcomes(webhooks[webhook_id], finished)
        for pk, delay, _next_retry in retries:
            transaction.on_commit(lambda pk=pk, delay=delay: _enqueue([pk], countdown=delay))
    return statuses


def _count_outcomes(webhook: Webhook, finished: list[str]) -> None:
    """Counts deliveries that failed for good since the last success; disables the endpoint after
    CRM_WEBHOOKS_DISABLE_AFTER_FAILURES of them in a row."""
    trailing = len(finished)
    if DeliveryStatus.DELIVERED in finished:
        trailing = len(finished) - 1 - max(i for i, status in enumerate(finished) if status == DeliveryStatus.DELIVERED)
        if trailing or webhook.consecutive_failures:
            Webhook.objects.filter(pk=webhook.pk).update(consecutive_failures=trailing)
        return
    Webhook.objects.filter(pk=webhook.pk).update(consecutive_failures=F("consecutive_failures") + trailing)
    webhook = Webhook.objects.select_for_update().get(pk=webhook.pk)
    if webhook.is_active and webhook.consecutive_failures >= settings.CRM_WEBHOOKS_DISABLE_AFTER_FAILURES:
        webhook_disable(webhook=webhook, reason=f"{webhook.consecutive_failures} consecutive deliveries failed")


def webhook_disable(*, webhook: Webhook, reason: str) -> Webhook:
    """Stops deliveries to an endpoint and tells the tenant with a `webhook.disabled` event."""
    webhook.is_active = False
    webhook.disabled_at = timezone.now()
    webhook.disabled_reason = reason
    webhook.save(update_fields=["is_active", "disabled_at", "disabled_reason", "updated_at"])
    event_emit(
        EventType.WEBHOOK_DISABLED,
        data={
            "webhook_id": webhook.pk,
            "url": webhook.url,
            "reason": reason,
            "consecutive_failures": webhook.consecutive_failures,
            "disabled_at": webhook.disabled_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
        record_id=webhook.pk,
        owner_id=webhook.created_by_id,
    )
    return webhook

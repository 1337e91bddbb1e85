from django.db.models import Prefetch, QuerySet

from apps.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery


def delivery_list(*, webhook: Webhook) -> QuerySet[WebhookDelivery]:
    """A webhook's deliveries, newest first, with their attempts (two queries per page)."""
    return (
        WebhookDelivery.objects.filter(webhook=webhook)
        .defer("payload")
        .prefetch_related(Prefetch("attempts", queryset=WebhookAttempt.objects.order_by("attempt_number")))
        .order_by("-created_at", "-pk")
    )

"""Webhooks and their deliveries in the tenant admin, with a redeliver button."""

from django.contrib import admin

from apps.console.sites import RbacAdmin, tenant_site
from apps.webhooks import services
from apps.webhooks.models import Webhook, WebhookDelivery


@admin.register(Webhook, site=tenant_site)
class WebhookAdmin(RbacAdmin):
    """Registration goes through the API (it checks targets and event permissions); here admins
    watch endpoints and their deliveries."""

    permission_resource = "webhooks"
    owner_field = None
    list_display = ["url", "is_active", "consecutive_failures", "disabled_reason", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["url"]
    readonly_fields = [
        "url",
        "events",
        "filters",
        "signature_header",
        "max_retries",
        "retry_delay_seconds",
        "timeout_seconds",
        "is_active",
        "disabled_at",
        "disabled_reason",
        "consecutive_failures",
    ]
    exclude = ["secret", "previous_secret", "previous_secret_expires_at"]
    actions = ["send_test"]

    def has_add_permission(self, request) -> bool:
        return False

    def delete_model(self, request, obj) -> None:
        services.webhook_delete(webhook=obj)

    @admin.action(description="Send a test event to selected webhooks")
    def send_test(self, request, queryset) -> None:
        for webhook in queryset:
            services.webhook_send_test(webhook=webhook)
        self.message_user(request, f"Test event sent to {queryset.count()} webhook(s).")


@admin.register(WebhookDelivery, site=tenant_site)
class WebhookDeliveryAdmin(RbacAdmin):
    permission_resource = "webhooks"
    owner_field = None
    list_display = ["id", "webhook", "event_type", "status", "attempt_count", "delivered_at", "created_at"]
    list_filter = ["status", "event_type"]
    list_select_related = ["webhook"]
    readonly_fields = [
        "webhook",
        "event_id",
        "event_type",
        "payload",
        "status",
        "attempt_count",
        "next_attempt_at",
        "delivered_at",
    ]
    exclude = ["redelivery_of", "queued_at", "event_timestamp"]
    actions = ["redeliver"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Redeliver selected deliveries")
    def redeliver(self, request, queryset) -> None:
        for delivery in queryset:
            services.delivery_redeliver(delivery=delivery)
        self.message_user(request, f"Redelivery queued for {queryset.count()} delivery(ies).")

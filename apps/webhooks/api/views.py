"""`/v1/webhooks`: register, list, get, update, delete, test; the delivery log and redelivery."""

from django.shortcuts import get_object_or_404
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.api.viewsets import CrmViewSet
from apps.core.permissions import caller_grants
from apps.webhooks import selectors, services
from apps.webhooks.api.serializers import WebhookSerializer, delivery_representation
from apps.webhooks.models import Webhook, WebhookDelivery


class WebhookViewSet(CrmViewSet):
    queryset = Webhook.objects.all()
    serializer_class = WebhookSerializer
    permission_resource = "webhooks"
    required_permissions = {
        "test": "webhooks:write",
        "deliveries": "webhooks:read",
        "delivery": "webhooks:read",
        "redeliver": "webhooks:write",
    }
    owner_field = None
    sort_fields = {"created_at": "created_at", "url": "url"}
    default_sort = "-created_at"

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        security = data.get("security") or {}
        webhook = services.webhook_create(
            url=data["url"],
            events=data["events"],
            filters=data.get("filters", {}),
            secret=security.get("secret"),
            signature_header=security.get("signature_header") or "X-CRM-Signature",
            retry_config=data.get("retry_config") or {},
            created_by=request.user,
            grants=caller_grants(request),
        )
        body = self.get_serializer(webhook).data
        if not security.get("secret"):
            body["security"]["secret"] = webhook.secret  # generated: shown this once
        return Response(body, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        webhook = self.get_object()
        serializer = self.get_serializer(webhook, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        webhook = services.webhook_update(
            webhook=webhook, data=serializer.validated_data, grants=caller_grants(request)
        )
        return Response(self.get_serializer(webhook).data)

    def perform_destroy(self, instance: Webhook) -> None:
        services.webhook_delete(webhook=instance)

    @action(detail=True, methods=["post"])
    def test(self, request, pk=None):
        delivery = services.webhook_send_test(webhook=self.get_object())
        return Response(delivery_representation(delivery), status=status.HTTP_202_ACCEPTED)

    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        page = self.paginate_queryset(selectors.delivery_list(webhook=self.get_object()))
        return self.get_paginated_response([delivery_representation(delivery) for delivery in page])

    def _delivery(self, delivery_id: str) -> WebhookDelivery:
        webhook = self.get_object()
        return get_object_or_404(selectors.delivery_list(webhook=webhook), pk=delivery_id)

    @action(detail=True, methods=["get"], url_path=r"deliveries/(?P<delivery_id>[^/]+)")
    def delivery(self, request, pk=None, delivery_id=None):
        return Response(delivery_representation(self._delivery(delivery_id)))

    @action(detail=True, methods=["post"], url_path=r"deliveries/(?P<delivery_id>[^/]+)/redeliver")
    def redeliver(self, request, pk=None, delivery_id=None):
        again = services.delivery_redeliver(delivery=self._delivery(delivery_id))
        return Response(delivery_representation(again), status=status.HTTP_202_ACCEPTED)

"""`/v1/integrations/...`: connections, the design's three calls, and sync status."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from apps.core.api.viewsets import CrmViewSet
from apps.core.permissions import caller_grants, grant_scope, permission_denied_details
from apps.core.scoping import record_in_scope, scope_queryset
from apps.core.security_hooks import record_permission_denied
from apps.deals.models import Deal
from apps.integrations import selectors, services
from apps.integrations.api.serializers import (
    CalendarEventSerializer,
    ConnectionSerializer,
    ConnectionUpdateSerializer,
    CreateInvoiceSerializer,
    SyncContactsSerializer,
    sync_representation,
)
from apps.integrations.choices import Provider

WRITE = "integrations:write"
INTEGRATION_ERROR_DOC = {502: OpenApiTypes.OBJECT}


def _refuse(request, permission: str):
    record_permission_denied(request, permission)
    denied = PermissionDenied("Insufficient permissions")
    denied.details = permission_denied_details(request, permission)
    raise denied


def _scope_of(request, permission: str) -> str:
    """The scope in which the caller holds `permission` (403 naming it when they don't)."""
    scope = grant_scope(caller_grants(request), permission)
    if scope is None:
        _refuse(request, permission)
    return scope


def _status_url(request, sync_id: str) -> str:
    return reverse("integration-sync-detail", kwargs={"pk": sync_id}, request=request)


class ConnectionViewSet(CrmViewSet):
    """A tenant's provider connections. Credentials go in, never come out (`credentials_set`)."""

    queryset = selectors.connection_list()
    serializer_class = ConnectionSerializer
    permission_resource = "integrations"
    owner_field = None
    sort_fields = {"provider": "provider", "created_at": "created_at"}
    default_sort = "provider"
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    @extend_schema(summary="Connect a provider (credentials stored encrypted, never answered)")
    def create(self, request, *args, **kwargs):
        serializer = ConnectionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        connection = services.connection_create(
            actor=request.user,
            provider=data["provider"],
            credentials=data["credentials"],
            settings=data.get("settings"),
        )
        return Response(ConnectionSerializer(connection).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ConnectionUpdateSerializer, summary="Replace credentials and/or change settings")
    def update(self, request, *args, **kwargs):
        connection = self.get_object()
        serializer = ConnectionUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        connection = services.connection_update(
            connection=connection,
            credentials=serializer.validated_data.get("credentials"),
            settings=serializer.validated_data.get("settings"),
        )
        return Response(ConnectionSerializer(connection).data)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)

    def perform_destroy(self, instance) -> None:
        services.connection_delete(connection=instance)


class SyncViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Contact syncs and their progress (`webhook_url` of a sync points here)."""

    permission_resource = "integrations"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return selectors.sync_list()

    @extend_schema(
        summary="The tenant's contact syncs, newest first",
        operation_id="integrations_syncs_list",
        responses={200: OpenApiTypes.OBJECT},
    )
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(
            [sync_representation(s, status_url=_status_url(request, s.pk)) for s in page]
        )

    @extend_schema(summary="A sync's status and progress", responses={200: OpenApiTypes.OBJECT})
    def retrieve(self, request, *args, **kwargs):
        sync = self.get_object()
        return Response(sync_representation(sync, status_url=_status_url(request, sync.pk)))


class SyncContactsView(APIView):
    """The design's `POST /integrations/email-marketing/sync-contacts`."""

    required_permissions = {"post": WRITE}

    @extend_schema(
        summary="Sync contacts to an email-marketing list (Mailchimp); answers the queued sync",
        request=SyncContactsSerializer,
        responses={202: OpenApiTypes.OBJECT, **INTEGRATION_ERROR_DOC},
    )
    def post(self, request):
        read_scope = _scope_of(request, "contacts:read")
        serializer = SyncContactsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        sync = services.sync_contacts_start(
            actor=request.user,
            connection=services.connection_require(data["provider"], expected=Provider.MAILCHIMP),
            list_id=data["list_id"],
            contact_filter=data["contact_filter"],
            field_mapping=data["field_mapping"],
            sync_options=data["sync_options"],
            scope=read_scope,
        )
        return Response(
            sync_representation(sync, status_url=_status_url(request, sync.pk)), status=status.HTTP_202_ACCEPTED
        )


class CalendarEventView(APIView):
    """The design's `POST /integrations/calendar/create-event`."""

    required_permissions = {"post": WRITE}

    @extend_schema(
        summary="Create a calendar event (Google Calendar), and optionally the CRM event activity",
        request=CalendarEventSerializer,
        responses={201: OpenApiTypes.OBJECT, **INTEGRATION_ERROR_DOC},
    )
    def post(self, request):
        serializer = CalendarEventSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        crm_context = data.get("crm_context") or {}
        if crm_context.get("create_crm_activity"):
            _scope_of(request, "activities:write")
        answer = services.calendar_event_create(
            actor=request.user,
            connection=services.connection_require(data["provider"], expected=Provider.GOOGLE_CALENDAR),
            calendar_id=data["calendar_id"],
            event=data["event"],
            crm_context=crm_context,
        )
        return Response(answer, status=status.HTTP_201_CREATED)


class CreateInvoiceView(APIView):
    """The design's `POST /integrations/accounting/create-invoice`."""

    required_permissions = {"post": WRITE}

    @extend_schema(
        summary="Invoice a deal in the accounting system (QuickBooks Online)",
        request=CreateInvoiceSerializer,
        responses={201: OpenApiTypes.OBJECT, **INTEGRATION_ERROR_DOC},
    )
    def post(self, request):
        serializer = CreateInvoiceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        options = data.get("sync_options") or {}
        deals = scope_queryset(Deal.objects.all(), request.user, _scope_of(request, "deals:read"))
        deal = get_object_or_404(deals, pk=data["deal_id"])
        if options.get("update_deal_status"):
            if not record_in_scope(deal, request.user, _scope_of(request, "deals:write")):
                _refuse(request, "deals:write")
        if options.get("create_payment_tracking"):
            _scope_of(request, "activities:write")
        answer = services.invoice_create(
            actor=request.user,
            connection=services.connection_require(data["provider"], expected=Provider.QUICKBOOKS),
            deal=deal,
            invoice_data=data["invoice_data"],
            sync_options=options,
        )
        return Response(answer, status=status.HTTP_201_CREATED)

"""`/v1/activities/tasks|events|communications` (CRUD, task completion) and
`/v1/activities/timeline` (a record's activities, and its children's, newest first)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.activities import selectors, services
from apps.activities.api.serializers import (
    CommunicationSerializer,
    EventSerializer,
    RelatedToSerializer,
    TaskSerializer,
    timeline_item,
)
from apps.activities.choices import RelatedType
from apps.core.api.pagination import page_and_limit, pagination_meta
from apps.core.api.viewsets import CrmViewSet
from apps.core.errors import ValidationFailed
from apps.history.api.mixins import RecordWriteMixin


class ActivityViewSet(RecordWriteMixin, CrmViewSet):
    """Shared by the three kinds: `create_service(actor, data, can_reassign)`,
    `update_service(record, actor, data, can_reassign)`."""

    permission_resource = "activities"

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        params = self.request.query_params
        if params.get("relatedType"):
            if params["relatedType"] not in RelatedType.values:
                raise ValidationFailed({"relatedType": "relatedType must be contact, account, lead or deal."})
            queryset = queryset.filter(related_type=params["relatedType"])
        if params.get("relatedId"):
            queryset = queryset.filter(related_id=params["relatedId"])
        if params.get("assignedTo") and hasattr(queryset.model, "assigned_to"):
            queryset = queryset.filter(assigned_to_id=params["assignedTo"])
        return queryset

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = type(self).create_service(
            actor=request.user, data=dict(serializer.validated_data), can_reassign=self.can_reassign()
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=record.pk)).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        record = self.get_object()
        serializer = self.get_serializer(record, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        type(self).update_service(
            record, actor=request.user, data=dict(serializer.validated_data), can_reassign=self.can_reassign()
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=record.pk)).data)

    def perform_destroy(self, instance) -> None:
        services.activity_delete(activity=instance, actor=self.request.user)


class TaskViewSet(ActivityViewSet):
    queryset = selectors.task_queryset()
    serializer_class = TaskSerializer
    sort_fields = {"dueDate": "due_date", "priority": "priority", "status": "status", "createdAt": "created_at"}
    default_sort = "due_date"
    filterset_fields = ["status", "priority"]
    create_service = staticmethod(services.task_create)

    @staticmethod
    def update_service(record, **kwargs):
        return services.task_update(task=record, **kwargs)

    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        task = services.task_complete(task=self.get_object(), actor=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=task.pk)).data)


class EventViewSet(ActivityViewSet):
    queryset = selectors.event_queryset()
    serializer_class = EventSerializer
    sort_fields = {"startTime": "start_time", "endTime": "end_time", "createdAt": "created_at"}
    default_sort = "start_time"
    create_service = staticmethod(services.event_create)

    @staticmethod
    def update_service(record, **kwargs):
        return services.event_update(event=record, **kwargs)


class CommunicationViewSet(ActivityViewSet):
    queryset = selectors.communication_queryset()
    serializer_class = CommunicationSerializer
    sort_fields = {"timestamp": "timestamp", "createdAt": "created_at"}
    default_sort = "-timestamp"
    filterset_fields = ["type", "direction"]
    create_service = staticmethod(services.communication_log)

    @staticmethod
    def update_service(record, **kwargs):
        return services.communication_update(communication=record, **kwargs)


class TimelineViewSet(viewsets.GenericViewSet):
    """`GET /v1/activities/timeline?relatedType=deal&relatedId=deal_456&page=1&limit=20`."""

    required_permissions = {"list": "activities:read"}

    @extend_schema(
        parameters=[
            OpenApiParameter("relatedType", str, enum=list(RelatedType.values), required=True),
            OpenApiParameter("relatedId", str, required=True),
            OpenApiParameter("page", int),
            OpenApiParameter("limit", int),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def list(self, request):
        params = request.query_params
        related = RelatedToSerializer(data={"type": params.get("relatedType"), "id": params.get("relatedId")})
        if not related.is_valid():
            raise ValidationFailed({f"related{k.title()}": " ".join(v) for k, v in related.errors.items()})
        page, limit = page_and_limit(request)
        items, total = selectors.timeline_page(
            related_type=related.validated_data["type"],
            related_id=related.validated_data["id"],
            user=request.user,
            scope=getattr(request, "permission_scope", "tenant"),
            page=page,
            limit=limit,
        )
        response = Response([timeline_item(kind, activity, at) for kind, activity, at in items])
        response.pagination = pagination_meta(page, limit, total)
        return response

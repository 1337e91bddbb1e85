"""`/v1/accounts`: CRUD, hierarchy, relationships, the account's contacts and deals, history,
trash and merge."""

from django.db.models import Q
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.accounts import selectors, services
from apps.accounts.api.serializers import AccountRelationshipSerializer, AccountSerializer
from apps.accounts.models import AccountRelationship
from apps.contacts.api.serializers import ContactSerializer
from apps.contacts.api.views import paginate
from apps.contacts.selectors import contact_queryset
from apps.core.api.pagination import page_and_limit
from apps.core.api.viewsets import CrmViewSet
from apps.core.errors import NotFound, ValidationFailed
from apps.deals.api.serializers import deals_data
from apps.history.api.mixins import HistoryTrashMixin, MergeMixin, RecordWriteMixin


class AccountViewSet(RecordWriteMixin, HistoryTrashMixin, MergeMixin, CrmViewSet):
    queryset = selectors.account_queryset()
    serializer_class = AccountSerializer
    permission_resource = "accounts"
    sort_fields = {
        "name": "name",
        "industry": "industry",
        "employees": "employees",
        "annualRevenue": "annual_revenue",
        "type": "type",
        "createdAt": "created_at",
        "updatedAt": "updated_at",
    }
    default_sort = "name"
    search_fields = ["name", "website", "industry"]
    filterset_fields = {"type": ["exact"], "industry": ["exact"], "parent": ["exact"], "owner": ["exact"]}

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        account = services.account_create(
            actor=request.user, data=dict(serializer.validated_data), can_reassign=self.can_reassign()
        )
        return Response(
            self.get_serializer(self.get_queryset().get(pk=account.pk)).data, status=status.HTTP_201_CREATED
        )

    def update(self, request, *args, **kwargs):
        account = self.get_object()
        serializer = self.get_serializer(account, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.account_update(
            account=account, actor=request.user, data=dict(serializer.validated_data), can_reassign=self.can_reassign()
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=account.pk)).data)

    def perform_destroy(self, instance) -> None:
        services.account_delete(account=instance, actor=self.request.user)

    def perform_restore(self, record) -> None:
        services.account_restore(account=record, actor=self.request.user)

    def duplicates_of(self, record):
        return selectors.account_duplicates(record)

    def perform_merge(self, survivor, merged, keep):
        return services.account_merge(survivor=survivor, merged=merged, keep=keep, actor=self.request.user)

    def perform_unmerge(self, survivor, merge_id):
        return services.account_unmerge(survivor=survivor, merge_id=merge_id, actor=self.request.user)

    @action(detail=True, methods=["get"])
    def hierarchy(self, request, pk=None):
        return Response(selectors.account_hierarchy(self.get_object()))

    @action(detail=True, methods=["get", "post"])
    def relationships(self, request, pk=None):
        account = self.get_object()
        if request.method == "POST":
            body = AccountRelationshipSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            relationship = services.account_relationship_create(
                account=account,
                related_account_id=body.validated_data["related_account_id"],
                relationship_type=body.validated_data["relationship_type"],
                description=body.validated_data.get("description", ""),
                actor=request.user,
            )
            return Response(AccountRelationshipSerializer(relationship).data, status=status.HTTP_201_CREATED)
        relationships = AccountRelationship.objects.filter(
            Q(account=account) | Q(related_account=account), related_account__deleted_at__isnull=True
        ).order_by("created_at")
        page, limit = page_and_limit(request)
        rows, meta = paginate(relationships, page=page, limit=limit)
        response = Response(AccountRelationshipSerializer(rows, many=True).data)
        response.pagination = meta
        return response

    @extend_schema(parameters=[OpenApiParameter("relationship_id", str, OpenApiParameter.PATH)])
    @action(detail=True, methods=["delete"], url_path="relationships/(?P<relationship_id>[^/.]+)")
    def relationship_delete(self, request, pk=None, relationship_id=None):
        account = self.get_object()
        relationship = AccountRelationship.objects.filter(pk=relationship_id, account=account).first()
        if relationship is None:
            raise NotFound()
        services.account_relationship_delete(relationship=relationship, actor=request.user)
        return Response({"id": relationship_id, "deleted": True})

    @action(detail=True, methods=["get"])
    def contacts(self, request, pk=None):
        account = self.get_object()
        page, limit = page_and_limit(request)
        contacts = contact_queryset().filter(account=account).order_by("last_name", "first_name", "id")
        rows, meta = paginate(contacts, page=page, limit=limit)
        response = Response(ContactSerializer(rows, many=True).data)
        response.pagination = meta
        return response

    @action(detail=True, methods=["get"])
    def deals(self, request, pk=None):
        account = self.get_object()
        deal_status = request.query_params.get("status") or None
        if deal_status and deal_status not in selectors.DEAL_STATUSES:
            raise ValidationFailed({"status": "status must be one of: active, won, lost."})
        page, limit = page_and_limit(request)
        rows, meta = paginate(selectors.account_deals(account, status=deal_status), page=page, limit=limit)
        response = Response(deals_data(rows, many=True))
        response.pagination = meta
        return response

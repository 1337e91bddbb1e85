"""`/v1/leads`: CRUD, qualify, score (with history), convert, history, trash and merge."""

from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.accounts.api.serializers import AccountSerializer
from apps.contacts.api.serializers import ContactSerializer
from apps.core.api.viewsets import CrmViewSet
from apps.deals.api.serializers import deals_data
from apps.history.api.mixins import HistoryTrashMixin, MergeMixin, RecordWriteMixin
from apps.leads import services
from apps.leads.api.serializers import (
    ConvertSerializer,
    LeadSerializer,
    QualifySerializer,
    ScoreSerializer,
    score_history_representation,
)
from apps.leads.conversion import lead_convert
from apps.leads.models import Lead
from apps.leads.selectors import lead_duplicates


class LeadViewSet(RecordWriteMixin, HistoryTrashMixin, MergeMixin, CrmViewSet):
    queryset = Lead.objects.select_related("owner")
    serializer_class = LeadSerializer
    permission_resource = "leads"
    sort_fields = {
        "firstName": "first_name",
        "lastName": "last_name",
        "email": "email",
        "company": "company",
        "score": "score",
        "status": "status",
        "createdAt": "created_at",
        "updatedAt": "updated_at",
    }
    default_sort = "-created_at"
    search_fields = ["first_name", "last_name", "email", "company"]
    filterset_fields = {"status": ["exact"], "source": ["exact"], "owner": ["exact"], "score": ["gte", "lte"]}

    def _answer(self, lead: Lead, status_code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=lead.pk)).data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        lead = services.lead_create(
            actor=request.user, data=dict(serializer.validated_data), can_reassign=self.can_reassign()
        )
        return self._answer(lead, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        lead = self.get_object()
        serializer = self.get_serializer(lead, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.lead_update(
            lead=lead, actor=request.user, data=dict(serializer.validated_data), can_reassign=self.can_reassign()
        )
        return self._answer(lead)

    def perform_destroy(self, instance) -> None:
        services.lead_delete(lead=instance, actor=self.request.user)

    def perform_restore(self, record) -> None:
        services.lead_restore(lead=record, actor=self.request.user)

    def duplicates_of(self, record):
        return lead_duplicates(record)

    def perform_merge(self, survivor, merged, keep):
        return services.lead_merge(survivor=survivor, merged=merged, keep=keep, actor=self.request.user)

    def perform_unmerge(self, survivor, merge_id):
        return services.lead_unmerge(survivor=survivor, merge_id=merge_id, actor=self.request.user)

    @action(detail=True, methods=["post"])
    def qualify(self, request, pk=None):
        lead = self.get_object()
        body = QualifySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.lead_qualify(
            lead=lead,
            actor=request.user,
            qualification_notes=body.validated_data["qualificationNotes"],
            score=body.validated_data.get("score"),
            next_action=body.validated_data["nextAction"],
        )
        return self._answer(lead)

    @action(detail=True, methods=["get", "put"])
    def score(self, request, pk=None):
        lead = self.get_object()
        if request.method == "PUT":
            body = ScoreSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            services.lead_score(
                lead=lead,
                actor=request.user,
                score=body.validated_data["score"],
                scoring_factors=body.validated_data["scoringFactors"],
            )
        data = self.get_serializer(self.get_queryset().get(pk=lead.pk)).data
        data["scoringHistory"] = [score_history_representation(e) for e in lead.score_history.all()[:50]]
        return Response(data)

    @action(detail=True, methods=["post"])
    def convert(self, request, pk=None):
        lead = self.get_object()
        body = ConvertSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        result = lead_convert(
            lead=lead,
            actor=request.user,
            create_contact=data["createContact"],
            create_deal=data["createDeal"],
            deal_title=data["dealTitle"],
            deal_value=data.get("dealValue"),
            pipeline_id=data.get("pipelineId"),
            account_id=data.get("accountId"),
        )
        contact = result.contact
        if contact is not None:
            contact = type(contact).objects.select_related("account", "owner").get(pk=contact.pk)
        return Response(
            {
                "lead": self.get_serializer(self.get_queryset().get(pk=lead.pk)).data,
                "contact": ContactSerializer(contact).data if contact else None,
                "deal": deals_data(result.deal) if result.deal else None,
                "account": AccountSerializer(result.account).data if result.account else None,
            }
        )

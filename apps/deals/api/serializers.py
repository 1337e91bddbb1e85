from decimal import Decimal

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api.serializers import StrictSerializer
from apps.deals.choices import DealStatus
from apps.deals.fields import DateOrDateTimeField
from apps.deals.models import Deal, DealStageChange


@extend_schema_field(OpenApiTypes.STR)
class StageRefField(serializers.Field):
    """Written as a stage id, name or slug; read as the stage's slug (`closed_won`)."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or not data.strip():
            raise serializers.ValidationError("A stage id, name or slug.")
        return data.strip()

    def to_representation(self, value):
        return value.slug


class DealSerializer(StrictSerializer):
    """The design's deal: its body on create and update, and the computed fields of the Deal type."""

    id = serializers.CharField(read_only=True)
    title = serializers.CharField(max_length=255)
    value = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=Decimal(0), coerce_to_string=False)
    currency = serializers.RegexField(r"^[A-Za-z]{3}$", required=False)
    stage = StageRefField(required=False)
    stageId = serializers.CharField(source="stage_id", read_only=True)
    stageName = serializers.CharField(source="stage.name", read_only=True)
    status = serializers.CharField(read_only=True)
    pipelineId = serializers.CharField(source="pipeline_id", required=False)
    contactId = serializers.CharField(source="contact_id", required=False, allow_null=True)
    accountId = serializers.CharField(source="account_id", required=False, allow_null=True)
    ownerId = serializers.CharField(source="owner_id", required=False)
    expectedCloseDate = DateOrDateTimeField(source="expected_close_date", required=False, allow_null=True)
    actualCloseDate = serializers.DateTimeField(source="actual_close_date", read_only=True)
    probability = serializers.IntegerField(min_value=0, max_value=100, required=False)
    description = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    customFields = serializers.DictField(source="custom_fields", required=False)
    stageEnteredAt = serializers.DateTimeField(source="stage_entered_at", read_only=True)
    createdAt = serializers.DateTimeField(source="created_at", read_only=True)
    updatedAt = serializers.DateTimeField(source="updated_at", read_only=True)

    def to_representation(self, deal: Deal) -> dict:
        data = super().to_representation(deal)
        now = timezone.now()
        data["daysInStage"] = (now - deal.stage_entered_at).days if deal.stage_entered_at else 0
        data["weightedValue"] = float(round(deal.value * deal.probability / 100, 2))
        data["isOverdue"] = bool(
            deal.expected_close_date and deal.expected_close_date < now and deal.status == DealStatus.ACTIVE
        )
        data["nextActivity"] = self.context.get("next_activities", {}).get(deal.pk)
        return data


def deals_data(deals, *, many: bool = False, context: dict | None = None):
    """Deals as `/v1/deals` answers them, wherever they are shown (deal, account and lead
    endpoints): `nextActivity` is loaded for all of them at once (two queries)."""
    from apps.deals.selectors import deal_next_activities

    ids = [deal.pk for deal in deals] if many else [deals.pk]
    context = {**(context or {}), "next_activities": deal_next_activities(ids)}
    return DealSerializer(deals, many=many, context=context).data


class MoveStageSerializer(StrictSerializer):
    newStage = serializers.CharField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class StageRefSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    slug = serializers.CharField()


class DealStageChangeSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    fromStage = StageRefSerializer(source="from_stage", allow_null=True)
    toStage = StageRefSerializer(source="to_stage", allow_null=True)
    changedBy = serializers.SerializerMethodField()
    reason = serializers.CharField()
    secondsInPreviousStage = serializers.IntegerField(source="seconds_in_previous_stage", allow_null=True)
    changedAt = serializers.DateTimeField(source="created_at")

    def get_changedBy(self, change: DealStageChange) -> dict | None:
        user = change.changed_by
        return {"id": user.pk, "name": user.full_name, "email": user.email} if user else None

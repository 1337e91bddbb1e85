from rest_framework import serializers

from apps.core.api.serializers import StrictSerializer
from apps.pipelines.choices import StageType
from apps.pipelines.models import AutomationRun, Stage


class StageInputSerializer(StrictSerializer):
    """A stage of the design's pipeline body; `type` (open, won, lost) is inferred when absent."""

    name = serializers.CharField(max_length=120)
    order = serializers.IntegerField(min_value=1, required=False)
    probability = serializers.IntegerField(min_value=0, max_value=100, required=False, default=0)
    type = serializers.ChoiceField(choices=StageType.choices, required=False)


class StageSerializer(StrictSerializer):
    id = serializers.CharField(read_only=True)
    name = serializers.CharField(max_length=120, required=False)
    slug = serializers.CharField(read_only=True)
    order = serializers.IntegerField(read_only=True)
    probability = serializers.IntegerField(min_value=0, max_value=100, required=False)
    type = serializers.ChoiceField(source="stage_type", choices=StageType.choices, required=False)
    automationRules = serializers.JSONField(source="automation_rules", required=False)

    def to_representation(self, stage: Stage) -> dict:
        data = super().to_representation(stage)
        figures = self.context.get("stage_figures")
        if figures is not None:
            data.update(figures.get(stage.pk, {"dealCount": 0, "stageValue": 0.0}))
        return data


class PipelineSerializer(StrictSerializer):
    id = serializers.CharField(read_only=True)
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    isDefault = serializers.BooleanField(source="is_default", required=False)
    stages = StageInputSerializer(many=True, required=False, write_only=True)
    createdAt = serializers.DateTimeField(source="created_at", read_only=True)
    updatedAt = serializers.DateTimeField(source="updated_at", read_only=True)

    def to_representation(self, pipeline) -> dict:
        data = super().to_representation(pipeline)
        ordered = sorted(pipeline.stages.all(), key=lambda stage: stage.order)
        data["stages"] = StageSerializer(ordered, many=True, context=self.context).data
        return data

    def validate(self, attrs: dict) -> dict:
        if self.instance is None and not attrs.get("stages"):
            raise serializers.ValidationError({"stages": "A pipeline needs at least one stage."})
        if self.instance is not None and "stages" in attrs:
            raise serializers.ValidationError(
                {"stages": "Change stages through /stages (add, update, reorder, remove)."}
            )
        return attrs


class StageReorderSerializer(StrictSerializer):
    stageIds = serializers.ListField(child=serializers.CharField(), allow_empty=False)


class AutomationSerializer(StrictSerializer):
    rules = serializers.JSONField()


class AutomationRunSerializer(serializers.ModelSerializer):
    ruleId = serializers.CharField(source="rule_id")
    stageId = serializers.CharField(source="stage_id")
    dealId = serializers.CharField(source="deal_id")
    actorId = serializers.CharField(source="actor_id", allow_null=True)
    createdAt = serializers.DateTimeField(source="created_at")

    class Meta:
        model = AutomationRun
        fields = [
            "id",
            "ruleId",
            "stageId",
            "dealId",
            "trigger",
            "depth",
            "status",
            "actions",
            "rule",
            "actorId",
            "createdAt",
        ]

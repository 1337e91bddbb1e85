from rest_framework import serializers

from apps.core.api.serializers import StrictSerializer
from apps.history.models import RecordHistory


class HistoryEntrySerializer(serializers.ModelSerializer):
    recordId = serializers.CharField(source="record_id")
    actorId = serializers.CharField(source="actor_id", allow_null=True)
    actorName = serializers.SerializerMethodField()
    at = serializers.DateTimeField(format="%Y-%m-%dT%H:%M:%S.%fZ")

    class Meta:
        model = RecordHistory
        fields = ["id", "recordId", "action", "field", "old", "new", "actorId", "actorName", "at"]

    def get_actorName(self, entry: RecordHistory) -> str | None:
        return entry.actor.full_name if entry.actor_id else None


class MergeRequestSerializer(StrictSerializer):
    mergeIds = serializers.ListField(child=serializers.CharField(max_length=40), min_length=1, max_length=20)
    keep = serializers.DictField(child=serializers.CharField(max_length=40), required=False, default=dict)


class UnmergeRequestSerializer(StrictSerializer):
    mergeId = serializers.CharField(max_length=40, required=False)

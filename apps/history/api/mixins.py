"""Viewset mixins shared by every CRM record type (contacts, accounts, leads, deals).

    class DealViewSet(RecordWriteMixin, HistoryTrashMixin, CrmViewSet): ...

- `HistoryTrashMixin`: `GET /{id}/history` (`?asOf=<ISO timestamp>` answers the record as it was
  then) and `POST /{id}/restore` (brings a trashed record back within the retention period).
- `MergeMixin`: `GET /{id}/duplicates`, `POST /{id}/merge` and `POST /{id}/unmerge`.
- `RecordWriteMixin.can_reassign()`: may the caller give records to another owner?
"""

from django.db import transaction
from django.utils.dateparse import parse_datetime
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.errors import NotFound, ValidationFailed
from apps.core.permissions import caller_grants, grant_scope, has_permission
from apps.core.scoping import scope_queryset
from apps.history.api.serializers import HistoryEntrySerializer, MergeRequestSerializer, UnmergeRequestSerializer
from apps.history.services import history_of, record_as_of, record_restore, record_type_of

REASSIGN_PERMISSION = "records:reassign"


class RecordWriteMixin:
    def can_reassign(self) -> bool:
        grants = caller_grants(self.request)
        if has_permission(grants, REASSIGN_PERMISSION):
            return True
        return grant_scope(grants, f"{self.permission_resource}:write") == "tenant"


class HistoryTrashMixin:
    def perform_restore(self, record) -> None:
        """Override to emit the record type's events; the default only restores."""
        record_restore(record=record, actor=self.request.user)

    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        record = self.get_object()
        as_of_raw = request.query_params.get("asOf")
        if as_of_raw:
            as_of = parse_datetime(as_of_raw.replace(" ", "+"))
            if as_of is None or as_of.tzinfo is None:
                raise ValidationFailed({"asOf": "asOf must be an ISO 8601 timestamp with a time zone."})
            current = self.get_serializer(record).data
            return Response(record_as_of(record=record, representation=current, as_of=as_of))
        page = self.paginate_queryset(history_of(record.pk))
        return self.get_paginated_response(HistoryEntrySerializer(page, many=True).data)

    def trashed_record(self, pk: str):
        model = self.get_queryset().model
        queryset = model.all_objects.filter(pk=pk, deleted_at__isnull=False)
        if self.owner_field:
            queryset = scope_queryset(queryset, self.request.user, self.read_scope(), self.owner_field)
        record = queryset.first()
        if record is None:
            raise NotFound()
        self.check_object_permissions(self.request, record)
        return record

    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        record = self.trashed_record(pk)
        with transaction.atomic():
            self.perform_restore(record)
        return Response(self.get_serializer(self.get_queryset().get(pk=record.pk)).data)


class MergeMixin:
    """The viewset implements `duplicates_of(record)` (-> [(record, score, reasons)]),
    `perform_merge(survivor, merged, keep)` and `perform_unmerge(survivor, merge_id)`."""

    @action(detail=True, methods=["get"])
    def duplicates(self, request, pk=None):
        record = self.get_object()
        found = self.duplicates_of(record)
        return Response(
            [
                {"record": self.get_serializer(other).data, "score": round(score, 3), "reasons": reasons}
                for other, score, reasons in found
            ]
        )

    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        survivor = self.get_object()
        body = MergeRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        merge_ids = list(dict.fromkeys(body.validated_data["mergeIds"]))
        if survivor.pk in merge_ids:
            raise ValidationFailed({"mergeIds": "A record cannot be merged into itself."})
        merged = {record.pk: record for record in self.get_queryset().filter(pk__in=merge_ids)}
        missing = [record_id for record_id in merge_ids if record_id not in merged]
        if missing:
            raise NotFound(f"Not found: {', '.join(missing)}.")
        for record in merged.values():
            self.check_object_permissions(request, record)
        merge = self.perform_merge(survivor, [merged[i] for i in merge_ids], body.validated_data["keep"])
        survivor = self.get_queryset().get(pk=survivor.pk)
        return Response(
            {record_type_of(survivor): self.get_serializer(survivor).data, "mergeId": merge.pk, "mergedIds": merge_ids}
        )

    @action(detail=True, methods=["post"])
    def unmerge(self, request, pk=None):
        survivor = self.get_object()
        body = UnmergeRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        merge = self.perform_unmerge(survivor, body.validated_data.get("mergeId"))
        survivor = self.get_queryset().get(pk=survivor.pk)
        return Response(
            {
                record_type_of(survivor): self.get_serializer(survivor).data,
                "mergeId": merge.pk,
                "restoredIds": merge.merged_ids,
            }
        )

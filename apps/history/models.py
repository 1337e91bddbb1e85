"""Field-level history of CRM records, merges (so they can be undone) and the trash policy.

History is keyed by the record's prefixed id, so one table serves contacts, accounts, leads and
deals alike. Field names are the API's (`firstName`, `customFields.leadSource`), so a client
reads history in the vocabulary it writes.
"""

from django.conf import settings
from django.db import models

from apps.core.ids import PrefixedIdField
from apps.history.choices import HistoryAction

DEFAULT_TRASH_RETENTION_DAYS = 30


class RecordHistory(models.Model):
    """One change: a field's old and new value, or a lifecycle action (created, deleted, ...)."""

    record_type = models.CharField(max_length=20)
    record_id = models.CharField(max_length=40)
    action = models.CharField(max_length=10, choices=HistoryAction.choices)
    field = models.CharField(max_length=120, blank=True)
    old = models.JSONField(null=True, blank=True)
    new = models.JSONField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["record_id", "at"], name="history_record_at")]

    def __str__(self) -> str:
        return f"{self.record_id} {self.action} {self.field}"


class RecordMerge(models.Model):
    """A merge of records into a survivor, with what it changed, so that it can be undone."""

    id = PrefixedIdField(prefix="merge")
    record_type = models.CharField(max_length=20)
    survivor_id = models.CharField(max_length=40, db_index=True)
    merged_ids = models.JSONField(default=list)
    survivor_before = models.JSONField(default=dict)  # model attnames -> values before the merge
    moved_links = models.JSONField(default=list)  # [model label, row pk, attname, old value]
    removed_rows = models.JSONField(default=list)  # [model label, {attname: value}] (duplicate m2m rows)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.id} {self.survivor_id} <- {self.merged_ids}"


class TrashPolicy(models.Model):
    """The tenant's trash retention: trashed records can be restored for this many days."""

    retention_days = models.PositiveIntegerField(default=DEFAULT_TRASH_RETENTION_DAYS)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.retention_days} days"

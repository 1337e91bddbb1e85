"""Bulk jobs (imports and exports) and the external ids imports match records by."""

from django.conf import settings
from django.db import models

from apps.bulk.choices import BulkResource, JobKind, JobStatus
from apps.core.ids import PrefixedIdField


class BulkJob(models.Model):
    """One import or export, run by a Celery worker in the caller's tenant.

    An import commits its rows batch by batch; `cursor` (the number of source rows done) is
    written in the same transaction as each batch, so a worker that dies resumes after the last
    committed batch and never writes a row twice.
    """

    id = PrefixedIdField(prefix="job")
    kind = models.CharField(max_length=10, choices=JobKind.choices)
    resource = models.CharField(max_length=20, choices=BulkResource.choices)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bulk_jobs")
    # What the caller was allowed when they asked: the scope of `<resource>:write` (imports) or
    # `<resource>:export` (exports), and whether they may give records to other owners.
    permission_scope = models.CharField(max_length=12, default="tenant")
    can_reassign = models.BooleanField(default=False)
    options = models.JSONField(default=dict, blank=True)
    field_mapping = models.JSONField(default=dict, blank=True)
    source_path = models.CharField(max_length=500, blank=True)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    validated = models.PositiveIntegerField(default=0)  # rows a strict import has checked before writing
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    cursor = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)
    result_path = models.CharField(max_length=500, blank=True)
    result_size = models.PositiveBigIntegerField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    delivery = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="bulk_job_owner_new")]

    def __str__(self) -> str:
        return f"{self.id} {self.kind} {self.resource} {self.status}"


class ExternalRef(models.Model):
    """The id a record has in the system it was imported from (`externalId`), per resource."""

    resource = models.CharField(max_length=20, choices=BulkResource.choices)
    external_id = models.CharField(max_length=255)
    record_id = models.CharField(max_length=40, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resource", "external_id"], name="bulk_external_ref_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.resource}:{self.external_id} -> {self.record_id}"

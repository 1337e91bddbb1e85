"""What every CRM record shares, plus the tenant's custom field definitions and idempotency log."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models

from apps.core.choices import CustomFieldEntity, CustomFieldType
from apps.core.ids import PrefixedIdField


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class LiveRecordManager(models.Manager):
    """Hides records that sit in the trash."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class CrmRecord(TimestampedModel):
    """A contact, account, lead or deal: owned, custom-fielded, trashable.

    Subclasses that declare Meta inherit it (`class Meta(CrmRecord.Meta)`) to keep the indexes.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    custom_fields = models.JSONField(default=dict, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = LiveRecordManager()
    all_objects = models.Manager()  # noqa: DJ012 (a second manager, not a field)

    class Meta:
        abstract = True
        base_manager_name = "all_objects"
        indexes = [GinIndex(fields=["custom_fields"], name="%(app_label)s_%(class)s_cf")]


class CustomFieldDefinition(TimestampedModel):
    """A field a tenant adds to one kind of record; values live in that record's `custom_fields`."""

    id = PrefixedIdField(prefix="cf")
    entity = models.CharField(max_length=20, choices=CustomFieldEntity.choices)
    name = models.CharField(max_length=64)
    label = models.CharField(max_length=200, blank=True)
    field_type = models.CharField(max_length=10, choices=CustomFieldType.choices, default=CustomFieldType.TEXT)
    required = models.BooleanField(default=False)
    choices = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entity", "name"], name="custom_field_unique_name")]
        ordering = ["entity", "name"]

    def __str__(self) -> str:
        return f"{self.entity}.{self.name}"


class IdempotencyRecord(models.Model):
    """The first response to a write sent with an `Idempotency-Key`, replayed for 24 hours."""

    caller = models.CharField(max_length=64)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=100)
    body = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["caller", "key"], name="idempotency_unique_key")]

"""A tenant's connections to providers, the contact syncs run through them, and the links between
CRM records and what was created for them at a provider."""

from django.conf import settings as django_settings
from django.db import models

from apps.core.ids import PrefixedIdField
from apps.integrations.choices import LinkKind, Provider, SyncStatus


class Connection(models.Model):
    """One provider connected by the tenant (at most one per provider).

    `credentials` holds the Fernet token of the credentials' JSON (apps.integrations.crypto):
    never the credentials themselves, and never answered. `credential_fields` names the fields
    set, which is what answers show.
    """

    id = PrefixedIdField(prefix="conn")
    provider = models.CharField(max_length=20, choices=Provider.choices, unique=True)
    credentials = models.TextField()
    credential_fields = models.JSONField(default=list, blank=True)
    settings = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["provider"]

    def __str__(self) -> str:
        return f"{self.id} {self.provider}"


class Sync(models.Model):
    """A contact sync to an email-marketing list, run by a Celery worker in the caller's tenant
    over the contacts the caller could read when asking (`permission_scope` of contacts:read)."""

    id = PrefixedIdField(prefix="sync")
    provider = models.CharField(max_length=20, choices=Provider.choices)
    connection = models.ForeignKey(Connection, null=True, blank=True, on_delete=models.SET_NULL, related_name="syncs")
    owner = models.ForeignKey(django_settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    permission_scope = models.CharField(max_length=12, default="tenant")
    status = models.CharField(max_length=12, choices=SyncStatus.choices, default=SyncStatus.QUEUED, db_index=True)
    request = models.JSONField(default=dict)  # list_id, contact_filter, field_mapping, sync_options
    contacts_queued = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # per contact: contact_id, email, code, message
    error = models.JSONField(null=True, blank=True)  # the INTEGRATION_ERROR that stopped it
    cursor = models.CharField(max_length=40, blank=True)  # the last contact id sent (resume point)
    estimated_completion = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.id} {self.provider} {self.status}"


class ExternalLink(models.Model):
    """A CRM record and what was created for it at a provider (a Google event, a QBO invoice)."""

    provider = models.CharField(max_length=20, choices=Provider.choices)
    kind = models.CharField(max_length=20, choices=LinkKind.choices)
    record_id = models.CharField(max_length=40, db_index=True)  # event_..., deal_...
    external_id = models.CharField(max_length=255)
    external_url = models.URLField(max_length=2000, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "kind", "external_id"], name="integration_link_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.record_id} -> {self.provider}:{self.kind}:{self.external_id}"

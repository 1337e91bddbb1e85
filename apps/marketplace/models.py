"""The marketplace lives in the public schema: apps are platform-wide, and each installation
names its tenant. What an installation creates inside a tenant (its OAuth client, the client's
permissions, its webhooks) lives in that tenant's schema; see `services.py`.

No foreign key here points at a tenant-schema table: from a tenant's connection the search path
is `<tenant>, public`, so such a reference would silently resolve in the wrong schema.
"""

from django.contrib.postgres.fields import ArrayField
from django.db import models

from apps.core.ids import PrefixedIdField
from apps.core.models import TimestampedModel
from apps.marketplace.choices import AppStatus, DataAccessLevel, WidgetSize, WidgetType


class MarketplaceApp(TimestampedModel):
    """An app registered by an operator. Its OAuth client id and secret are the same in every
    tenant that installs it (the secret is kept hashed, as the OAuth clients keep theirs)."""

    id = PrefixedIdField(prefix="app")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    version = models.CharField(max_length=40)
    developer = models.JSONField(default=dict)  # {"name", "email", "website"}
    permissions_requested = ArrayField(models.CharField(max_length=100), default=list)
    webhook_endpoints = models.JSONField(default=list, blank=True)  # [{"url", "events"}]
    oauth_config = models.JSONField(default=dict, blank=True)  # {"redirect_uris", "scopes"}
    client_id = models.CharField(max_length=100, unique=True)
    client_secret_hash = models.CharField(max_length=255)
    # Signs the app's webhook deliveries in every tenant (HMAC needs the secret itself).
    webhook_secret = models.CharField(max_length=255)
    status = models.CharField(max_length=10, choices=AppStatus.choices, default=AppStatus.ACTIVE)
    disabled_at = models.DateTimeField(null=True, blank=True)
    registered_by = models.CharField(max_length=254, blank=True)  # the operator's email

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"

    @property
    def is_active(self) -> bool:
        return self.status == AppStatus.ACTIVE


class Installation(TimestampedModel):
    """An app installed in a tenant, with what the tenant's admin granted it."""

    id = PrefixedIdField(prefix="inst")
    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    app = models.ForeignKey(MarketplaceApp, on_delete=models.PROTECT, related_name="installations")
    permissions_granted = ArrayField(models.CharField(max_length=100), default=list)
    data_access_level = models.CharField(max_length=20, choices=DataAccessLevel.choices, default=DataAccessLevel.TENANT)
    webhook_config = models.JSONField(default=dict, blank=True)  # {"enabled", "events"}
    custom_settings = models.JSONField(default=dict, blank=True)
    webhook_ids = ArrayField(models.CharField(max_length=40), default=list, blank=True)  # in the tenant
    installed_by = models.CharField(max_length=40, blank=True)  # the tenant user's id

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "app"], name="marketplace_one_install_per_tenant")]

    def __str__(self) -> str:
        return str(self.app)


class Widget(TimestampedModel):
    """A dashboard widget an app defined in a tenant: its data is computed when asked."""

    id = PrefixedIdField(prefix="widget")
    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="widgets")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    type = models.CharField(max_length=10, choices=WidgetType.choices)
    size = models.CharField(max_length=10, choices=WidgetSize.choices, default=WidgetSize.MEDIUM)
    data_source = models.JSONField()  # {"query", "filters", "aggregations"}
    visualization = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

"""Trained models and training jobs in the tenant admin: read-only, to see versions and metrics."""

from django.contrib import admin

from apps.ai.models import TrainedModel, TrainingJob
from apps.console.sites import RbacAdmin, tenant_site


class _ReadOnly(RbacAdmin):
    permission_resource = "ai"
    owner_field = None

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TrainedModel, site=tenant_site)
class TrainedModelAdmin(_ReadOnly):
    list_display = ["kind", "version", "is_current", "trained_at", "positive_samples", "negative_samples", "metrics"]
    list_filter = ["kind", "is_current"]
    exclude = ["blob"]
    readonly_fields = [
        "kind",
        "version",
        "is_current",
        "trained_at",
        "data_as_of",
        "positive_samples",
        "negative_samples",
        "metrics",
        "features",
        "algorithm",
        "job",
    ]


@admin.register(TrainingJob, site=tenant_site)
class TrainingJobAdmin(_ReadOnly):
    list_display = ["id", "trigger", "status", "created_at", "started_at", "finished_at"]
    list_filter = ["status", "trigger"]
    readonly_fields = [
        "trigger",
        "status",
        "requested_by",
        "results",
        "message",
        "created_at",
        "started_at",
        "finished_at",
    ]

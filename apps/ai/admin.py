"""Trained models and training jobs in the tenant admin: read-only, to see versions and metrics."""

from django.contrib import admin

from apps.ai.models import TrainedModel, TrainingJob
from apps.console.sites import ReadOnlyRbacAdmin, tenant_site


class _AiAdmin(ReadOnlyRbacAdmin):
    permission_resource = "ai"
    owner_field = None


@admin.register(TrainedModel, site=tenant_site)
class TrainedModelAdmin(_AiAdmin):
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
class TrainingJobAdmin(_AiAdmin):
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

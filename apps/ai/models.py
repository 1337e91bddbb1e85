"""Per-tenant models and their training jobs, and the signals callers gave for leads and deals.

A trained model is kept in the tenant's own schema as bytes (`BinaryField`), not as a file: it is
isolated like every other tenant row, it is written in the same transaction as its metrics and
its `is_current` flag, and every server and worker process reads the same version without a shared
disk. A logistic regression with its bootstrap replicates weighs a few tens of kilobytes.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.ai.choices import ACTIVE, JobStatus, JobTrigger, ModelKind
from apps.core.ids import PrefixedIdField


class TrainingJob(models.Model):
    """One training run of both models of the tenant. At most one is queued or running at a time."""

    id = PrefixedIdField(prefix="job")
    slot = models.CharField(max_length=10, default="training", editable=False)  # see the constraint
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True)
    trigger = models.CharField(max_length=10, choices=JobTrigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    results = models.JSONField(default=dict, blank=True)  # per model kind: what the run produced
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot"],  # the same for every job: with the condition, "one active job"
                condition=Q(status__in=ACTIVE),
                name="ai_one_active_training_job",
            )
        ]

    def __str__(self) -> str:
        return f"{self.id} {self.trigger} {self.status}"


class TrainedModel(models.Model):
    """One version of one kind of model, fitted on the tenant's own outcomes."""

    id = PrefixedIdField(prefix="aimodel")
    kind = models.CharField(max_length=20, choices=ModelKind.choices)
    version = models.PositiveIntegerField()
    is_current = models.BooleanField(default=False)
    trained_at = models.DateTimeField()
    data_as_of = models.DateTimeField()  # outcomes after this instant count toward the next retraining
    positive_samples = models.PositiveIntegerField()
    negative_samples = models.PositiveIntegerField()
    metrics = models.JSONField(default=dict)  # holdout AUC and accuracy, holdout size
    features = models.JSONField(default=list)  # the factor names the model reads
    algorithm = models.CharField(max_length=100)
    blob = models.BinaryField()  # joblib of apps.ai.learning.FittedModel
    job = models.ForeignKey(TrainingJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="models")

    class Meta:
        ordering = ["-trained_at", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="ai_model_unique_version"),
            models.UniqueConstraint(fields=["kind"], condition=Q(is_current=True), name="ai_model_one_current"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} v{self.version}"


class LeadSignals(models.Model):
    """The latest scoring factors given for a lead (`POST /v1/ai/lead-scoring/score`), flattened
    (`{"demo_requested": true, "company_size": 500, ...}`): what the CRM cannot see by itself
    (email opens, web visits, ...), kept so that later trainings learn from it too."""

    lead = models.OneToOneField("leads.Lead", on_delete=models.CASCADE, related_name="ai_signals")
    factors = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"signals of {self.lead_id}"


class DealSignals(models.Model):
    """The latest analysis factors given for a deal (`POST /v1/ai/analytics/deal-probability`)."""

    deal = models.OneToOneField("deals.Deal", on_delete=models.CASCADE, related_name="ai_signals")
    factors = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"signals of {self.deal_id}"

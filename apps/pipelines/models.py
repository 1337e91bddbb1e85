from django.conf import settings
from django.db import models

from apps.core.ids import PrefixedIdField
from apps.core.models import TimestampedModel
from apps.pipelines.choices import AutomationRunStatus, StageType


class Pipeline(TimestampedModel):
    id = PrefixedIdField(prefix="pipe")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    is_default = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Stage(TimestampedModel):
    """One step of a pipeline. Its type tells reports whether a deal in it is open, won or lost.

    `automation_rules` holds the stage's rules in one normalized shape (see apps.pipelines.automation_rules).
    """

    id = PrefixedIdField(prefix="stage")
    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120)
    order = models.PositiveSmallIntegerField()
    probability = models.PositiveSmallIntegerField(default=0)
    stage_type = models.CharField(max_length=10, choices=StageType.choices, default=StageType.OPEN)
    automation_rules = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["pipeline_id", "order"]
        constraints = [models.UniqueConstraint(fields=["pipeline", "slug"], name="stage_unique_slug")]

    def __str__(self) -> str:
        return f"{self.pipeline.name} / {self.name}"


class AutomationRun(models.Model):
    """One evaluation of one stage rule for one deal entering the stage, and what it did."""

    id = PrefixedIdField(prefix="autorun")
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="automation_runs")
    rule_id = models.CharField(max_length=40)
    rule = models.JSONField(default=dict)  # the rule as it was when it ran
    deal = models.ForeignKey("deals.Deal", on_delete=models.CASCADE, related_name="automation_runs")
    trigger = models.CharField(max_length=30)
    depth = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=20, choices=AutomationRunStatus.choices)
    actions = models.JSONField(default=list)  # [{"type": ..., "status": "done"|"failed", ...result}]
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["stage", "-created_at"], name="automation_run_stage_idx")]

    def __str__(self) -> str:
        return f"{self.rule_id} on {self.deal_id}: {self.status}"

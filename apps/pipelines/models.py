from django.db import models

from apps.core.ids import PrefixedIdField
from apps.core.models import TimestampedModel
from apps.pipelines.choices import StageType


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
    """One step of a pipeline. Its type tells reports whether a deal in it is open, won or lost."""

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

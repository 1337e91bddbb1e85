from django.conf import settings
from django.db import models

from apps.core.ids import PrefixedIdField
from apps.core.models import CrmRecord
from apps.deals.choices import DealStatus
from apps.pipelines.choices import StageType


class Deal(CrmRecord):
    """An opportunity moving through a pipeline's stages. Its status is its stage's type."""

    id = PrefixedIdField(prefix="deal")
    title = models.CharField(max_length=255)
    value = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    currency = models.CharField(max_length=3, default="USD")
    pipeline = models.ForeignKey("pipelines.Pipeline", on_delete=models.PROTECT, related_name="deals")
    stage = models.ForeignKey("pipelines.Stage", on_delete=models.PROTECT, related_name="deals")
    probability = models.PositiveSmallIntegerField(default=0)
    expected_close_date = models.DateTimeField(null=True, blank=True, db_index=True)
    actual_close_date = models.DateTimeField(null=True, blank=True, db_index=True)
    description = models.TextField(blank=True)
    contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="deals"
    )
    account = models.ForeignKey(
        "accounts.Account", null=True, blank=True, on_delete=models.SET_NULL, related_name="deals"
    )
    stage_entered_at = models.DateTimeField(null=True, blank=True)

    class Meta(CrmRecord.Meta):
        ordering = ["-created_at"]
        indexes = [
            *CrmRecord.Meta.indexes,
            models.Index(fields=["pipeline", "stage"], name="deal_pipeline_stage_idx"),
            models.Index(
                fields=["pipeline", "created_at"],
                condition=models.Q(deleted_at__isnull=True),
                name="deal_pipeline_created_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def status(self) -> str:
        return {StageType.WON: DealStatus.WON, StageType.LOST: DealStatus.LOST}.get(
            self.stage.stage_type, DealStatus.ACTIVE
        )


class DealStageChange(models.Model):
    """One move of a deal between stages: the history behind time-in-stage and conversion figures.

    A deal's creation is recorded too (no `from_stage`). A removed stage leaves its rows in place
    (its side set to NULL) so the time spent in the other stages is kept.
    """

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.ForeignKey(
        "pipelines.Stage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_stage = models.ForeignKey("pipelines.Stage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    seconds_in_previous_stage = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at"]


class StageTransitionDay(models.Model):
    """Stage history summed per UTC day and (from, to) stage pair, so analytics over millions of
    history rows read a few thousand. Maintained by database triggers on DealStageChange (any
    writer, bulk or not, keeps it right); never written by the application."""

    day = models.DateField()
    from_stage_id = models.CharField(max_length=40, blank=True)  # "" for a deal's creation
    to_stage_id = models.CharField(max_length=40, blank=True)
    transitions = models.BigIntegerField(default=0)
    seconds_sum = models.BigIntegerField(default=0)
    seconds_count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "from_stage_id", "to_stage_id"], name="stage_transition_day_key")
        ]

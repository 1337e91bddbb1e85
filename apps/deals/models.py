from django.conf import settings
from django.db import models

from apps.core.ids import PrefixedIdField
from apps.core.models import CrmRecord


class Deal(CrmRecord):
    """An opportunity moving through a pipeline's stages."""

    id = PrefixedIdField(prefix="deal")
    title = models.CharField(max_length=255)
    value = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    currency = models.CharField(max_length=3, default="USD")
    pipeline = models.ForeignKey("pipelines.Pipeline", on_delete=models.PROTECT, related_name="deals")
    stage = models.ForeignKey("pipelines.Stage", on_delete=models.PROTECT, related_name="deals")
    probability = models.PositiveSmallIntegerField(default=0)
    expected_close_date = models.DateTimeField(null=True, blank=True, db_index=True)
    actual_close_date = models.DateTimeField(null=True, blank=True)
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

    def __str__(self) -> str:
        return self.title


class DealStageChange(models.Model):
    """One move of a deal between stages: the history behind time-in-stage and conversion figures."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.ForeignKey(
        "pipelines.Stage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_stage = models.ForeignKey("pipelines.Stage", on_delete=models.CASCADE, related_name="+")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    seconds_in_previous_stage = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at"]

from django.conf import settings
from django.db import models

from apps.core.ids import PrefixedIdField
from apps.core.models import CrmRecord
from apps.leads.choices import LeadStatus


class Lead(CrmRecord):
    """A prospect not yet qualified; converting it creates a contact, an account and a deal."""

    id = PrefixedIdField(prefix="lead")
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)
    email = models.EmailField(db_index=True)
    phone = models.CharField(max_length=40, blank=True)
    company = models.CharField(max_length=255, blank=True)
    job_title = models.CharField(max_length=255, blank=True)
    source = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=20, choices=LeadStatus.choices, default=LeadStatus.NEW, db_index=True)
    score = models.PositiveSmallIntegerField(default=0)
    qualification_notes = models.TextField(blank=True)
    next_action = models.CharField(max_length=255, blank=True)
    qualified_at = models.DateTimeField(null=True, blank=True)
    converted_at = models.DateTimeField(null=True, blank=True)
    converted_contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="source_leads"
    )
    converted_account = models.ForeignKey(
        "accounts.Account", null=True, blank=True, on_delete=models.SET_NULL, related_name="source_leads"
    )
    converted_deal = models.ForeignKey(
        "deals.Deal", null=True, blank=True, on_delete=models.SET_NULL, related_name="source_leads"
    )

    class Meta(CrmRecord.Meta):
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class LeadScoreHistory(models.Model):
    """Each change of a lead's score, with the factors given for it."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="score_history")
    previous_score = models.PositiveSmallIntegerField(null=True)
    score = models.PositiveSmallIntegerField()
    scoring_factors = models.JSONField(default=list, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

from django.db import models

from apps.accounts.choices import AccountType, RelationshipType
from apps.core.ids import PrefixedIdField
from apps.core.models import CrmRecord, TimestampedModel


class Account(CrmRecord):
    """A company. Accounts form a hierarchy through `parent`. A trigram index on lower(name)
    (migration 0003) serves duplicate detection and lead conversion's lookup by company name."""

    id = PrefixedIdField(prefix="account")
    name = models.CharField(max_length=255, db_index=True)
    website = models.CharField(max_length=500, blank=True)
    industry = models.CharField(max_length=120, blank=True)
    employees = models.PositiveIntegerField(null=True, blank=True)
    annual_revenue = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    type = models.CharField(max_length=20, choices=AccountType.choices, default=AccountType.PROSPECT)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    address = models.JSONField(default=dict, blank=True)

    class Meta(CrmRecord.Meta):
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AccountRelationship(TimestampedModel):
    """A typed link between two accounts (subsidiary, partner, reseller, competitor, ...)."""

    id = PrefixedIdField(prefix="accrel")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="relationships")
    related_account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="related_by")
    relationship_type = models.CharField(max_length=20, choices=RelationshipType.choices)
    description = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "related_account", "relationship_type"], name="account_relationship_unique"
            )
        ]

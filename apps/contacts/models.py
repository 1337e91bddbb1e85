from django.db import models

from apps.core.ids import PrefixedIdField
from apps.core.models import CrmRecord


class Contact(CrmRecord):
    """A person the sales team talks to, usually working at an account."""

    id = PrefixedIdField(prefix="contact")
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)
    email = models.EmailField(null=True, blank=True, db_index=True)
    phone = models.CharField(max_length=40, blank=True)
    company = models.CharField(max_length=255, blank=True)
    job_title = models.CharField(max_length=255, blank=True)
    address = models.JSONField(default=dict, blank=True)
    account = models.ForeignKey(
        "accounts.Account", null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )

    class Meta(CrmRecord.Meta):
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

"""Emptying the trash past the tenant's retention period (schedule it daily per tenant)."""

from celery import shared_task
from django_tenants.utils import schema_context


@shared_task(name="history.trash_purge")
def trash_purge_task(schema_name: str) -> int:
    from apps.accounts.models import Account
    from apps.activities.models import Communication, Event, Task
    from apps.contacts.models import Contact
    from apps.deals.models import Deal
    from apps.history.services import trash_purge
    from apps.leads.models import Lead

    with schema_context(schema_name):
        return trash_purge(models=[Task, Event, Communication, Deal, Lead, Contact, Account])

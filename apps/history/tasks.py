"""Emptying the trash past the tenant's retention period: daily, once per tenant (the beat
scheduler runs each entry in every tenant's schema)."""

from celery import shared_task


@shared_task(name="history.trash_purge")
def trash_purge_task() -> int:
    from apps.accounts.models import Account
    from apps.activities.models import Communication, Event, Task
    from apps.contacts.models import Contact
    from apps.deals.models import Deal
    from apps.history.services import trash_purge
    from apps.leads.models import Lead

    return trash_purge(models=[Task, Event, Communication, Deal, Lead, Contact, Account])

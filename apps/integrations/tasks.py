"""Celery tasks: queued inside the caller's tenant, they run in its schema (tenant-schemas-celery),
take the sync id and call the service."""

from celery import shared_task

from apps.integrations import services


@shared_task(name="integrations.sync_contacts")
def sync_contacts_task(sync_id: str) -> None:
    services.sync_contacts_run(sync_id=sync_id)

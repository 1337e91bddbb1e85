"""Celery tasks of bulk jobs. Queued inside the caller's tenant, they run in its schema
(tenant-schemas-celery); they take the job id and call the services. `acks_late` (settings) means
a task whose worker dies is delivered again: the services resume where the job stopped."""

from celery import shared_task

from apps.bulk import services


@shared_task(name="bulk.import_run")
def bulk_import_run(job_id: str) -> None:
    services.import_job_run(job_id=job_id)


@shared_task(name="bulk.export_run")
def bulk_export_run(job_id: str) -> None:
    services.export_job_run(job_id=job_id)


@shared_task(name="bulk.exports_purge")
def bulk_exports_purge() -> int:
    return services.exports_purge()

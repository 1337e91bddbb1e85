"""Celery tasks of the AI module. Each runs in the schema of the tenant that queued it
(tenant-schemas-celery); beat sends `ai.train_nightly` to every tenant with no arguments."""

from celery import shared_task

from apps.ai import services


@shared_task(name="ai.train", ignore_result=True)
def ai_train(job_id: str) -> None:
    services.training_run(job_id=job_id)


@shared_task(name="ai.train_nightly", ignore_result=True)
def ai_train_nightly() -> str:
    return services.training_nightly().pk

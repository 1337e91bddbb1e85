from celery import shared_task

from apps.tenants.services import tenants_purge_due


@shared_task
def tenants_purge() -> list[str]:
    """Beat: drop tenants whose deletion grace period is over."""
    return tenants_purge_due()

"""Celery tasks run in the tenant that queued them (tenant-schemas-celery), on a real worker."""

import time
import uuid

import pytest
from django_redis import get_redis_connection
from django_tenants.utils import schema_context

from apps.core.tasks import tenant_probe
from tests.fixtures import LIVE_TENANT, OTHER_TENANT


def wait_for(key: str, timeout: float = 30) -> str | None:
    redis = get_redis_connection("default")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = redis.get(key)
        if value is not None:
            return value.decode()
        time.sleep(0.2)
    return None


@pytest.mark.django_db
def test_a_task_runs_in_the_schema_of_the_tenant_that_queued_it(celery_worker):
    tokens = {}
    for slug in (LIVE_TENANT, OTHER_TENANT):
        tokens[slug] = uuid.uuid4().hex
        with schema_context(slug):
            tenant_probe.delay(tokens[slug])
    for slug, token in tokens.items():
        assert wait_for(f"probe:{token}") == slug


def test_every_beat_entry_names_a_registered_task_taking_no_arguments():
    """Beat sends each entry to every tenant schema with no arguments: each must be a known task
    that runs in the schema it is sent to."""
    import inspect

    from django.conf import settings

    from crm.celery import app

    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        task = app.tasks.get(entry["task"])
        assert task is not None, f"beat entry {name}: no task {entry['task']}"
        required = [
            p
            for p in inspect.signature(task.run).parameters.values()
            if p.default is inspect.Parameter.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        ]
        assert not required and not entry.get("args"), f"beat entry {name} needs arguments: {required}"

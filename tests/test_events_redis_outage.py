"""A change committed while Redis is down still yields its event, once Redis is back.

Its own throwaway Redis (a Unix socket under /tmp), Celery worker and beat, so stopping Redis
disturbs nothing else; the change is made by a separate process configured with that Redis.
"""

import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
import redis

from apps.events.models import OutboxEvent
from apps.webhooks.models import WebhookDelivery
from tests.fixtures import LIVE_TENANT, ROOT, commit_in_tenant, start_process, stop_process, worker_env
from tests.webhook_receiver import Receiver

pytestmark = pytest.mark.django_db(transaction=False)

EMIT = """
import sys, django
django.setup()
from django.db import transaction
from django_tenants.utils import schema_context
from apps.events.services import event_emit
with schema_context(sys.argv[1]), transaction.atomic():
    event = event_emit("contact.updated", data={"contact": {"id": sys.argv[2]}}, record_id=sys.argv[2])
print(event.event_id)
"""


class ThrowawayRedis:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.socket = directory / "redis.sock"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port",
                "0",
                "--unixsocket",
                str(self.socket),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(unix_socket_path=str(self.socket))
        for _ in range(100):
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("throwaway redis did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def outage_stack():
    directory = Path(tempfile.mkdtemp(prefix="crm-rd-"))
    server = ThrowawayRedis(directory)
    server.start()
    env = worker_env(REDIS_URL=f"unix://{server.socket}", CRM_EVENTS_SWEEP_SECONDS="1")
    name = env["CRM_DATABASE_NAME"]
    worker = start_process(
        [sys.executable, "-m", "celery", "-A", "crm", "worker", "-l", "info", "--concurrency", "1"],
        log_name=f"outage-worker-{name}.log",
        env=env,
        ready="ready.",
    )
    beat = start_process(
        [sys.executable, "-m", "celery", "-A", "crm", "beat", "-l", "info", "--schedule", str(directory / "beat")],
        log_name=f"outage-beat-{name}.log",
        env=env,
        ready="beat: Starting",
    )
    yield server, env
    for process, log in (beat, worker):
        stop_process(process, log)
    server.stop()
    shutil.rmtree(directory, ignore_errors=True)


def test_event_committed_while_redis_is_down_is_delivered_once_redis_returns(outage_stack):
    from apps.webhooks.services import webhook_create

    server, env = outage_stack
    receiver = Receiver()
    path = f"/outage-{uuid.uuid4().hex[:8]}"
    webhook = commit_in_tenant(
        LIVE_TENANT,
        lambda: webhook_create(
            url=receiver.url + path,
            events=["contact.updated"],
            filters={},
            secret="outage-secret",
            retry_config={"max_retries": 3, "retry_delay_seconds": 1, "timeout_seconds": 5},
            created_by=None,
            grants=["*"],
        ),
    )
    try:
        server.stop()
        record = f"contact_{uuid.uuid4().hex[:10]}"
        started = time.monotonic()
        made = subprocess.run(
            [sys.executable, "-c", EMIT, LIVE_TENANT, record],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert made.returncode == 0, made.stderr  # the change itself never fails because Redis is down
        assert time.monotonic() - started < 20
        event_id = made.stdout.strip().splitlines()[-1]

        time.sleep(3)  # beat and worker cannot reach Redis: the event waits in the outbox
        event = commit_in_tenant(LIVE_TENANT, lambda: OutboxEvent.objects.get(event_id=event_id))
        assert event.published_at is None
        assert not receiver.on_path(path)

        server.start()
        [request] = receiver.wait_for(lambda r: r.path == path, timeout=90)
        assert request.json["event_id"] == event_id and request.json["data"]["contact"]["id"] == record
        time.sleep(2)
        assert len(receiver.on_path(path)) == 1  # once
        deliveries = commit_in_tenant(
            LIVE_TENANT,
            lambda: list(WebhookDelivery.objects.filter(event_id=event_id).values_list("status", flat=True)),
        )
        assert deliveries == ["delivered"]
    finally:
        commit_in_tenant(LIVE_TENANT, lambda: type(webhook).objects.filter(pk=webhook.pk).delete())
        receiver.close()

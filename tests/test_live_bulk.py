"""Bulk jobs end to end: real HTTP against uvicorn, a real Celery worker, a worker process killed
in the middle of an import. Runs in the `livetest` tenant, whose data is committed."""

import contextlib
import csv
import io
import os
import signal
import time
import uuid
from pathlib import Path

import pytest

from tests.test_live_server import login

pytestmark = pytest.mark.django_db(transaction=False)


def _pool_children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _csv(domain: str, count: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Email", "First", "Last", "Company"])
    for i in range(count):
        writer.writerow([f"p{i}@{domain}", f"First{i}", f"Last{i}", "=cmd|' /C calc'!A0" if i == 0 else "Acme"])
    return out.getvalue().encode()


def _wait(client, job_id: str, *, on_progress=None, timeout: float = 180) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/v1/bulk/jobs/{job_id}").json()["data"]
        if on_progress:
            on_progress(job)
        if job["status"] in ("completed", "failed", "cancelled"):
            return job
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} did not finish: {job}")


def test_import_killed_mid_job_resumes_in_the_worker_and_export_downloads_over_http(live_server_url, celery_worker):
    domain = f"{uuid.uuid4().hex[:8]}.live.test"
    total = 12_000
    with contextlib.closing(login(live_server_url)) as client:
        response = client.post(
            "/v1/bulk/contacts/import",
            files={"file": ("people.csv", _csv(domain, total), "text/csv")},
            data={
                "validation_level": "lenient",
                "field_mapping": '{"email": "Email", "firstName": "First", "lastName": "Last", "company": "Company"}',
            },
        )
        assert response.status_code == 202, response.text
        job_id = response.json()["data"]["job_id"]

        seen: list[int] = []
        killed: list[int] = []

        def kill_once_running(job: dict) -> None:
            seen.append(job["processed"])
            if not killed and 0 < job["processed"] < total:
                for child in _pool_children(celery_worker.pid):  # the one running the job among them
                    os.kill(child, signal.SIGKILL)
                    killed.append(child)

        job = _wait(client, job_id, on_progress=kill_once_running)
        assert killed, "the job finished before it could be interrupted"
        assert job["status"] == "completed", job
        assert (job["processed"], job["created"], job["failed"]) == (total, total, 0)
        assert len({value for value in seen if 0 < value < total}) >= 1  # progress was visible while running

        exported = client.post(
            "/v1/bulk/contacts/export",
            json={"export_format": "csv", "fields": ["email", "company"], "delivery": {"method": "download"}},
        )
        assert exported.status_code == 202, exported.text
        export = _wait(client, exported.json()["data"]["job_id"])
        assert export["status"] == "completed", export
        download = client.get(export["download_url"])
        assert download.status_code == 200
        rows = [row for row in csv.reader(io.StringIO(download.text)) if row[0].endswith(domain)]
    assert len(rows) == total  # every contact once: nothing written twice by the resumed job
    assert len({row[0] for row in rows}) == total
    assert ["p0@" + domain, "'=cmd|' /C calc'!A0"] in rows

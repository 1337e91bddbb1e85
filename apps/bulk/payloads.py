"""The job object of the contract (§8), the same in REST answers, events and webhook deliveries."""

from django.urls import reverse

from apps.bulk.choices import JobKind, JobStatus
from apps.bulk.models import BulkJob

ERRORS_SHOWN = 1000  # errors kept on a job; `failed` counts them all


def _iso(value) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def job_data(job: BulkJob) -> dict:
    data = {
        "job_id": job.id,
        "type": job.kind,
        "resource": job.resource,
        "status": job.status,
        "total": job.total,
        "processed": job.processed,
        "created": job.created,
        "updated": job.updated,
        "skipped": job.skipped,
        "failed": job.failed,
        "errors": job.errors,
        "message": job.message or None,
        "created_at": _iso(job.created_at),
        "started_at": _iso(job.started_at),
        "completed_at": _iso(job.finished_at),
    }
    if job.kind == JobKind.IMPORT:
        data["validated"] = job.validated
        data["import_options"] = job.options
    else:
        data["export_format"] = job.options.get("export_format")
        data["delivery"] = job.delivery or None
        ready = job.status == JobStatus.COMPLETED and bool(job.result_path)
        data["download_url"] = reverse("bulk-job-download", kwargs={"pk": job.id}) if ready else None
        data["expires_at"] = _iso(job.expires_at)
        data["size"] = job.result_size
    return data

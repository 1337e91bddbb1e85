"""Bulk jobs: start an import or an export, run it (in a Celery worker), cancel it.

Imports run in batches of `BATCH_ROWS`. Each batch is one transaction that locks the job row,
checks that its `cursor` is where this run expects it, writes the batch with bulk SQL, and moves
the cursor and the counters forward. A worker killed mid-job leaves the job at its last committed
batch; the redelivered task (acks_late) resumes from there, and a second worker running the same
job at the same time finds the cursor moved and stops: no row is ever written twice.

`strict` imports read every row once before writing any (nothing is written if one is bad);
`lenient` imports write the good rows of each batch and report the bad ones.
"""

import logging
import os
import uuid
from datetime import timedelta
from itertools import islice
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.bulk.choices import FINISHED, DeliveryMethod, JobKind, JobStatus, ValidationLevel
from apps.bulk.exporting import CONTENT_TYPES, WRITERS, export_columns, export_filters, export_queryset, rows_stream
from apps.bulk.mapping import mapping_resolve, row_map
from apps.bulk.models import BulkJob
from apps.bulk.payloads import ERRORS_SHOWN, job_data
from apps.bulk.planning import ImportPlanner
from apps.bulk.resources import spec_for
from apps.bulk.sources import source_read, source_store, tenant_dir
from apps.bulk.writing import plan_apply
from apps.core.errors import Conflict, NotFound
from apps.events.services import event_emit
from apps.events.types import EventType

logger = logging.getLogger("crm.bulk")

BATCH_ROWS = int(getattr(settings, "CRM_BULK_BATCH_ROWS", 2000))
EXPORT_DAYS = 7
WRITE_ATTEMPTS = 3


def _queue(task, job_id: str) -> None:
    """After commit, in the active tenant (tenant-schemas-celery carries the schema)."""
    transaction.on_commit(lambda: task.apply_async(args=[job_id]))


# -- imports -----------------------------------------------------------------------------------
@transaction.atomic
def bulk_import_start(
    *,
    actor,
    resource: str,
    rows: list[dict[str, Any]],
    options: dict[str, Any],
    field_mapping: dict[str, str] | None,
    scope: str,
    can_reassign: bool,
) -> BulkJob:
    """Stores the rows under the tenant and queues the job; answers it `queued`."""
    from apps.bulk.tasks import bulk_import_run

    mapping_resolve(spec=spec_for(resource), field_mapping=field_mapping)
    job = BulkJob(
        kind=JobKind.IMPORT,
        resource=resource,
        owner=actor,
        permission_scope=scope,
        can_reassign=can_reassign,
        options=options,
        field_mapping=field_mapping or {},
        total=len(rows),
    )
    job.source_path = source_store(job_id=job.id, rows=rows)
    job.save(force_insert=True)
    _queue(bulk_import_run, job.id)
    return job


class _StrictRefusal(Exception):
    def __init__(self, errors: list[dict], failed: int, written: int = 0) -> None:
        self.errors, self.failed, self.written = errors, failed, written


def _batches(job: BulkJob, start: int):
    spec = spec_for(job.resource)
    mapping = mapping_resolve(spec=spec, field_mapping=job.field_mapping)
    cache: dict = {}
    rows = source_read(job.source_path, start=start)
    while batch := list(islice(rows, BATCH_ROWS)):
        yield [(number, row_map(spec=spec, mapping=mapping, row=row, cache=cache)) for number, row in batch]


def _planner(job: BulkJob) -> ImportPlanner:
    return ImportPlanner(
        spec=spec_for(job.resource),
        actor=job.owner,
        scope=job.permission_scope,
        can_reassign=job.can_reassign,
        options=job.options,
    )


def _job_start(job_id: str) -> BulkJob | None:
    with transaction.atomic():
        job = BulkJob.objects.select_for_update().select_related("owner").filter(pk=job_id).first()
        if job is None or job.status in FINISHED:
            return None
        if job.status == JobStatus.QUEUED:
            job.status, job.started_at = JobStatus.RUNNING, timezone.now()
            job.save(update_fields=["status", "started_at", "updated_at"])
        return job


def _job_finish(job_id: str, *, status: str, message: str = "", **fields) -> None:
    """Ends a running job and emits `job.completed` / `job.failed` with it; a cancelled job stays so."""
    with transaction.atomic():
        job = BulkJob.objects.select_for_update().get(pk=job_id)
        if job.status != JobStatus.RUNNING:
            return
        for name, value in fields.items():
            setattr(job, name, value)
        job.status, job.message, job.finished_at = status, message, timezone.now()
        job.save()
        event_type = EventType.JOB_COMPLETED if status == JobStatus.COMPLETED else EventType.JOB_FAILED
        event_emit(event_type, data={"job": job_data(job)}, record_id=job.id, owner_id=job.owner_id, actor=job.owner)
        _source_drop_after_commit(job)


def _job_fail(job_id: str, message: str) -> None:
    """Ends the job as failed; if even that cannot be written with its event, the job is still
    marked failed, so no job is left `running` with nobody running it."""
    try:
        _job_finish(job_id, status=JobStatus.FAILED, message=message)
    except Exception:
        logger.exception("bulk job %s: could not record its failure with an event", job_id)
        BulkJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
            status=JobStatus.FAILED, message=message, finished_at=timezone.now(), updated_at=timezone.now()
        )


def _source_drop_after_commit(job: BulkJob) -> None:
    """An import's stored rows (personal data) go once the job has ended for good."""
    if job.kind == JobKind.IMPORT and job.source_path:
        path = job.source_path
        transaction.on_commit(lambda: Path(path).unlink(missing_ok=True))


def import_job_run(*, job_id: str) -> None:
    """Runs (or resumes) an import to its end. Safe to call again at any moment."""
    job = _job_start(job_id)
    if job is None:
        return
    planner = _planner(job)
    strict = job.options.get("validation_level", ValidationLevel.STRICT) == ValidationLevel.STRICT
    try:
        if strict and job.cursor == 0:
            _strict_check(job, planner)
        for batch in _batches(job, job.cursor):
            if not _batch_write(job, planner, batch, strict=strict):
                return
    except _StrictRefusal as refusal:
        message = "Strict validation: the import was refused because of invalid rows; nothing was written."
        if refusal.written:  # rows changed between the check and the write (another writer meanwhile)
            message = f"Strict validation: invalid rows appeared while writing; the first {refusal.written} rows stay."
        _job_finish(
            job_id,
            status=JobStatus.FAILED,
            message=message,
            failed=refusal.failed,
            errors=refusal.errors[:ERRORS_SHOWN],
        )
        return
    except Exception:
        logger.exception("bulk import %s failed", job_id)
        _job_fail(job_id, "The import stopped on an internal error.")
        return
    _job_finish(job_id, status=JobStatus.COMPLETED)


def _strict_check(job: BulkJob, planner: ImportPlanner) -> None:
    """Every row planned, nothing written; raises `_StrictRefusal` with the bad rows."""
    errors: list[dict] = []
    failed = 0
    for batch in _batches(job, 0):
        with transaction.atomic():
            plan = planner.plan(batch, dry=True)
        failed += plan.failed
        BulkJob.objects.filter(pk=job.pk).update(validated=batch[-1][0], updated_at=timezone.now())
        if len(errors) < ERRORS_SHOWN:
            errors.extend(plan.errors)
    if failed:
        raise _StrictRefusal(errors, failed)
    planner.seen.clear()  # ids it planned were never written


def _batch_write(job: BulkJob, planner: ImportPlanner, batch: list, *, strict: bool) -> bool:
    """Writes one batch and moves the cursor, in one transaction. False: stop this run (the job
    was cancelled, or another worker has already written this batch)."""
    start = batch[0][0] - 1
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                locked = BulkJob.objects.select_for_update().get(pk=job.pk)
                if locked.status != JobStatus.RUNNING or locked.cursor != start:
                    return False
                plan = planner.plan(batch)
                if strict and plan.errors:
                    raise _StrictRefusal(plan.errors, plan.failed, written=start)
                plan_apply(planner=planner, plan=plan, job_id=job.pk)
                locked.cursor = start + len(batch)
                locked.processed = locked.cursor
                locked.created += plan.created
                locked.updated += plan.updated
                locked.skipped += plan.skipped
                locked.failed += plan.failed
                room = ERRORS_SHOWN - len(locked.errors)
                if room > 0 and plan.errors:
                    locked.errors = locked.errors + plan.errors[:room]
                locked.save(
                    update_fields=[
                        "cursor",
                        "processed",
                        "created",
                        "updated",
                        "skipped",
                        "failed",
                        "errors",
                        "updated_at",
                    ]
                )
                return True
        except IntegrityError:
            # A record that collides with this batch was written meanwhile (by the API): plan again.
            logger.warning("bulk import %s: batch at row %s collided, attempt %s", job.pk, start + 1, attempt)
            planner.seen.clear()
            if attempt == WRITE_ATTEMPTS:
                raise
    return False


# -- exports -----------------------------------------------------------------------------------
@transaction.atomic
def bulk_export_start(
    *,
    actor,
    resource: str,
    export_format: str,
    filters: dict | None,
    fields: list[str] | None,
    delivery: dict,
    scope: str,
) -> BulkJob:
    from apps.bulk.tasks import bulk_export_run

    export_columns(resource, fields)
    export_filters(resource, filters)
    job = BulkJob.objects.create(
        kind=JobKind.EXPORT,
        resource=resource,
        owner=actor,
        permission_scope=scope,
        options={"export_format": export_format, "filters": filters or {}, "fields": fields or []},
        delivery={key: value for key, value in delivery.items() if value is not None},
    )
    _queue(bulk_export_run, job.id)
    return job


def export_job_run(*, job_id: str) -> None:
    """Writes the whole file again from the start (an export is idempotent), then delivers it."""
    job = _job_start(job_id)
    if job is None:
        return
    options = job.options
    export_format = options["export_format"]
    columns = export_columns(job.resource, options.get("fields") or None)
    final = tenant_dir("exports") / f"{job.id}.{export_format}"
    # Each run writes its own file: a redelivered task may overlap a run still going.
    partial = final.with_suffix(f".{export_format}.{os.getpid()}-{uuid.uuid4().hex[:8]}.part")

    def progress(count: int) -> None:
        BulkJob.objects.filter(pk=job.id).update(processed=count, updated_at=timezone.now())

    try:
        queryset = export_queryset(
            resource=job.resource,
            filters=options.get("filters") or {},
            columns=columns,
            user=job.owner,
            scope=job.permission_scope,
            sheet_text=export_format == "csv",
        )
        with transaction.atomic(), open(partial, "wb") as handle:  # one snapshot, server-side cursor
            count = WRITERS[export_format](handle, [header for header, _ in columns], rows_stream(queryset), progress)
        os.replace(partial, final)
    except Exception:
        logger.exception("bulk export %s failed", job_id)
        Path(partial).unlink(missing_ok=True)
        _job_fail(job_id, "The export stopped on an internal error.")
        return
    _job_finish(
        job_id,
        status=JobStatus.COMPLETED,
        total=count,
        processed=count,
        result_path=str(final),
        result_size=final.stat().st_size,
        expires_at=timezone.now() + timedelta(days=EXPORT_DAYS),
    )
    if job.delivery.get("method") == DeliveryMethod.WEBHOOK:
        _deliver(job.id)


def _deliver(job_id: str) -> None:
    from apps.bulk.delivery import deliver

    job = BulkJob.objects.get(pk=job_id)
    outcome = deliver(job.delivery["webhook_url"], {"event_type": "bulk.export.completed", "job": job_data(job)})
    outcome["attempted_at"] = timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    BulkJob.objects.filter(pk=job_id).update(delivery={**job.delivery, "result": outcome})


def export_file(*, job: BulkJob) -> tuple[str, str, str]:
    """(path, content type, file name) of a finished export still within its 7 days."""
    if job.kind != JobKind.EXPORT or job.status != JobStatus.COMPLETED or not job.result_path:
        raise Conflict("This job has no file to download (yet).")
    if job.expires_at and job.expires_at <= timezone.now() or not Path(job.result_path).exists():
        raise NotFound("This export has expired; exports are kept for 7 days.")
    export_format = job.options["export_format"]
    return job.result_path, CONTENT_TYPES[export_format], f"{job.resource}-{job.id}.{export_format}"


def exports_purge() -> int:
    """Deletes export files past their 7 days (run per tenant)."""
    expired = BulkJob.objects.filter(kind=JobKind.EXPORT, expires_at__lte=timezone.now()).exclude(result_path="")
    count = 0
    for job in expired:
        Path(job.result_path).unlink(missing_ok=True)
        count += 1
    expired.update(result_path="")
    return count


# -- both --------------------------------------------------------------------------------------
def bulk_job_cancel(*, job: BulkJob) -> BulkJob:
    """Stops a queued or running job after its current batch; rows already committed stay."""
    with transaction.atomic():
        job = BulkJob.objects.select_for_update().get(pk=job.pk)
        if job.status in FINISHED:
            raise Conflict(f"The job is already {job.status}.")
        job.status, job.finished_at = JobStatus.CANCELLED, timezone.now()
        job.save(update_fields=["status", "finished_at", "updated_at"])
        _source_drop_after_commit(job)
    return job

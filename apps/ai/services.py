"""Writes: training jobs and trained models.

A training job trains both kinds of model on the tenant's outcomes. Jobs are queued by
`POST /v1/ai/models/train`, by the nightly beat entry and by themselves once RETRAIN_AFTER_OUTCOMES
outcomes (leads converted or disqualified, deals won or lost) have accrued since the last training
started: the event dispatcher hands each published batch to `ai_outcomes_observed`, which counts
only when the batch holds an outcome-bearing event. At most one job is queued or running per tenant
(a partial unique index): asking again answers the job already waiting.
"""

import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from apps.ai import factors as f
from apps.ai import learning
from apps.ai.choices import ACTIVE, JobStatus, JobTrigger, ModelKind
from apps.ai.models import TrainedModel, TrainingJob
from apps.ai.runtime import model_version
from apps.ai.selectors import deal_rows, lead_rows, outcomes_since_training
from apps.deals.models import Deal
from apps.events.types import EventType
from apps.leads.models import Lead

logger = logging.getLogger("crm.ai")

RETRAIN_AFTER_OUTCOMES = 50
STALE_JOB_HOURS = 2  # a job queued or running this long lost its worker: the nightly run fails it
OUTCOME_EVENTS = {EventType.LEAD_CONVERTED, EventType.LEAD_UPDATED, EventType.DEAL_STAGE_CHANGED}


def _active_job() -> TrainingJob | None:
    return TrainingJob.objects.filter(status__in=ACTIVE).first()


def training_request(*, trigger: str, actor=None) -> tuple[TrainingJob, bool]:
    """Queues a training job, or answers the one already queued or running. (job, created)"""
    existing = _active_job()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            job = TrainingJob.objects.create(
                trigger=trigger, requested_by=actor if getattr(actor, "pk", None) else None
            )
    except IntegrityError:  # another request queued one between our check and our insert
        return _active_job(), False
    from apps.ai.tasks import ai_train

    transaction.on_commit(lambda: ai_train.apply_async(args=[job.pk]))
    return job, True


def _train(kind: str, job: TrainingJob) -> dict:
    data_as_of = timezone.now()
    if kind == ModelKind.LEAD_SCORING:
        rows, base, group = lead_rows(Lead.objects.all(), now=data_as_of), f.LEAD_FACTORS, f.DEMOGRAPHIC
    else:
        rows, base, group = deal_rows(Deal.objects.all(), now=data_as_of), f.DEAL_FACTORS, ""
    try:
        fitted, metrics = learning.fit(rows, base=base, group=group)
    except learning.NotEnoughHistory as short:
        return {
            "type": "rules",
            "reason": str(short),
            "samples": {"positive": short.positives, "negative": short.negatives},
            "minimum_per_class": learning.MIN_PER_CLASS,
        }
    with transaction.atomic():
        version = (TrainedModel.objects.filter(kind=kind).aggregate(v=Max("version"))["v"] or 0) + 1
        TrainedModel.objects.filter(kind=kind, is_current=True).update(is_current=False)
        model = TrainedModel.objects.create(
            kind=kind,
            version=version,
            is_current=True,
            trained_at=timezone.now(),
            data_as_of=data_as_of,
            positive_samples=metrics.pop("positives"),
            negative_samples=metrics.pop("negatives"),
            metrics=metrics,
            features=sorted(fitted.catalog),
            algorithm=learning.ALGORITHM,
            blob=learning.dumps(fitted),
            job=job,
        )
    return {
        "type": "trained",
        "model_id": model.pk,
        "version": model_version(model),
        "samples": {"positive": model.positive_samples, "negative": model.negative_samples},
        "metrics": model.metrics,
    }


def training_run(*, job_id: str) -> None:
    """Runs a queued job (a redelivered one that was running runs again: training is repeatable)."""
    with transaction.atomic():
        job = TrainingJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status not in ACTIVE:
            return
        job.status, job.started_at = JobStatus.RUNNING, timezone.now()
        job.save(update_fields=["status", "started_at"])
    try:
        results = {kind: _train(kind, job) for kind in ModelKind.values}
    except Exception as exc:
        logger.exception("ai: training job %s failed", job_id)
        TrainingJob.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED, message=f"{type(exc).__name__}: {exc}"[:2000], finished_at=timezone.now()
        )
        return
    TrainingJob.objects.filter(pk=job_id).update(
        status=JobStatus.COMPLETED, results=results, finished_at=timezone.now()
    )


def training_nightly() -> TrainingJob:
    """Beat, nightly per tenant: fails jobs whose worker was lost, then queues a training."""
    stale = timezone.now() - timedelta(hours=STALE_JOB_HOURS)
    TrainingJob.objects.filter(status__in=ACTIVE, created_at__lt=stale).update(
        status=JobStatus.FAILED, message="No worker finished this job.", finished_at=timezone.now()
    )
    job, _ = training_request(trigger=JobTrigger.NIGHTLY)
    return job


def training_if_due() -> TrainingJob | None:
    """Queues a training once RETRAIN_AFTER_OUTCOMES outcomes accrued since the last one."""
    if _active_job() is not None or outcomes_since_training() < RETRAIN_AFTER_OUTCOMES:
        return None
    job, created = training_request(trigger=JobTrigger.OUTCOMES)
    return job if created else None


def ai_outcomes_observed(event_types: list[str]) -> TrainingJob | None:
    """Called by the event dispatcher with the types of each batch it published."""
    if not OUTCOME_EVENTS.intersection(event_types):
        return None
    try:
        return training_if_due()
    except Exception:  # never in the way of publication: the nightly run trains anyway
        logger.exception("ai: could not check the outcomes accrued since the last training")
        return None

"""How training jobs and trained models read in the API (snake_case, like the design's AI section)."""

from apps.ai.models import TrainedModel, TrainingJob
from apps.ai.runtime import model_version


def _iso(value) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def job_data(job: TrainingJob) -> dict:
    return {
        "job_id": job.id,
        "type": "ai_training",
        "status": job.status,
        "trigger": job.trigger,
        "results": job.results or None,
        "message": job.message or None,
        "created_at": _iso(job.created_at),
        "started_at": _iso(job.started_at),
        "completed_at": _iso(job.finished_at),
        "status_url": f"/v1/ai/models/jobs/{job.id}",
    }


def model_data(model: TrainedModel) -> dict:
    return {
        "id": model.id,
        "kind": model.kind,
        "type": "trained",
        "version": model_version(model),
        "is_current": model.is_current,
        "trained_at": _iso(model.trained_at),
        "data_as_of": _iso(model.data_as_of),
        "samples": {
            "positive": model.positive_samples,
            "negative": model.negative_samples,
            "total": model.positive_samples + model.negative_samples,
        },
        "metrics": model.metrics,
        "features": model.features,
        "algorithm": model.algorithm,
        "job_id": model.job_id,
    }

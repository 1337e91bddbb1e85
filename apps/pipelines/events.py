"""Payloads of `pipeline.changed`: what changed, on which pipeline and stage."""

from apps.pipelines.models import Pipeline, Stage


def stage_event_data(stage: Stage) -> dict:
    return {
        "id": stage.pk,
        "name": stage.name,
        "slug": stage.slug,
        "order": stage.order,
        "probability": stage.probability,
        "type": stage.stage_type,
    }


def pipeline_changed_data(pipeline: Pipeline, change: str, *, stage: Stage | None = None, **extra) -> dict:
    data = {"pipeline": {"id": pipeline.pk, "name": pipeline.name}, "change": change, **extra}
    if stage is not None:
        data["stage"] = stage_event_data(stage)
    return data

"""Writes on pipelines and their stages. Every change emits `pipeline.changed`."""

import re
from typing import Any

from django.db import transaction
from django.db.models import Max

from apps.core.errors import Conflict, ValidationFailed
from apps.events.services import event_emit
from apps.events.types import EventType
from apps.pipelines.automation_rules import automation_rules_clean
from apps.pipelines.choices import StageType
from apps.pipelines.events import pipeline_changed_data
from apps.pipelines.models import Pipeline, Stage

WON_SLUGS = {"closed_won", "won"}
LOST_SLUGS = {"closed_lost", "lost"}


def stage_slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def stage_type_infer(*, name: str, probability: int, explicit: str | None = None) -> str:
    """An explicit type wins; else "Closed Won" or 100 % is won, "Closed Lost" is lost, the rest open."""
    if explicit:
        return explicit
    slug = stage_slugify(name)
    if slug in LOST_SLUGS:
        return StageType.LOST
    if slug in WON_SLUGS or probability == 100:
        return StageType.WON
    return StageType.OPEN


def _check_stage(*, name: str, probability: int, stage_type: str | None, path: str) -> dict[str, str]:
    errors = {}
    if not stage_slugify(name or ""):
        errors[f"{path}name"] = "A stage needs a name with at least one letter or digit."
    if not isinstance(probability, int) or isinstance(probability, bool) or not 0 <= probability <= 100:
        errors[f"{path}probability"] = "The probability is a whole number from 0 to 100."
    if stage_type is not None and stage_type not in StageType.values:
        errors[f"{path}type"] = f"The type is one of {', '.join(StageType.values)}."
    return errors


def _emit(pipeline: Pipeline, change: str, actor, **extra) -> None:
    event_emit(
        EventType.PIPELINE_CHANGED,
        data=pipeline_changed_data(pipeline, change, **extra),
        record_id=pipeline.pk,
        actor=actor,
    )


@transaction.atomic
def pipeline_create(
    *, name: str, stages: list[dict[str, Any]], actor, description: str = "", is_default: bool = False
) -> Pipeline:
    """`stages`: dicts with name, order, probability and optional type (inferred when absent)."""
    if not stages:
        raise ValidationFailed({"stages": "A pipeline needs at least one stage."})
    errors: dict[str, str] = {}
    seen_slugs: dict[str, int] = {}
    seen_orders: set[int] = set()
    for index, spec in enumerate(stages):
        path = f"stages[{index}]."
        errors.update(
            _check_stage(
                name=spec.get("name", ""),
                probability=spec.get("probability", 0),
                stage_type=spec.get("type"),
                path=path,
            )
        )
        slug = stage_slugify(spec.get("name", ""))
        if slug and slug in seen_slugs:
            errors[f"{path}name"] = f"Two stages are named '{spec['name']}'."
        seen_slugs[slug] = index
        order = spec.get("order", index + 1)
        if order in seen_orders:
            errors[f"{path}order"] = f"Two stages have order {order}."
        seen_orders.add(order)
    if errors:
        raise ValidationFailed(errors)
    pipeline = Pipeline.objects.create(name=name, description=description, is_default=False)
    ordered = sorted(enumerate(stages), key=lambda item: (item[1].get("order", item[0] + 1), item[0]))
    Stage.objects.bulk_create(
        Stage(
            pipeline=pipeline,
            name=spec["name"].strip(),
            slug=stage_slugify(spec["name"]),
            order=position,
            probability=spec.get("probability", 0),
            stage_type=stage_type_infer(
                name=spec["name"], probability=spec.get("probability", 0), explicit=spec.get("type")
            ),
        )
        for position, (_, spec) in enumerate(ordered, start=1)
    )
    if is_default:
        _make_default(pipeline)
    _emit(pipeline, "created", actor)
    return pipeline


def _make_default(pipeline: Pipeline) -> None:
    Pipeline.objects.filter(is_default=True).exclude(pk=pipeline.pk).update(is_default=False)
    pipeline.is_default = True
    pipeline.save(update_fields=["is_default", "updated_at"])


@transaction.atomic
def pipeline_update(*, pipeline: Pipeline, data: dict[str, Any], actor) -> Pipeline:
    for field in ("name", "description"):
        if field in data:
            setattr(pipeline, field, data[field])
    pipeline.save()
    if data.get("is_default") is True:
        _make_default(pipeline)
    elif data.get("is_default") is False and pipeline.is_default:
        raise ValidationFailed({"isDefault": "Make another pipeline the default instead."})
    _emit(pipeline, "updated", actor)
    return pipeline


@transaction.atomic
def pipeline_delete(*, pipeline: Pipeline, actor) -> None:
    from apps.deals.models import Deal

    if pipeline.is_default:
        raise Conflict("The default pipeline cannot be deleted; make another one the default first.")
    if Deal.all_objects.filter(pipeline=pipeline).exists():
        raise Conflict("This pipeline holds deals (some may be in the trash); move or purge them first.")
    _emit(pipeline, "deleted", actor)
    pipeline.delete()


def _renumber(pipeline: Pipeline, ordered: list[Stage]) -> None:
    for position, stage in enumerate(ordered, start=1):
        stage.order = position
    Stage.objects.bulk_update(ordered, ["order"])


@transaction.atomic
def stage_add(
    *,
    pipeline: Pipeline,
    name: str,
    probability: int = 0,
    stage_type: str | None = None,
    order: int | None = None,
    actor,
) -> Stage:
    """Adds a stage; `order` inserts it at that position (1-based), else it goes last."""
    errors = _check_stage(name=name, probability=probability, stage_type=stage_type, path="")
    if errors:
        raise ValidationFailed(errors)
    Pipeline.objects.select_for_update().filter(pk=pipeline.pk).first()
    slug = stage_slugify(name)
    if pipeline.stages.filter(slug=slug).exists():
        raise Conflict(f"This pipeline already has a stage named '{name}'.", field="name")
    stages = list(pipeline.stages.order_by("order"))
    position = len(stages) + 1 if order is None else max(1, min(order, len(stages) + 1))
    stage = Stage(
        pipeline=pipeline,
        name=name.strip(),
        slug=slug,
        order=(pipeline.stages.aggregate(top=Max("order"))["top"] or 0) + 1,
        probability=probability,
        stage_type=stage_type_infer(name=name, probability=probability, explicit=stage_type),
    )
    stage.save()
    stages.insert(position - 1, stage)
    _renumber(pipeline, stages)
    _emit(pipeline, "stage_added", actor, stage=stage)
    return stage


@transaction.atomic
def stage_update(*, stage: Stage, data: dict[str, Any], actor) -> Stage:
    """`data`: name, probability, type, automation_rules (the design's shape, replaces the rules)."""
    errors = _check_stage(
        name=data.get("name", stage.name),
        probability=data.get("probability", stage.probability),
        stage_type=data.get("type"),
        path="",
    )
    if errors:
        raise ValidationFailed(errors)
    if "name" in data:
        slug = stage_slugify(data["name"])
        if Stage.objects.filter(pipeline_id=stage.pipeline_id, slug=slug).exclude(pk=stage.pk).exists():
            raise Conflict(f"This pipeline already has a stage named '{data['name']}'.", field="name")
        stage.name, stage.slug = data["name"].strip(), slug
    if "probability" in data:
        stage.probability = data["probability"]
    if "type" in data:
        stage.stage_type = data["type"]
    if "automation_rules" in data:
        stage.automation_rules = automation_rules_clean(data["automation_rules"], field="automationRules")
    stage.save()
    _emit(stage.pipeline, "stage_updated", actor, stage=stage)
    return stage


@transaction.atomic
def stage_automation_set(*, stage: Stage, rules: list, actor) -> Stage:
    """Replaces the stage's automation rules."""
    stage.automation_rules = automation_rules_clean(rules, field="rules")
    stage.save(update_fields=["automation_rules", "updated_at"])
    _emit(stage.pipeline, "automation_updated", actor, stage=stage, rule_ids=[r["id"] for r in stage.automation_rules])
    return stage


@transaction.atomic
def stages_reorder(*, pipeline: Pipeline, stage_ids: list[str], actor) -> list[Stage]:
    """`stage_ids` lists every stage of the pipeline, once, in the new order."""
    stages = {stage.pk: stage for stage in pipeline.stages.select_for_update()}
    if sorted(stage_ids) != sorted(stages) or len(set(stage_ids)) != len(stage_ids):
        raise ValidationFailed({"stageIds": "List every stage id of this pipeline exactly once."})
    ordered = [stages[stage_id] for stage_id in stage_ids]
    _renumber(pipeline, ordered)
    _emit(pipeline, "stages_reordered", actor, stage_ids=stage_ids)
    return ordered


@transaction.atomic
def stage_remove(*, stage: Stage, target_stage: Stage | None = None, actor) -> None:
    """Removes a stage. Deals in it (trashed ones too) move to `target_stage`, which is then required."""
    from apps.deals.models import Deal
    from apps.deals.services import deals_move_all

    pipeline = stage.pipeline
    remaining = list(pipeline.stages.exclude(pk=stage.pk).order_by("order"))
    if not remaining:
        raise Conflict("A pipeline keeps at least one stage.")
    if target_stage is not None and (target_stage.pipeline_id != pipeline.pk or target_stage.pk == stage.pk):
        raise ValidationFailed({"targetStageId": "The target is another stage of the same pipeline."})
    if Deal.all_objects.filter(stage=stage).exists():
        if target_stage is None:
            raise Conflict(
                "This stage holds deals: name a targetStageId of the same pipeline to move them to.",
                field="targetStageId",
            )
        deals_move_all(from_stage=stage, to_stage=target_stage, actor=actor, reason=f"Stage '{stage.name}' removed")
    _emit(pipeline, "stage_removed", actor, stage=stage, target_stage_id=getattr(target_stage, "pk", None))
    stage.delete()
    _renumber(pipeline, remaining)

"""Reads on pipelines: stage lookups by id, name or slug, and per-stage deal figures."""

from django.db.models import Count, Q, QuerySet, Sum

from apps.core.errors import ValidationFailed
from apps.pipelines.models import Pipeline, Stage


def _stage_q(ref: str) -> Q:
    from apps.pipelines.services import stage_slugify

    return Q(pk=ref) | Q(slug=stage_slugify(ref)) | Q(name__iexact=ref.strip())


def stages_matching(ref: str, *, pipeline_id: str | None = None) -> QuerySet[Stage]:
    """Stages named by `ref` (id, case-insensitive name or slug), in one pipeline or in any."""
    queryset = Stage.objects.filter(_stage_q(ref))
    return queryset.filter(pipeline_id=pipeline_id) if pipeline_id else queryset


def stage_resolve(*, pipeline: Pipeline, ref: "str | Stage", field: str = "stage") -> Stage:
    """The stage of `pipeline` that `ref` names, or VALIDATION_ERROR on `field`."""
    if isinstance(ref, Stage):
        if ref.pipeline_id != pipeline.pk:
            raise ValidationFailed({field: f"Stage '{ref.name}' is not in pipeline '{pipeline.name}'."})
        return ref
    stage = stages_matching(str(ref), pipeline_id=pipeline.pk).order_by("order").first() if ref else None
    if stage is None:
        names = ", ".join(pipeline.stages.order_by("order").values_list("slug", flat=True))
        raise ValidationFailed({field: f"No stage '{ref}' in pipeline '{pipeline.name}'. Stages: {names}."})
    return stage


def stage_deal_figures(stage_ids: list[str]) -> dict[str, dict]:
    """Live deals per stage: count and value in the tenant currency, one query for all stages."""
    from apps.deals.models import Deal
    from apps.reports.currency import converted, money

    rows = (
        Deal.objects.filter(stage_id__in=stage_ids)
        .values("stage_id")
        .annotate(count=Count("pk"), total=Sum(converted()))
        .order_by()
    )
    return {row["stage_id"]: {"dealCount": row["count"], "stageValue": money(row["total"])} for row in rows}

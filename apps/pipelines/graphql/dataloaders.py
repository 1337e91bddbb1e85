"""Batched reads of pipelines and their stages."""

from apps.core.graphql.dataloaders import DataLoader, group_by
from apps.pipelines.models import Pipeline, Stage


class PipelineByIdLoader(DataLoader):
    """A deal's pipeline: whoever may read the deal may read its pipeline's name and stages."""

    def batch_load(self, keys: list) -> list:
        found = Pipeline.objects.in_bulk(set(keys))
        return [found.get(key) for key in keys]


class StagesByPipelineLoader(DataLoader):
    def batch_load(self, keys: list) -> list:
        stages = Stage.objects.filter(pipeline_id__in=keys).order_by("pipeline_id", "order")
        grouped = group_by(stages, lambda stage: stage.pipeline_id)
        return [grouped.get(key, []) for key in keys]

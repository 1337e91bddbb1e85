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


class StageByIdLoader(DataLoader):
    """Stages by id (whoever may read a pipeline may read its stages)."""

    def batch_load(self, keys: list) -> list:
        found = Stage.objects.in_bulk(set(keys))
        return [found.get(key) for key in keys]


class StageFiguresLoader(DataLoader):
    """Live deals per stage, count and value (the figures REST shows on each stage)."""

    def batch_load(self, keys: list) -> list:
        from apps.pipelines.selectors import stage_deal_figures

        figures = stage_deal_figures(list(keys))
        return [figures.get(key, {"dealCount": 0, "stageValue": 0.0}) for key in keys]


class PipelineAnalyticsLoader(DataLoader):
    """This year's analytics of each pipeline, as `/v1/pipelines/{id}/analytics?period=year`
    answers them; None for callers who may not read reports."""

    def batch_load(self, keys: list) -> list:
        from apps.core.errors import DomainError
        from apps.core.graphql.rest_bridge import rest_call

        results = []
        for key in keys:
            try:
                results.append(rest_call(self.info, "GET", f"/v1/pipelines/{key}/analytics", query={"period": "year"}))
            except DomainError:
                results.append(None)
        return results

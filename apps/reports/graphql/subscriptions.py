"""Subscriptions to pipeline figures: `pipelineMetricsUpdated`."""

import graphene

from apps.core.graphql.permissions import require_any
from apps.core.graphql.subscriptions import event_record_id
from apps.events.types import EventType
from apps.reports.graphql.gateway import pipeline_metrics
from apps.reports.graphql.types import PipelineMetrics

# A deal entering, leaving, moving in or changing value changes its pipeline's figures.
FIGURE_CHANGES = (
    EventType.DEAL_CREATED,
    EventType.DEAL_UPDATED,
    EventType.DEAL_STAGE_CHANGED,
    EventType.DEAL_DELETED,
    EventType.PIPELINE_CHANGED,
)


class ReportSubscriptions(graphene.ObjectType):
    pipeline_metrics_updated = graphene.Field(
        PipelineMetrics,
        pipeline_id=graphene.ID(required=True),
        description="This pipeline's live figures, each time one of its deals changes.",
    )

    async def subscribe_pipeline_metrics_updated(root, info, pipeline_id):
        from apps.pipelines.graphql.queries import PIPELINE_READERS

        require_any(info, *PIPELINE_READERS)
        async for event in info.context.events(*FIGURE_CHANGES):
            yield event

    def resolve_pipeline_metrics_updated(event, info, pipeline_id):
        from apps.deals.models import Deal
        from apps.pipelines.models import Pipeline

        if event["event_type"] == EventType.PIPELINE_CHANGED:
            concerned = event_record_id(event, "pipe") == pipeline_id
        else:
            deal_id = event_record_id(event, "deal")
            concerned = Deal.all_objects.filter(pk=deal_id, pipeline_id=pipeline_id).exists()
        pipeline = Pipeline.objects.filter(pk=pipeline_id).first() if concerned else None
        return pipeline_metrics(pipeline) if pipeline else None

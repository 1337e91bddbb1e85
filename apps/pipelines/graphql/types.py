"""`Pipeline` and `PipelineStage`."""

import graphene
from graphene_federation import key

from apps.activities.graphql.types import AutomationRule
from apps.core.graphql.connections import connection_field
from apps.core.graphql.dataloaders import load_page, then
from apps.core.graphql.permissions import require_any
from apps.core.graphql.scalars import DateTime, OptionalText
from apps.deals.graphql.dataloaders import DealPageLoader
from apps.deals.graphql.filters import DealFilter, DealSortInput
from apps.deals.graphql.types import DealConnection
from apps.pipelines.graphql.dataloaders import (
    PipelineAnalyticsLoader,
    StageFiguresLoader,
    StagesByPipelineLoader,
)
from apps.pipelines.models import Pipeline as PipelineModel


def deals_field(description: str):
    return connection_field(DealConnection, description=description, filter_input=DealFilter, sort_input=DealSortInput)


def _figure(name: str):
    return lambda analytics: (analytics or {}).get(name)


class PipelineStageType(graphene.ObjectType):
    """One step of a pipeline."""

    class Meta:
        name = "PipelineStage"

    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    slug = graphene.String(required=True, description="The name in lower case with underscores, e.g. `closed_won`.")
    order = graphene.Int(required=True)
    probability = graphene.Int(required=True, description="Chance of winning a deal in this stage, in percent.")
    stage_type = graphene.String(required=True, description="open, won or lost.")
    automation_rules = graphene.List(graphene.NonNull(AutomationRule), required=True)
    deals = deals_field("Deals in this stage.")

    deal_count = graphene.Int(required=True, description="Live deals in the stage.")
    stage_value = graphene.Float(required=True, description="Their value, in the tenant currency.")
    average_time_in_stage = graphene.Float(
        description="Days deals spent in the stage (moves out of it this year); null without reports access."
    )

    def resolve_deal_count(stage, info):
        return then(StageFiguresLoader.for_request(info).load(stage.pk), lambda figures: figures["dealCount"])

    def resolve_stage_value(stage, info):
        return then(StageFiguresLoader.for_request(info).load(stage.pk), lambda figures: figures["stageValue"])

    def resolve_average_time_in_stage(stage, info):
        def pick(analytics):
            rows = (analytics or {}).get("stages") or []
            return next((row["averageTimeInStage"] for row in rows if row["stage"]["id"] == stage.pk), None)

        return then(PipelineAnalyticsLoader.for_request(info).load(stage.pipeline_id), pick)

    def resolve_automation_rules(stage, info):
        return [AutomationRule.from_json(rule) for rule in stage.automation_rules or []]

    def resolve_deals(stage, info, **arguments):
        return load_page(info, DealPageLoader, "stage_id", stage.pk, arguments)


@key("id")
class PipelineType(graphene.ObjectType):
    """The stages deals move through, in order."""

    class Meta:
        name = "Pipeline"
        possible_types = (PipelineModel,)

    def __resolve_reference(self, info, **kwargs):
        """A federated gateway's reference `{__typename: "Pipeline", id}`, resolved to the record."""
        from apps.pipelines.graphql.dataloaders import PipelineByIdLoader
        from apps.pipelines.graphql.queries import PIPELINE_READERS

        require_any(info, *PIPELINE_READERS)
        return PipelineByIdLoader.for_request(info).load(self.id)

    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    description = OptionalText()
    is_default = graphene.Boolean(required=True)
    stages = graphene.List(graphene.NonNull(PipelineStageType), required=True)
    deals = deals_field("Deals in this pipeline.")
    created_at = DateTime(required=True)
    updated_at = DateTime(required=True)

    total_value = graphene.Float(description="Value of the live deals in its open stages (tenant currency).")
    average_deal_size = graphene.Float(description="Average won deal this year; null until one is won.")
    conversion_rate = graphene.Float(description="Won / closed this year, in percent.")
    average_sales_cycle = graphene.Float(description="Days from creation to won, this year.")

    def resolve_total_value(pipeline, info):
        def open_value(analytics):
            if analytics is None:
                return None
            return sum(row["value"] or 0 for row in analytics["stages"] if row["stage"].get("type") == "open")

        return then(PipelineAnalyticsLoader.for_request(info).load(pipeline.pk), open_value)

    def resolve_average_deal_size(pipeline, info):
        return then(PipelineAnalyticsLoader.for_request(info).load(pipeline.pk), _figure("averageDealSize"))

    def resolve_conversion_rate(pipeline, info):
        return then(PipelineAnalyticsLoader.for_request(info).load(pipeline.pk), _figure("winRate"))

    def resolve_average_sales_cycle(pipeline, info):
        return then(PipelineAnalyticsLoader.for_request(info).load(pipeline.pk), _figure("averageSalesCycle"))

    def resolve_stages(pipeline, info):
        return StagesByPipelineLoader.for_request(info).load(pipeline.pk)

    def resolve_deals(pipeline, info, **arguments):
        return load_page(info, DealPageLoader, "pipeline_id", pipeline.pk, arguments)

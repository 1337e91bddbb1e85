"""`Pipeline` and `PipelineStage`."""

import graphene
from graphene_federation import key

from apps.activities.graphql.types import AutomationRule
from apps.core.graphql.connections import connection_field
from apps.core.graphql.dataloaders import load_page
from apps.core.graphql.permissions import require_any
from apps.core.graphql.scalars import DateTime
from apps.deals.graphql.dataloaders import DealPageLoader
from apps.deals.graphql.filters import DealFilter, DealSortInput
from apps.deals.graphql.types import DealConnection
from apps.pipelines.graphql.dataloaders import StagesByPipelineLoader
from apps.pipelines.models import Pipeline as PipelineModel


def deals_field(description: str):
    return connection_field(DealConnection, description=description, filter_input=DealFilter, sort_input=DealSortInput)


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
    description = graphene.String()
    is_default = graphene.Boolean(required=True)
    stages = graphene.List(graphene.NonNull(PipelineStageType), required=True)
    deals = deals_field("Deals in this pipeline.")
    created_at = DateTime(required=True)
    updated_at = DateTime(required=True)

    def resolve_stages(pipeline, info):
        return StagesByPipelineLoader.for_request(info).load(pipeline.pk)

    def resolve_deals(pipeline, info, **arguments):
        return load_page(info, DealPageLoader, "pipeline_id", pipeline.pk, arguments)

"""Root queries of pipelines: `pipeline`, `pipelines`."""

import graphene

from apps.core.graphql.permissions import scoped
from apps.core.graphql.queries import record_by_id
from apps.pipelines.graphql.types import PipelineType
from apps.pipelines.models import Pipeline


class PipelineQueries(graphene.ObjectType):
    pipeline = graphene.Field(PipelineType, id=graphene.ID(required=True), description="A pipeline by id.")
    pipelines = graphene.List(graphene.NonNull(PipelineType), required=True, description="Every pipeline.")

    def resolve_pipeline(root, info, id):
        return record_by_id(info, Pipeline.objects.all(), id, resource="pipelines", owner_field=None)

    def resolve_pipelines(root, info):
        return list(scoped(info, Pipeline.objects.all(), "pipelines", owner_field=None).order_by("-is_default", "name"))

"""Root queries of pipelines: `pipeline`, `pipelines`."""

import graphene

from apps.core.graphql.permissions import require_any
from apps.pipelines.graphql.types import PipelineType
from apps.pipelines.models import Pipeline

# Whoever works deals may read the pipelines they move through (as REST).
PIPELINE_READERS = ("pipelines:read", "deals:read")


class PipelineQueries(graphene.ObjectType):
    pipeline = graphene.Field(PipelineType, id=graphene.ID(required=True), description="A pipeline by id.")
    pipelines = graphene.List(graphene.NonNull(PipelineType), required=True, description="Every pipeline.")

    def resolve_pipeline(root, info, id):
        require_any(info, *PIPELINE_READERS)
        return Pipeline.objects.filter(pk=id).first()

    def resolve_pipelines(root, info):
        require_any(info, *PIPELINE_READERS)
        return list(Pipeline.objects.order_by("-is_default", "name"))

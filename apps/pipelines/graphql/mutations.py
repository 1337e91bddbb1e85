"""Mutations of pipelines: `createPipeline`, `updatePipelineStage` (REST's actions)."""

import graphene

from apps.core.graphql.mutations import Payload, RestMutation, record_payload, rest_body
from apps.core.graphql.scalars import JSON
from apps.pipelines.graphql.types import PipelineStageType, PipelineType
from apps.pipelines.models import Pipeline, Stage


class StageInput(graphene.InputObjectType):
    """One stage of a new pipeline."""

    name = graphene.String(required=True)
    order = graphene.Int()
    probability = graphene.Int()
    type = graphene.String(description="open (default), won or lost.")


class CreatePipelineInput(graphene.InputObjectType):
    """A new pipeline and its stages, in order (the design's REST body)."""

    name = graphene.String(required=True)
    description = graphene.String()
    stages = graphene.List(graphene.NonNull(StageInput), required=True)


class UpdateStageInput(graphene.InputObjectType):
    """The stage fields to change."""

    name = graphene.String()
    order = graphene.Int()
    probability = graphene.Int()
    automation_rules = JSON(description="The design's automation rules, e.g. create a task on entry.")


class PipelinePayload(Payload):
    pipeline = graphene.Field(PipelineType)


class StagePayload(Payload):
    stage = graphene.Field(PipelineStageType)


class CreatePipeline(RestMutation):
    """Creates a pipeline with its stages (as `POST /v1/pipelines`)."""

    Output = PipelinePayload

    class Arguments:
        input = CreatePipelineInput(required=True)

    @classmethod
    def rest_request(cls, *, input):
        return "POST", "/v1/pipelines", rest_body(input)

    @classmethod
    def payload(cls, info, data, **arguments):
        return record_payload(PipelinePayload, "pipeline", Pipeline.objects.all(), data)


class UpdatePipelineStage(RestMutation):
    """Changes a stage (as `PUT /v1/pipelines/{pipelineId}/stages/{stageId}`)."""

    Output = StagePayload

    class Arguments:
        pipeline_id = graphene.ID(required=True)
        stage_id = graphene.ID(required=True)
        input = UpdateStageInput(required=True)

    @classmethod
    def rest_request(cls, *, pipeline_id, stage_id, input):
        return "PUT", f"/v1/pipelines/{pipeline_id}/stages/{stage_id}", rest_body(input)

    @classmethod
    def payload(cls, info, data, **arguments):
        return record_payload(StagePayload, "stage", Stage.objects.all(), data)


class PipelineMutations(graphene.ObjectType):
    create_pipeline = CreatePipeline.Field()
    update_pipeline_stage = UpdatePipelineStage.Field()

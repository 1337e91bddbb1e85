"""Mutations of deals: `createDeal`, `updateDeal`, `moveDealStage` (REST's actions)."""

import graphene

from apps.core.graphql.mutations import Payload, RestMutation, record_payload, rest_body
from apps.core.graphql.scalars import JSON, DateTime
from apps.deals.graphql.types import DealType
from apps.deals.models import Deal


def _deal_fields(required: bool) -> dict:
    return {
        "title": graphene.String(required=required),
        "value": graphene.Float(required=required),
        "currency": graphene.String(),
        "stage": graphene.String(description="A stage of the pipeline: its id, name or slug."),
        "pipeline_id": graphene.ID(description="The default pipeline when not given."),
        "contact_id": graphene.ID(),
        "account_id": graphene.ID(),
        "owner_id": graphene.ID(),
        "expected_close_date": DateTime(),
        "probability": graphene.Int(),
        "description": graphene.String(),
        "custom_fields": JSON(description="Values of the tenant's custom fields for deals."),
    }


CreateDealInput = type("CreateDealInput", (graphene.InputObjectType,), _deal_fields(True))
UpdateDealInput = type(
    "UpdateDealInput",
    (graphene.InputObjectType,),
    {"Meta": type("Meta", (), {"description": "The fields to change; the others stay."}), **_deal_fields(False)},
)


class DealPayload(Payload):
    """The deal created, changed or moved (null when `errors` says why not)."""

    deal = graphene.Field(DealType)


def _deal_payload(data):
    return record_payload(DealPayload, "deal", Deal.objects.select_related("stage"), data)


class CreateDeal(RestMutation):
    """Creates a deal (as `POST /v1/deals`)."""

    Output = DealPayload

    class Arguments:
        input = CreateDealInput(required=True)

    @classmethod
    def rest_request(cls, *, input):
        return "POST", "/v1/deals", rest_body(input)

    @classmethod
    def payload(cls, info, data, **arguments):
        return _deal_payload(data)


class UpdateDeal(RestMutation):
    """Changes the fields given (as `PATCH /v1/deals/{id}`); a new `stage` moves the deal."""

    Output = DealPayload

    class Arguments:
        id = graphene.ID(required=True)
        input = UpdateDealInput(required=True)

    @classmethod
    def rest_request(cls, *, id, input):
        return "PATCH", f"/v1/deals/{id}", rest_body(input)

    @classmethod
    def payload(cls, info, data, **arguments):
        return _deal_payload(data)


class MoveDealStage(RestMutation):
    """Moves a deal to another stage of its pipeline (as `POST /v1/deals/{id}/move-stage`)."""

    Output = DealPayload

    class Arguments:
        deal_id = graphene.ID(required=True)
        stage_id = graphene.ID(required=True, description="The stage: its id (or name, or slug).")
        reason = graphene.String()

    @classmethod
    def rest_request(cls, *, deal_id, stage_id, reason=None):
        return "POST", f"/v1/deals/{deal_id}/move-stage", {"newStage": stage_id, "reason": reason or ""}

    @classmethod
    def payload(cls, info, data, **arguments):
        return _deal_payload(data)


class DealMutations(graphene.ObjectType):
    create_deal = CreateDeal.Field()
    update_deal = UpdateDeal.Field()
    move_deal_stage = MoveDealStage.Field()

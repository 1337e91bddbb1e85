"""Subscriptions to deals: `dealUpdated`, `dealStageChanged`."""

import graphene

from apps.core.graphql.permissions import quietly_scoped, require
from apps.core.graphql.subscriptions import event_record_id
from apps.deals.graphql.types import DealStageChangeType, DealType
from apps.deals.models import Deal, DealStageChange
from apps.events.types import EventType

DEAL_CHANGES = (EventType.DEAL_CREATED, EventType.DEAL_UPDATED, EventType.DEAL_STAGE_CHANGED)


def _deal_of(info, event, *, deal_id=None, pipeline_id=None):
    """The deal an event is about, if the subscriber may read it and it matches the arguments."""
    record_id = event_record_id(event, "deal")
    if record_id is None or (deal_id and record_id != deal_id):
        return None
    deal = quietly_scoped(info, Deal.objects.select_related("stage"), "deals").filter(pk=record_id).first()
    if deal is None or (pipeline_id and deal.pipeline_id != pipeline_id):
        return None
    return deal


class DealSubscriptions(graphene.ObjectType):
    deal_updated = graphene.Field(
        DealType,
        pipeline_id=graphene.ID(description="Only deals of this pipeline."),
        description="A deal you may read was created or changed (its stage included).",
    )
    deal_stage_changed = graphene.Field(
        DealStageChangeType,
        deal_id=graphene.ID(description="Only this deal."),
        pipeline_id=graphene.ID(description="Only deals of this pipeline."),
        description="A deal you may read moved to another stage.",
    )

    async def subscribe_deal_updated(root, info, pipeline_id=None):
        require(info, "deals:read")
        async for event in info.context.events(*DEAL_CHANGES):
            yield event

    def resolve_deal_updated(event, info, pipeline_id=None):
        return _deal_of(info, event, pipeline_id=pipeline_id)

    async def subscribe_deal_stage_changed(root, info, deal_id=None, pipeline_id=None):
        require(info, "deals:read")
        async for event in info.context.events(EventType.DEAL_STAGE_CHANGED):
            yield event

    def resolve_deal_stage_changed(event, info, deal_id=None, pipeline_id=None):
        deal = _deal_of(info, event, deal_id=deal_id, pipeline_id=pipeline_id)
        if deal is None:
            return None
        return (
            DealStageChange.objects.filter(deal=deal)
            .select_related("from_stage", "to_stage")
            .order_by("-created_at", "-pk")
            .first()
        )

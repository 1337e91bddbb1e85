"""Subscriptions to leads: `leadScoreChanged`."""

import graphene

from apps.core.graphql.permissions import quietly_scoped, require
from apps.core.graphql.subscriptions import event_record_id
from apps.events.types import EventType
from apps.leads.graphql.queries import lead_score
from apps.leads.graphql.types import LeadScore
from apps.leads.models import Lead


class LeadSubscriptions(graphene.ObjectType):
    lead_score_changed = graphene.Field(
        LeadScore, lead_id=graphene.ID(required=True), description="This lead's score changed."
    )

    async def subscribe_lead_score_changed(root, info, lead_id):
        require(info, "leads:read")
        async for event in info.context.events(EventType.LEAD_SCORED):
            if event_record_id(event, "lead") == lead_id:
                yield event

    def resolve_lead_score_changed(event, info, lead_id):
        lead = quietly_scoped(info, Lead.objects.all(), "leads").filter(pk=lead_id).first()
        return lead_score(lead) if lead else None

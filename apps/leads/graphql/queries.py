"""Root queries of leads: `lead`, `leads`, `leadScoring`."""

import graphene

from apps.core.graphql.connections import connection_field
from apps.core.graphql.queries import record_by_id, record_page
from apps.leads.graphql.filters import LEAD_FILTER, LEAD_SORT, LeadFilter, LeadSortInput
from apps.leads.graphql.types import LeadConnection, LeadScore, LeadType, scoring_factors
from apps.leads.models import Lead


def lead_score(lead) -> LeadScore:
    """A lead's score with its latest change and full history."""
    history = list(lead.score_history.order_by("-created_at", "-pk"))
    latest = history[0] if history else None
    return LeadScore(
        lead=lead,
        score=lead.score,
        previous_score=latest.previous_score if latest else None,
        new_score=lead.score,
        scoring_factors=scoring_factors(latest.scoring_factors if latest else []),
        timestamp=latest.created_at if latest else lead.updated_at,
        history=history,
        raw_factors=latest.scoring_factors if latest else [],
    )


class LeadQueries(graphene.ObjectType):
    lead = graphene.Field(LeadType, id=graphene.ID(required=True), description="A lead by id.")
    leads = connection_field(
        LeadConnection,
        description="Leads you may read, filtered, sorted and paged.",
        filter_input=LeadFilter,
        sort_input=LeadSortInput,
    )
    lead_scoring = graphene.Field(
        LeadScore, lead_id=graphene.ID(required=True), description="A lead's score, why, and how it moved."
    )

    def resolve_lead(root, info, id):
        return record_by_id(info, Lead.objects.all(), id, resource="leads")

    def resolve_leads(root, info, **arguments):
        return record_page(
            info,
            LeadConnection,
            Lead.objects.all(),
            arguments,
            resource="leads",
            filter_spec=LEAD_FILTER,
            sort_fields=LEAD_SORT,
            default_order=["-created_at"],
        )

    def resolve_lead_scoring(root, info, lead_id):
        lead = record_by_id(info, Lead.objects.all(), lead_id, resource="leads")
        return lead_score(lead) if lead else None

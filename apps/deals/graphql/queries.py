"""Root queries of deals: `deal`, `deals`."""

import graphene

from apps.core.graphql.connections import connection_field
from apps.core.graphql.queries import record_by_id, record_page
from apps.deals.graphql.filters import DEAL_FILTER, DEAL_SORT, DealFilter, DealSortInput
from apps.deals.graphql.types import DealConnection, DealType
from apps.deals.models import Deal


class DealQueries(graphene.ObjectType):
    deal = graphene.Field(DealType, id=graphene.ID(required=True), description="A deal by id.")
    deals = connection_field(
        DealConnection,
        description="Deals you may read, filtered, sorted and paged.",
        filter_input=DealFilter,
        sort_input=DealSortInput,
    )

    def resolve_deal(root, info, id):
        return record_by_id(info, Deal.objects.select_related("stage"), id, resource="deals")

    def resolve_deals(root, info, **arguments):
        return record_page(
            info,
            DealConnection,
            Deal.objects.select_related("stage"),
            arguments,
            resource="deals",
            filter_spec=DEAL_FILTER,
            sort_fields=DEAL_SORT,
            default_order=["-created_at"],
        )

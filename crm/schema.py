"""The root GraphQL schema: each module's queries, mutations and subscriptions merged here."""

import graphene
from graphene_federation import FederationVersion, build_schema

from apps.accounts.graphql.mutations import AccountMutations
from apps.accounts.graphql.queries import AccountQueries
from apps.activities.graphql.mutations import ActivityMutations
from apps.activities.graphql.queries import ActivityQueries
from apps.activities.graphql.subscriptions import ActivitySubscriptions
from apps.contacts.graphql.mutations import ContactMutations
from apps.contacts.graphql.queries import ContactQueries
from apps.deals.graphql.mutations import DealMutations
from apps.deals.graphql.queries import DealQueries
from apps.deals.graphql.subscriptions import DealSubscriptions
from apps.leads.graphql.mutations import LeadMutations
from apps.leads.graphql.queries import LeadQueries
from apps.leads.graphql.subscriptions import LeadSubscriptions
from apps.pipelines.graphql.mutations import PipelineMutations
from apps.pipelines.graphql.queries import PipelineQueries
from apps.reports.graphql.gateway import GatewayQueries
from apps.reports.graphql.queries import ReportQueries
from apps.reports.graphql.subscriptions import ReportSubscriptions


class Query(
    ContactQueries,
    DealQueries,
    LeadQueries,
    AccountQueries,
    ActivityQueries,
    PipelineQueries,
    ReportQueries,
    GatewayQueries,
    graphene.ObjectType,
):
    """Read the CRM: records by id, filtered and paged lists, and reports."""

    api_version = graphene.String(required=True, description="The API version this server speaks.")

    def resolve_api_version(root, info) -> str:
        from django.conf import settings

        return settings.API_VERSION


class Mutation(
    ContactMutations,
    DealMutations,
    LeadMutations,
    AccountMutations,
    ActivityMutations,
    PipelineMutations,
    graphene.ObjectType,
):
    """Change the CRM. Each mutation is its REST action (same rules, permissions and events) and
    answers a payload: the record, and `errors` ([{field, code, message}]) when it did not apply."""


class Subscription(
    DealSubscriptions, ActivitySubscriptions, LeadSubscriptions, ReportSubscriptions, graphene.ObjectType
):
    """Live updates over WebSocket at /graphql (protocol `graphql-transport-ws`)."""


# A federation subgraph too: `_service { sdl }` and `_entities(representations:)` are added, and
# Contact, Deal, Account, Lead and Pipeline carry `@key(fields: "id")`.
schema = build_schema(
    query=Query, mutation=Mutation, subscription=Subscription, federation_version=FederationVersion.VERSION_2_0
)

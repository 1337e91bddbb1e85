"""The design's gateway queries (GraphQL Federation section) answered by this service itself:
`customerOverview` (here), `salesDashboard` and `pipelineReport` (from the report selectors)."""

import graphene

from apps.accounts.graphql.types import AccountType
from apps.accounts.models import Account
from apps.activities.graphql.dataloaders import LastActivityLoader
from apps.activities.graphql.queries import activities_page
from apps.activities.graphql.types import Activity
from apps.contacts.graphql.types import ContactType
from apps.contacts.models import Contact
from apps.core.graphql.permissions import quietly_scoped
from apps.core.graphql.queries import record_by_id
from apps.core.graphql.scalars import DateTime
from apps.deals.graphql.types import DealType
from apps.deals.models import Deal
from apps.pipelines.choices import StageType

OVERVIEW_LIMIT = 50


class CustomerOverview(graphene.ObjectType):
    """One customer at a glance: the person (or company), their deals and recent activity."""

    contact = graphene.Field(ContactType)
    account = graphene.Field(AccountType)
    deals = graphene.List(graphene.NonNull(DealType), required=True, description="Newest first (at most 50).")
    activities = graphene.List(graphene.NonNull(Activity), required=True, description="Newest first (at most 50).")
    total_value = graphene.Float(required=True, description="The total value of the deals, lost ones excepted.")
    last_interaction = DateTime(description="When the latest communication, past event or completed task happened.")

    def resolve_last_interaction(overview, info):
        from apps.core.graphql.dataloaders import then

        record = overview.contact or overview.account
        related_type = "contact" if overview.contact else "account"
        last = LastActivityLoader.for_request(info, related_type=related_type).load(record.pk)
        return then(last, _when)


def _when(activity):
    if activity is None:
        return None
    return getattr(activity, "timestamp", None) or getattr(activity, "completed_at", None) or activity.start_time


def customer_overview(info, customer_id: str) -> CustomerOverview | None:
    """The overview of a contact (`contact_...`) or of an account (`account_...`)."""
    if customer_id.startswith("account_"):
        account = record_by_id(info, Account.objects.all(), customer_id, resource="accounts")
        if account is None:
            return None
        contact, deal_filter, related = None, {"account_id": account.pk}, ("account", account.pk)
    else:
        contact = record_by_id(info, Contact.objects.all(), customer_id, resource="contacts")
        if contact is None:
            return None
        account = (
            quietly_scoped(info, Account.objects.all(), "accounts").filter(pk=contact.account_id).first()
            if contact.account_id
            else None
        )
        deal_filter, related = {"contact_id": contact.pk}, ("contact", contact.pk)
    deals = list(
        quietly_scoped(info, Deal.objects.select_related("stage"), "deals")
        .filter(**deal_filter)
        .order_by("-created_at", "-pk")[:OVERVIEW_LIMIT]
    )
    page = activities_page(
        info,
        {
            "first": OVERVIEW_LIMIT,
            "filter": {"related_type": {"eq": related[0]}, "related_id": {"eq": related[1]}},
        },
        quiet=True,
    )
    return CustomerOverview(
        contact=contact,
        account=account,
        deals=deals,
        activities=[edge.node for edge in page.edges],
        total_value=float(sum(deal.value for deal in deals if deal.stage.stage_type != StageType.LOST)),
    )


class GatewayQueries(graphene.ObjectType):
    customer_overview = graphene.Field(
        CustomerOverview,
        customer_id=graphene.ID(required=True, description="A contact's id, or an account's."),
        description="A customer's contact, account, deals, activities and figures in one answer.",
    )

    def resolve_customer_overview(root, info, customer_id):
        return customer_overview(info, customer_id)

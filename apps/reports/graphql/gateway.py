"""The design's gateway queries (GraphQL Federation section), answered by this service itself:
`customerOverview`, `salesDashboard` and `pipelineReport` (the last two from the REST reports)."""

import graphene

from apps.accounts.graphql.types import AccountType
from apps.accounts.models import Account
from apps.activities.graphql.dataloaders import LastActivityLoader
from apps.activities.graphql.queries import activities_page
from apps.activities.graphql.types import Activity
from apps.contacts.graphql.types import ContactType
from apps.contacts.models import Contact
from apps.core.graphql.permissions import caller, quietly_scoped, require_any
from apps.core.graphql.queries import record_by_id
from apps.core.graphql.scalars import DateTime
from apps.deals.graphql.types import DealType
from apps.deals.models import Deal
from apps.pipelines.choices import StageType
from apps.pipelines.graphql.types import PipelineType
from apps.reports.graphql.queries import dashboard_data, deal_forecast, performance_metrics, pipeline_analytics
from apps.reports.graphql.types import (
    DashboardData,
    ForecastData,
    PerformanceMetrics,
    PipelineAnalytics,
    PipelineMetrics,
)
from apps.users.graphql.types import UserType

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


def pipeline_metrics(pipeline) -> dict:
    """Live figures of a pipeline: per stage the deals and their value (REST's stage figures);
    totals over the open stages."""
    from apps.pipelines.selectors import stage_deal_figures

    stages = list(pipeline.stages.order_by("order"))
    figures = stage_deal_figures([stage.pk for stage in stages])
    rows = [
        {
            "stage": {"id": stage.pk},
            "type": stage.stage_type,
            "dealCount": figures.get(stage.pk, {}).get("dealCount", 0),
            "totalValue": figures.get(stage.pk, {}).get("stageValue", 0.0),
        }
        for stage in stages
    ]
    open_rows = [row for row in rows if row["type"] == StageType.OPEN]
    return {
        "pipeline": {"id": pipeline.pk},
        "stages": rows,
        "totalValue": sum(row["totalValue"] or 0 for row in open_rows),
        "dealCount": sum(row["dealCount"] for row in open_rows),
    }


class SalesDashboard(graphene.ObjectType):
    """A seller's dashboard: their month, and the default pipeline's dashboard and forecast.
    Each part answers (or is refused) on its own, with the permission its REST report needs."""

    user = graphene.Field(UserType)
    performance = graphene.Field(PerformanceMetrics, description="This month's results.")
    forecast = graphene.Field(ForecastData, description="The default pipeline's forecast by quarter.")
    dashboard = graphene.Field(DashboardData, description="The default pipeline's dashboard.")

    def resolve_performance(user, info):
        return performance_metrics(info, user.pk, "month")

    def resolve_forecast(user, info):
        return deal_forecast(info, _default_pipeline_id(), "quarter")

    def resolve_dashboard(user, info):
        return dashboard_data(info, None)

    def resolve_user(user, info):
        return user


def _default_pipeline_id():
    from apps.pipelines.models import Pipeline

    return Pipeline.objects.order_by("-is_default", "name").values_list("pk", flat=True).first()


class PipelineReport(graphene.ObjectType):
    """A pipeline's live figures, analytics by month and forecast by quarter, in one answer."""

    pipeline = graphene.Field(PipelineType)
    metrics = graphene.Field(PipelineMetrics)
    analytics = graphene.Field(PipelineAnalytics)
    forecast = graphene.Field(ForecastData)

    def resolve_pipeline(pipeline, info):
        return pipeline

    def resolve_metrics(pipeline, info):
        return pipeline_metrics(pipeline)

    def resolve_analytics(pipeline, info):
        return pipeline_analytics(info, pipeline.pk, "month")

    def resolve_forecast(pipeline, info):
        return deal_forecast(info, pipeline.pk, "quarter")


class GatewayQueries(graphene.ObjectType):
    customer_overview = graphene.Field(
        CustomerOverview,
        customer_id=graphene.ID(required=True, description="A contact's id, or an account's."),
        description="A customer's contact, account, deals, activities and figures in one answer.",
    )

    sales_dashboard = graphene.Field(
        SalesDashboard, user_id=graphene.ID(required=True), description="A seller's dashboard."
    )
    pipeline_report = graphene.Field(
        PipelineReport, pipeline_id=graphene.ID(required=True), description="A pipeline's figures in one answer."
    )

    def resolve_customer_overview(root, info, customer_id):
        return customer_overview(info, customer_id)

    def resolve_sales_dashboard(root, info, user_id):
        from apps.users.models import User

        caller(info)
        return User.objects.filter(pk=user_id, is_active=True).first()

    def resolve_pipeline_report(root, info, pipeline_id):
        from apps.pipelines.graphql.queries import PIPELINE_READERS
        from apps.pipelines.models import Pipeline

        require_any(info, *PIPELINE_READERS)
        return Pipeline.objects.filter(pk=pipeline_id).first()

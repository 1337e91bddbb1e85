"""Batched reads of deals: pages of deals per contact, account, pipeline or stage, and the
deal figures of contacts and accounts."""

from django.db.models import Count, Q, Sum

from apps.core.graphql.dataloaders import ChildPageLoader, DataLoader
from apps.core.graphql.permissions import quietly_scoped
from apps.deals.graphql.filters import DEAL_FILTER, DEAL_SORT
from apps.deals.models import Deal
from apps.pipelines.choices import StageType


class DealPageLoader(ChildPageLoader):
    model = Deal
    resource = "deals"
    filter_spec = DEAL_FILTER
    sort_fields = DEAL_SORT
    default_order = ["-created_at"]
    select = ("stage",)
    connection_type_path = "apps.deals.graphql.types.DealConnection"


class DealTotalsLoader(DataLoader):
    """Per parent (`group`: contact_id or account_id): the total value of its deals that are not
    lost, in the tenant currency (as the reports convert it), and how many of them are still
    open. Counts only deals the caller may read."""

    def batch_load(self, keys: list) -> list:
        from apps.reports.currency import converted, money

        group = self.params["group"]
        rows = (
            quietly_scoped(self.info, Deal.objects.all(), "deals")
            .filter(**{f"{group}__in": keys})
            .order_by()
            .values(group)
            .annotate(
                total=Sum(converted(), filter=~Q(stage__stage_type=StageType.LOST)),
                active=Count("pk", filter=Q(stage__stage_type=StageType.OPEN)),
            )
        )
        found = {row[group]: (money(row["total"]), row["active"]) for row in rows}
        return [found.get(key, (0.0, 0)) for key in keys]

"""`DealFilter` and how it maps onto `Deal` (nested `account` and `contact` conditions included)."""

import graphene
from django.db.models import Q

from apps.accounts.graphql.filters import ACCOUNT_FILTER, AccountFilter
from apps.contacts.graphql.filters import CONTACT_FILTER, ContactFilter
from apps.core.graphql.filters import (
    DateTimeFilter,
    FilterSpec,
    FloatFilter,
    IDFilter,
    IntFilter,
    JSONFilter,
    StringFilter,
    filter_input,
)
from apps.core.graphql.sorting import sort_input
from apps.pipelines.choices import StageType


class DealStatus(graphene.Enum):
    """ACTIVE: in an open stage; WON or LOST: in a closing stage of that kind."""

    ACTIVE = StageType.OPEN.value
    WON = StageType.WON.value
    LOST = StageType.LOST.value


def _status_q(status) -> Q:
    return Q(stage__stage_type=getattr(status, "value", status))


DEAL_FILTER = FilterSpec(
    {
        "id": "pk",
        "title": "title",
        "value": "value",
        "currency": "currency",
        "stage": "stage__slug",
        "stage_id": "stage_id",
        "status": _status_q,
        "pipeline_id": "pipeline_id",
        "contact_id": "contact_id",
        "account_id": "account_id",
        "owner_id": "owner_id",
        "expected_close_date": "expected_close_date",
        "actual_close_date": "actual_close_date",
        "probability": "probability",
        "created_at": "created_at",
        "updated_at": "updated_at",
        "account": ("account", ACCOUNT_FILTER),
        "contact": ("contact", CONTACT_FILTER),
    },
    json_fields={"custom_fields": "custom_fields"},
)

DealFilter = filter_input(
    "DealFilter",
    "Conditions on deals; all given conditions must hold.",
    {
        "id": IDFilter(),
        "title": StringFilter(),
        "value": FloatFilter(),
        "currency": StringFilter(),
        "stage": StringFilter(description="The stage's slug, e.g. `qualification`, `closed_won`."),
        "stage_id": IDFilter(),
        "status": DealStatus(description="ACTIVE (open stage), WON or LOST."),
        "pipeline_id": IDFilter(),
        "contact_id": IDFilter(),
        "account_id": IDFilter(),
        "owner_id": IDFilter(),
        "expected_close_date": DateTimeFilter(),
        "actual_close_date": DateTimeFilter(),
        "probability": IntFilter(),
        "created_at": DateTimeFilter(),
        "updated_at": DateTimeFilter(),
        "custom_fields": JSONFilter(),
        "account": AccountFilter(description="Conditions on the deal's account."),
        "contact": ContactFilter(description="Conditions on the deal's contact."),
    },
)

DealSortInput, DEAL_SORT = sort_input(
    "Deal",
    {
        "VALUE": "value",
        "TITLE": "title",
        "STAGE": "stage__order",
        "PROBABILITY": "probability",
        "EXPECTED_CLOSE_DATE": "expected_close_date",
        "CREATED_AT": "created_at",
        "UPDATED_AT": "updated_at",
    },
)

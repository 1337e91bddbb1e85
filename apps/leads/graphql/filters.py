"""`LeadFilter` and how it maps onto `Lead`."""

import graphene

from apps.core.graphql.filters import (
    DateTimeFilter,
    FilterSpec,
    IDFilter,
    IntFilter,
    JSONFilter,
    StringFilter,
    filter_input,
)
from apps.core.graphql.sorting import sort_input
from apps.leads.choices import LeadStatus as LeadStatusChoices


class LeadStatus(graphene.Enum):
    """Where a lead stands: NEW, CONTACTED, QUALIFIED, UNQUALIFIED or CONVERTED."""

    NEW = LeadStatusChoices.NEW.value
    CONTACTED = LeadStatusChoices.CONTACTED.value
    QUALIFIED = LeadStatusChoices.QUALIFIED.value
    UNQUALIFIED = LeadStatusChoices.UNQUALIFIED.value
    CONVERTED = LeadStatusChoices.CONVERTED.value


class LeadStatusFilter(graphene.InputObjectType):
    """Conditions on a lead's status."""

    eq = graphene.Field(LeadStatus, description="Equal to.")
    ne = graphene.Field(LeadStatus, description="Not equal to.")
    in_ = graphene.List(graphene.NonNull(LeadStatus), name="in", description="One of these.")
    nin = graphene.List(graphene.NonNull(LeadStatus), description="None of these.")


def _status_q(condition):
    from apps.core.graphql.filters import _operator_q

    plain = {
        op: ([getattr(v, "value", v) for v in value] if isinstance(value, list) else getattr(value, "value", value))
        for op, value in condition.items()
    }
    return _operator_q("status", plain)


LEAD_FILTER = FilterSpec(
    {
        "id": "pk",
        "first_name": "first_name",
        "last_name": "last_name",
        "email": "email",
        "phone": "phone",
        "company": "company",
        "job_title": "job_title",
        "source": "source",
        "status": _status_q,
        "score": "score",
        "owner_id": "owner_id",
        "created_at": "created_at",
        "updated_at": "updated_at",
    },
    json_fields={"custom_fields": "custom_fields"},
)

LeadFilter = filter_input(
    "LeadFilter",
    "Conditions on leads; all given conditions must hold.",
    {
        "id": IDFilter(),
        "first_name": StringFilter(),
        "last_name": StringFilter(),
        "email": StringFilter(),
        "phone": StringFilter(),
        "company": StringFilter(),
        "job_title": StringFilter(),
        "source": StringFilter(),
        "status": LeadStatusFilter(),
        "score": IntFilter(),
        "owner_id": IDFilter(),
        "created_at": DateTimeFilter(),
        "updated_at": DateTimeFilter(),
        "custom_fields": JSONFilter(),
    },
)

LeadSortInput, LEAD_SORT = sort_input(
    "Lead",
    {
        "FIRST_NAME": "first_name",
        "LAST_NAME": "last_name",
        "EMAIL": "email",
        "COMPANY": "company",
        "SCORE": "score",
        "STATUS": "status",
        "CREATED_AT": "created_at",
        "UPDATED_AT": "updated_at",
    },
)

"""`AccountFilter` and how it maps onto `Account`."""

from apps.accounts.choices import AccountType
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

ACCOUNT_FILTER = FilterSpec(
    {
        "id": "pk",
        "name": "name",
        "website": "website",
        "industry": "industry",
        "employees": "employees",
        "annual_revenue": "annual_revenue",
        "type": "type",
        "parent_id": "parent_id",
        "owner_id": "owner_id",
        "created_at": "created_at",
        "updated_at": "updated_at",
    },
    json_fields={"custom_fields": "custom_fields"},
)

AccountFilter = filter_input(
    "AccountFilter",
    "Conditions on accounts; all given conditions must hold.",
    {
        "id": IDFilter(),
        "name": StringFilter(),
        "website": StringFilter(),
        "industry": StringFilter(),
        "employees": IntFilter(),
        "annual_revenue": FloatFilter(),
        "type": StringFilter(description=f"One of {', '.join(AccountType.values)}."),
        "parent_id": IDFilter(),
        "owner_id": IDFilter(),
        "created_at": DateTimeFilter(),
        "updated_at": DateTimeFilter(),
        "custom_fields": JSONFilter(),
    },
)

AccountSortInput, ACCOUNT_SORT = sort_input(
    "Account",
    {
        "NAME": "name",
        "INDUSTRY": "industry",
        "EMPLOYEES": "employees",
        "ANNUAL_REVENUE": "annual_revenue",
        "CREATED_AT": "created_at",
        "UPDATED_AT": "updated_at",
    },
)

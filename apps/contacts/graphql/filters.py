"""`ContactFilter` and how it maps onto `Contact`."""

from apps.accounts.graphql.filters import ACCOUNT_FILTER, AccountFilter
from apps.core.graphql.filters import DateTimeFilter, FilterSpec, IDFilter, JSONFilter, StringFilter, filter_input
from apps.core.graphql.sorting import sort_input

CONTACT_FILTER = FilterSpec(
    {
        "id": "pk",
        "first_name": "first_name",
        "last_name": "last_name",
        "email": "email",
        "phone": "phone",
        "company": "company",
        "job_title": "job_title",
        "account_id": "account_id",
        "owner_id": "owner_id",
        "created_at": "created_at",
        "updated_at": "updated_at",
        "account": ("account", ACCOUNT_FILTER),
    },
    json_fields={"custom_fields": "custom_fields"},
)

ContactFilter = filter_input(
    "ContactFilter",
    "Conditions on contacts; all given conditions must hold.",
    {
        "id": IDFilter(),
        "first_name": StringFilter(),
        "last_name": StringFilter(),
        "email": StringFilter(),
        "phone": StringFilter(),
        "company": StringFilter(),
        "job_title": StringFilter(),
        "account_id": IDFilter(),
        "owner_id": IDFilter(),
        "created_at": DateTimeFilter(),
        "updated_at": DateTimeFilter(),
        "custom_fields": JSONFilter(),
        "account": AccountFilter(description="Conditions on the contact's account."),
    },
)

ContactSortInput, CONTACT_SORT = sort_input(
    "Contact",
    {
        "FIRST_NAME": "first_name",
        "LAST_NAME": "last_name",
        "EMAIL": "email",
        "COMPANY": "company",
        "CREATED_AT": "created_at",
        "UPDATED_AT": "updated_at",
    },
)

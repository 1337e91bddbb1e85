"""Root queries of accounts: `account`, `accounts`, `accountHierarchy`."""

import graphene

from apps.accounts.graphql.filters import ACCOUNT_FILTER, ACCOUNT_SORT, AccountFilter, AccountSortInput
from apps.accounts.graphql.types import AccountConnection, AccountHierarchy, AccountType
from apps.accounts.models import Account
from apps.core.graphql.connections import connection_field
from apps.core.graphql.queries import record_by_id, record_page


class AccountQueries(graphene.ObjectType):
    account = graphene.Field(AccountType, id=graphene.ID(required=True), description="An account by id.")
    accounts = connection_field(
        AccountConnection,
        description="Accounts you may read, filtered, sorted and paged.",
        filter_input=AccountFilter,
        sort_input=AccountSortInput,
    )
    account_hierarchy = graphene.Field(
        AccountHierarchy, account_id=graphene.ID(required=True), description="An account's parent, children, ancestors."
    )

    def resolve_account(root, info, id):
        return record_by_id(info, Account.objects.all(), id, resource="accounts")

    def resolve_accounts(root, info, **arguments):
        return record_page(
            info,
            AccountConnection,
            Account.objects.all(),
            arguments,
            resource="accounts",
            filter_spec=ACCOUNT_FILTER,
            sort_fields=ACCOUNT_SORT,
            default_order=["name"],
        )

    def resolve_account_hierarchy(root, info, account_id):
        return record_by_id(info, Account.objects.all(), account_id, resource="accounts")

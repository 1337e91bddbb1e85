"""`Account`, its hierarchy and relationships."""

import graphene
from graphene_federation import key

from apps.accounts.choices import AccountType as AccountTypeChoices
from apps.accounts.graphql.dataloaders import AncestorsLoader, ChildAccountsLoader
from apps.accounts.models import Account as AccountModel
from apps.activities.graphql.dataloaders import LastActivityLoader
from apps.activities.graphql.types import Activity
from apps.contacts.graphql.dataloaders import ContactPageLoader
from apps.contacts.graphql.filters import ContactFilter, ContactSortInput
from apps.contacts.graphql.types import Address, ContactConnection
from apps.core.graphql.connections import CrmConnection, connection_field
from apps.core.graphql.dataloaders import load_page, load_record, then
from apps.core.graphql.scalars import JSON, DateTime, OptionalText
from apps.deals.graphql.dataloaders import DealPageLoader, DealTotalsLoader
from apps.deals.graphql.types import activities_field, load_activities
from apps.pipelines.graphql.types import deals_field
from apps.users.graphql.types import UserType, load_user

AccountKind = graphene.Enum(
    "AccountType",
    [(value.upper(), value) for value in AccountTypeChoices.values],
    description="What the account is to us: customer, prospect, partner, ...",
)


@key("id")
class AccountType(graphene.ObjectType):
    """A company. Accounts form a hierarchy (parent and child accounts)."""

    class Meta:
        name = "Account"
        possible_types = (AccountModel,)

    def __resolve_reference(self, info, **kwargs):
        """A federated gateway's reference `{__typename: "Account", id}`, resolved to the record
        (null when it does not exist or the caller may not read it)."""
        from apps.accounts.models import Account

        return load_record(info, Account, self.id, resource="accounts", select=())

    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    website = OptionalText()
    industry = OptionalText()
    employees = graphene.Int()
    annual_revenue = graphene.Float()
    type = AccountKind(required=True)
    address = graphene.Field(Address)
    custom_fields = JSON()
    created_at = DateTime(required=True)
    updated_at = DateTime(required=True)

    parent_account = graphene.Field(lambda: AccountType)
    child_accounts = graphene.List(graphene.NonNull(lambda: AccountType), required=True)
    owner = graphene.Field(UserType)
    contacts = connection_field(
        ContactConnection,
        description="People at this account.",
        filter_input=ContactFilter,
        sort_input=ContactSortInput,
    )
    deals = deals_field("This account's deals, newest first.")
    activities = activities_field("Tasks, events and communications about this account, newest first.")

    total_deal_value = graphene.Float(required=True, description="The total value of its deals, lost ones excepted.")
    active_deal_count = graphene.Int(required=True, description="How many of its deals are in an open stage.")
    last_activity = graphene.Field(
        Activity, description="The latest communication, past event or completed task about this account."
    )
    hierarchy = graphene.Field(lambda: AccountHierarchy, required=True)

    def resolve_annual_revenue(account, info):
        return None if account.annual_revenue is None else float(account.annual_revenue)

    def resolve_address(account, info):
        return Address.from_json(account.address)

    def resolve_parent_account(account, info):
        from apps.accounts.models import Account

        return load_record(info, Account, account.parent_id, resource="accounts")

    def resolve_child_accounts(account, info):
        return ChildAccountsLoader.for_request(info).load(account.pk)

    def resolve_owner(account, info):
        return load_user(info, account.owner_id)

    def resolve_contacts(account, info, **arguments):
        return load_page(info, ContactPageLoader, "account_id", account.pk, arguments)

    def resolve_deals(account, info, **arguments):
        return load_page(info, DealPageLoader, "account_id", account.pk, arguments)

    def resolve_activities(account, info, **arguments):
        return load_activities(info, "account", account.pk, arguments)

    def resolve_total_deal_value(account, info):
        return then(DealTotalsLoader.for_request(info, group="account_id").load(account.pk), lambda pair: pair[0])

    def resolve_active_deal_count(account, info):
        return then(DealTotalsLoader.for_request(info, group="account_id").load(account.pk), lambda pair: pair[1])

    def resolve_last_activity(account, info):
        return LastActivityLoader.for_request(info, related_type="account").load(account.pk)

    def resolve_hierarchy(account, info):
        return account


class AccountHierarchy(graphene.ObjectType):
    """Where an account sits among its parent and child accounts."""

    account = graphene.Field(AccountType, required=True)
    parent = graphene.Field(AccountType, description="The direct parent, if any.")
    children = graphene.List(graphene.NonNull(AccountType), required=True, description="Direct child accounts.")
    ancestors = graphene.List(
        graphene.NonNull(AccountType), required=True, description="Parent, grandparent, ... up to the top."
    )

    def resolve_account(account, info):
        return account

    def resolve_parent(account, info):
        return AccountType.resolve_parent_account(account, info)

    def resolve_children(account, info):
        return ChildAccountsLoader.for_request(info).load(account.pk)

    def resolve_ancestors(account, info):
        return AncestorsLoader.for_request(info).load(account.pk)


class AccountConnection(CrmConnection):
    """A page of accounts."""

    class Meta:
        node = AccountType


class AccountRelationshipType(graphene.ObjectType):
    """A typed link between two accounts (subsidiary, partner, reseller, ...)."""

    class Meta:
        name = "AccountRelationship"

    id = graphene.ID(required=True)
    account = graphene.Field(AccountType)
    related_account = graphene.Field(AccountType)
    relationship_type = graphene.String(required=True)
    description = OptionalText()
    created_at = DateTime(required=True)

    def resolve_account(relationship, info):
        from apps.accounts.models import Account

        return load_record(info, Account, relationship.account_id, resource="accounts")

    def resolve_related_account(relationship, info):
        from apps.accounts.models import Account

        return load_record(info, Account, relationship.related_account_id, resource="accounts")

"""Mutations of accounts: `createAccount`, `updateAccount`, `createAccountRelationship`."""

import graphene

from apps.accounts.graphql.types import AccountKind, AccountRelationshipType, AccountType
from apps.accounts.models import Account, AccountRelationship
from apps.contacts.graphql.types import AddressInput
from apps.core.graphql.mutations import Payload, RestMutation, record_payload, rest_body
from apps.core.graphql.scalars import JSON


def _account_fields(required: bool) -> dict:
    return {
        "name": graphene.String(required=required),
        "website": graphene.String(),
        "industry": graphene.String(),
        "employees": graphene.Int(),
        "annual_revenue": graphene.Float(),
        "type": AccountKind(),
        "parent_account_id": graphene.ID(),
        "address": AddressInput(),
        "owner_id": graphene.ID(),
        "custom_fields": JSON(description="Values of the tenant's custom fields for accounts."),
    }


CreateAccountInput = type("CreateAccountInput", (graphene.InputObjectType,), _account_fields(True))
UpdateAccountInput = type(
    "UpdateAccountInput",
    (graphene.InputObjectType,),
    {"Meta": type("Meta", (), {"description": "The fields to change; the others stay."}), **_account_fields(False)},
)


class AccountRelationshipInput(graphene.InputObjectType):
    """A typed link from one account to another."""

    account_id = graphene.ID(required=True)
    related_account_id = graphene.ID(required=True)
    relationship_type = graphene.String(required=True, description="subsidiary, partner, reseller, ...")
    description = graphene.String()


class AccountPayload(Payload):
    """The account created or changed (null when `errors` says why not)."""

    account = graphene.Field(AccountType)


class AccountRelationshipPayload(Payload):
    """The relationship created (null when `errors` says why not)."""

    account_relationship = graphene.Field(AccountRelationshipType)


class CreateAccount(RestMutation):
    """Creates an account (as `POST /v1/accounts`)."""

    Output = AccountPayload

    class Arguments:
        input = CreateAccountInput(required=True)

    @classmethod
    def rest_request(cls, *, input):
        return "POST", "/v1/accounts", rest_body(input)

    @classmethod
    def payload(cls, info, data, **arguments):
        return record_payload(AccountPayload, "account", Account.objects.all(), data)


class UpdateAccount(RestMutation):
    """Changes the fields given (as `PATCH /v1/accounts/{id}`)."""

    Output = AccountPayload

    class Arguments:
        id = graphene.ID(required=True)
        input = UpdateAccountInput(required=True)

    @classmethod
    def rest_request(cls, *, id, input):
        return "PATCH", f"/v1/accounts/{id}", rest_body(input)

    @classmethod
    def payload(cls, info, data, **arguments):
        return record_payload(AccountPayload, "account", Account.objects.all(), data)


class CreateAccountRelationship(RestMutation):
    """Links two accounts (as `POST /v1/accounts/{accountId}/relationships`)."""

    Output = AccountRelationshipPayload

    class Arguments:
        input = AccountRelationshipInput(required=True)

    @classmethod
    def rest_request(cls, *, input):
        body = rest_body(input)
        return "POST", f"/v1/accounts/{body.pop('accountId')}/relationships", body

    @classmethod
    def payload(cls, info, data, **arguments):
        return record_payload(AccountRelationshipPayload, "account_relationship", AccountRelationship.objects, data)


class AccountMutations(graphene.ObjectType):
    create_account = CreateAccount.Field()
    update_account = UpdateAccount.Field()
    create_account_relationship = CreateAccountRelationship.Field()

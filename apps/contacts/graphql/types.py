"""`Contact` and its connection."""

import graphene
from graphene_federation import key

from apps.activities.graphql.dataloaders import LastActivityLoader
from apps.activities.graphql.types import Activity
from apps.contacts.models import Contact as ContactModel
from apps.core.graphql.connections import CrmConnection
from apps.core.graphql.dataloaders import load_page, load_record, then
from apps.core.graphql.scalars import JSON, DateTime, OptionalText
from apps.deals.graphql.dataloaders import DealPageLoader, DealTotalsLoader
from apps.deals.graphql.types import activities_field, load_activities
from apps.pipelines.graphql.types import deals_field
from apps.users.graphql.types import UserType, load_user


class Address(graphene.ObjectType):
    """A postal address."""

    street = graphene.String()
    city = graphene.String()
    state = graphene.String()
    zip_code = graphene.String()
    country = graphene.String()

    @staticmethod
    def from_json(value):
        if not value or not isinstance(value, dict):
            return None
        return Address(
            street=value.get("street"),
            city=value.get("city"),
            state=value.get("state"),
            zip_code=value.get("zipCode") or value.get("postalCode"),
            country=value.get("country"),
        )


class AddressInput(graphene.InputObjectType):
    """A postal address."""

    street = graphene.String()
    city = graphene.String()
    state = graphene.String()
    zip_code = graphene.String()
    country = graphene.String()


@key("id")
class ContactType(graphene.ObjectType):
    """A person the sales team talks to, usually working at an account."""

    class Meta:
        name = "Contact"
        possible_types = (ContactModel,)

    def __resolve_reference(self, info, **kwargs):
        """A federated gateway's reference `{__typename: "Contact", id}`, resolved to the record
        (null when it does not exist or the caller may not read it)."""
        from apps.contacts.models import Contact

        return load_record(info, Contact, self.id, resource="contacts", select=())

    id = graphene.ID(required=True)
    first_name = graphene.String(required=True)
    last_name = graphene.String(required=True)
    email = graphene.String()
    phone = OptionalText()
    company = OptionalText()
    job_title = OptionalText()
    address = graphene.Field(Address)
    custom_fields = JSON()
    created_at = DateTime(required=True)
    updated_at = DateTime(required=True)

    account = graphene.Field("apps.accounts.graphql.types.AccountType")
    owner = graphene.Field(UserType)
    deals = deals_field("This contact's deals, newest first.")
    activities = activities_field("Tasks, events and communications about this contact, newest first.")
    lead_source = graphene.Field("apps.leads.graphql.types.LeadType", description="The lead it was converted from.")

    full_name = graphene.String(required=True, description="First and last name.")
    last_activity = graphene.Field(
        Activity, description="The latest communication, past event or completed task about this contact."
    )
    deal_value = graphene.Float(description="The total value of this contact's deals, lost ones excepted.")

    def resolve_address(contact, info):
        return Address.from_json(contact.address)

    def resolve_full_name(contact, info) -> str:
        return contact.full_name

    def resolve_account(contact, info):
        from apps.accounts.models import Account

        return load_record(info, Account, contact.account_id, resource="accounts")

    def resolve_owner(contact, info):
        return load_user(info, contact.owner_id)

    def resolve_deals(contact, info, **arguments):
        return load_page(info, DealPageLoader, "contact_id", contact.pk, arguments)

    def resolve_activities(contact, info, **arguments):
        return load_activities(info, "contact", contact.pk, arguments)

    def resolve_lead_source(contact, info):
        from apps.contacts.graphql.dataloaders import SourceLeadLoader

        return SourceLeadLoader.for_request(info).load(contact.pk)

    def resolve_last_activity(contact, info):
        return LastActivityLoader.for_request(info, related_type="contact").load(contact.pk)

    def resolve_deal_value(contact, info):
        return then(DealTotalsLoader.for_request(info, group="contact_id").load(contact.pk), lambda pair: pair[0])


class ContactConnection(CrmConnection):
    """A page of contacts."""

    class Meta:
        node = ContactType

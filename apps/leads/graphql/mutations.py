"""Mutations of leads: `createLead`, `qualifyLead`, `convertLead` (REST's actions)."""

import graphene

from apps.accounts.graphql.types import AccountType
from apps.contacts.graphql.types import ContactType
from apps.core.graphql.mutations import Payload, RestMutation, record_payload, rest_body
from apps.core.graphql.scalars import JSON
from apps.deals.graphql.types import DealType
from apps.leads.graphql.filters import LeadStatus
from apps.leads.graphql.types import LeadType
from apps.leads.models import Lead


class CreateLeadInput(graphene.InputObjectType):
    """A new lead (the design's REST body)."""

    first_name = graphene.String(required=True)
    last_name = graphene.String(required=True)
    email = graphene.String(required=True)
    phone = graphene.String()
    company = graphene.String()
    job_title = graphene.String()
    source = graphene.String()
    status = LeadStatus()
    score = graphene.Int()
    owner_id = graphene.ID()
    custom_fields = JSON(description="Values of the tenant's custom fields for leads.")


class QualifyLeadInput(graphene.InputObjectType):
    """What qualified the lead."""

    qualification_notes = graphene.String()
    score = graphene.Int()
    next_action = graphene.String()


class ConvertLeadInput(graphene.InputObjectType):
    """What converting the lead should create."""

    create_contact = graphene.Boolean(description="Create a contact (default true).")
    create_deal = graphene.Boolean(description="Create a deal (default false).")
    deal_title = graphene.String()
    deal_value = graphene.Float()
    pipeline_id = graphene.ID()
    account_id = graphene.ID(description="Attach to this account instead of creating one.")


class LeadPayload(Payload):
    """The lead created or qualified (null when `errors` says why not)."""

    lead = graphene.Field(LeadType)


class ConvertLeadPayload(Payload):
    """The converted lead and what the conversion created (null where nothing was)."""

    lead = graphene.Field(LeadType)
    contact = graphene.Field(ContactType)
    deal = graphene.Field(DealType)
    account = graphene.Field(AccountType)


class CreateLead(RestMutation):
    """Creates a lead (as `POST /v1/leads`)."""

    Output = LeadPayload

    class Arguments:
        input = CreateLeadInput(required=True)

    @classmethod
    def rest_request(cls, *, input):
        return "POST", "/v1/leads", rest_body(input)

    @classmethod
    def payload(cls, info, data, **arguments):
        return record_payload(LeadPayload, "lead", Lead.objects.all(), data)


class QualifyLead(RestMutation):
    """Qualifies a lead (as `POST /v1/leads/{id}/qualify`)."""

    Output = LeadPayload

    class Arguments:
        lead_id = graphene.ID(required=True)
        input = QualifyLeadInput(required=True)

    @classmethod
    def rest_request(cls, *, lead_id, input):
        return "POST", f"/v1/leads/{lead_id}/qualify", rest_body(input)

    @classmethod
    def payload(cls, info, data, **arguments):
        return record_payload(LeadPayload, "lead", Lead.objects.all(), data)


class ConvertLead(RestMutation):
    """Converts a lead into a contact, an account and a deal (as `POST /v1/leads/{id}/convert`)."""

    Output = ConvertLeadPayload

    class Arguments:
        lead_id = graphene.ID(required=True)
        input = ConvertLeadInput(required=True)

    @classmethod
    def rest_request(cls, *, lead_id, input):
        return "POST", f"/v1/leads/{lead_id}/convert", rest_body(input)

    @classmethod
    def payload(cls, info, data, **arguments):
        from apps.accounts.models import Account
        from apps.contacts.models import Contact
        from apps.deals.models import Deal

        def load(queryset, part):
            return queryset.get(pk=data[part]["id"]) if data.get(part) else None

        return ConvertLeadPayload(
            lead=load(Lead.objects.all(), "lead"),
            contact=load(Contact.objects.all(), "contact"),
            deal=load(Deal.objects.select_related("stage"), "deal"),
            account=load(Account.objects.all(), "account"),
        )


class LeadMutations(graphene.ObjectType):
    create_lead = CreateLead.Field()
    qualify_lead = QualifyLead.Field()
    convert_lead = ConvertLead.Field()

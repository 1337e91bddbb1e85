"""Mutations of contacts: `createContact`, `updateContact`, `deleteContact` (REST's actions)."""

import graphene

from apps.contacts.graphql.types import AddressInput, ContactType
from apps.contacts.models import Contact
from apps.core.graphql.mutations import DeletePayload, Payload, RestMutation, record_payload, rest_body
from apps.core.graphql.scalars import JSON


def _contact_fields(required: bool) -> dict:
    return {
        "first_name": graphene.String(required=required),
        "last_name": graphene.String(required=required),
        "email": graphene.String(),
        "phone": graphene.String(),
        "company": graphene.String(),
        "job_title": graphene.String(),
        "address": AddressInput(),
        "account_id": graphene.ID(),
        "owner_id": graphene.ID(),
        "custom_fields": JSON(description="Values of the tenant's custom fields for contacts."),
    }


CreateContactInput = type("CreateContactInput", (graphene.InputObjectType,), _contact_fields(True))
UpdateContactInput = type(
    "UpdateContactInput",
    (graphene.InputObjectType,),
    {"Meta": type("Meta", (), {"description": "The fields to change; the others stay."}), **_contact_fields(False)},
)


class ContactPayload(Payload):
    """The contact created or changed (null when `errors` says why not)."""

    contact = graphene.Field(ContactType)


class CreateContact(RestMutation):
    """Creates a contact (as `POST /v1/contacts`)."""

    Output = ContactPayload

    class Arguments:
        input = CreateContactInput(required=True)

    @classmethod
    def rest_request(cls, *, input):
        return "POST", "/v1/contacts", rest_body(input)

    @classmethod
    def payload(cls, info, data, **arguments):
        return record_payload(ContactPayload, "contact", Contact.objects.all(), data)


class UpdateContact(RestMutation):
    """Changes the fields given (as `PATCH /v1/contacts/{id}`)."""

    Output = ContactPayload

    class Arguments:
        id = graphene.ID(required=True)
        input = UpdateContactInput(required=True)

    @classmethod
    def rest_request(cls, *, id, input):
        return "PATCH", f"/v1/contacts/{id}", rest_body(input)

    @classmethod
    def payload(cls, info, data, **arguments):
        return record_payload(ContactPayload, "contact", Contact.objects.all(), data)


class DeleteContact(RestMutation):
    """Moves a contact to the trash (as `DELETE /v1/contacts/{id}`)."""

    Output = DeletePayload

    class Arguments:
        id = graphene.ID(required=True)

    @classmethod
    def rest_request(cls, *, id):
        return "DELETE", f"/v1/contacts/{id}", None

    @classmethod
    def payload(cls, info, data, **arguments):
        return DeletePayload(id=data["id"], deleted=data["deleted"])


class ContactMutations(graphene.ObjectType):
    create_contact = CreateContact.Field()
    update_contact = UpdateContact.Field()
    delete_contact = DeleteContact.Field()

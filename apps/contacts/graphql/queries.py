"""Root queries of contacts: `contact`, `contacts`, `searchContacts`."""

import graphene
from django.db.models import Q

from apps.contacts.graphql.filters import CONTACT_FILTER, CONTACT_SORT, ContactFilter, ContactSortInput
from apps.contacts.graphql.types import ContactConnection, ContactType
from apps.contacts.models import Contact
from apps.core.graphql.connections import connection_field
from apps.core.graphql.filters import filter_q
from apps.core.graphql.permissions import scoped
from apps.core.graphql.queries import record_by_id, record_page

SEARCH_LIMIT = 50
SEARCH_FIELDS = ("first_name", "last_name", "email", "company", "job_title", "phone")


def search_q(text: str) -> Q:
    """Every word must appear in one of the contact's name, email, company, title or phone."""
    condition = Q()
    for word in text.split():
        any_field = Q()
        for name in SEARCH_FIELDS:
            any_field |= Q(**{f"{name}__icontains": word})
        condition &= any_field
    return condition


class ContactQueries(graphene.ObjectType):
    contact = graphene.Field(ContactType, id=graphene.ID(required=True), description="A contact by id.")
    contacts = connection_field(
        ContactConnection,
        description="Contacts you may read, filtered, sorted and paged.",
        filter_input=ContactFilter,
        sort_input=ContactSortInput,
    )
    search_contacts = graphene.List(
        graphene.NonNull(ContactType),
        required=True,
        query=graphene.String(required=True, description="Words to find in name, email, company, title or phone."),
        filters=graphene.Argument(ContactFilter, description="Further conditions."),
        limit=graphene.Int(default_value=SEARCH_LIMIT, description=f"At most this many (up to {SEARCH_LIMIT})."),
        description="Contacts matching every word of `query`, best known first (by last name).",
    )

    def resolve_contact(root, info, id):
        return record_by_id(info, Contact.objects.all(), id, resource="contacts")

    def resolve_contacts(root, info, **arguments):
        return record_page(
            info,
            ContactConnection,
            Contact.objects.all(),
            arguments,
            resource="contacts",
            filter_spec=CONTACT_FILTER,
            sort_fields=CONTACT_SORT,
            default_order=["last_name", "first_name"],
        )

    def resolve_search_contacts(root, info, query, filters=None, limit=SEARCH_LIMIT):
        queryset = scoped(info, Contact.objects.all(), "contacts")
        queryset = queryset.filter(search_q(query), filter_q(filters, CONTACT_FILTER))
        return list(queryset.order_by("last_name", "first_name", "pk")[: max(0, min(limit, SEARCH_LIMIT))])

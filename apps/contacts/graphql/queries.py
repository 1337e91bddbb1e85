"""Root queries of contacts: `contact`, `contacts`, `searchContacts`."""

import graphene

from apps.contacts.graphql.filters import CONTACT_FILTER, CONTACT_SORT, ContactFilter, ContactSortInput
from apps.contacts.graphql.types import ContactConnection, ContactType
from apps.contacts.models import Contact
from apps.contacts.selectors import contact_search
from apps.core.graphql.connections import connection_field
from apps.core.graphql.filters import filter_q
from apps.core.graphql.permissions import require
from apps.core.graphql.queries import record_by_id, record_page
from apps.core.scoping import scope_queryset

SEARCH_LIMIT = 50


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
        query=graphene.String(required=True, description="Words (or their beginnings) of name, email, company, title."),
        filters=graphene.Argument(ContactFilter, description="Further conditions."),
        limit=graphene.Int(default_value=SEARCH_LIMIT, description=f"At most this many (up to {SEARCH_LIMIT})."),
        description="Contacts matching `query` as `POST /v1/contacts/search` finds them, best match first.",
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
        scope = require(info, "contacts:read")
        queryset = scope_queryset(Contact.objects.all(), info.context.user, scope)
        queryset = queryset.filter(filter_q(filters, CONTACT_FILTER))
        # REST's search (`POST /v1/contacts/search`): prefixes over names, email, company and
        # title, typo corrections when nothing matches, best first.
        found = contact_search(
            queryset, query, page=1, limit=max(1, min(limit, SEARCH_LIMIT)), narrowed=bool(filters) or scope != "tenant"
        )
        by_id = Contact.objects.in_bulk(found.ids)
        return [by_id[pk] for pk in found.ids if pk in by_id]

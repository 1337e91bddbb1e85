"""Batched reads of contacts."""

from apps.contacts.graphql.filters import CONTACT_FILTER, CONTACT_SORT
from apps.contacts.models import Contact
from apps.core.graphql.dataloaders import ChildPageLoader, DataLoader
from apps.core.graphql.permissions import quietly_scoped


class ContactPageLoader(ChildPageLoader):
    model = Contact
    resource = "contacts"
    filter_spec = CONTACT_FILTER
    sort_fields = CONTACT_SORT
    default_order = ["last_name", "first_name"]
    connection_type_path = "apps.contacts.graphql.types.ContactConnection"


class SourceLeadLoader(DataLoader):
    """The lead each contact was converted from, if any."""

    def batch_load(self, keys: list) -> list:
        from apps.leads.models import Lead

        leads = quietly_scoped(self.info, Lead.objects.all(), "leads").filter(converted_contact_id__in=keys)
        found = {lead.converted_contact_id: lead for lead in leads.order_by("converted_at")}
        return [found.get(key) for key in keys]

from django.contrib import admin

from apps.console.records import ServiceAdmin
from apps.console.sites import tenant_site
from apps.contacts import services
from apps.contacts.models import Contact


@admin.register(Contact, site=tenant_site)
class ContactAdmin(ServiceAdmin):
    permission_resource = "contacts"
    fields = [
        "first_name",
        "last_name",
        "email",
        "phone",
        "company",
        "job_title",
        "account",
        "owner",
        "history_table",
        "activity_table",
    ]
    list_display = ["last_name", "first_name", "email", "company", "owner", "updated_at"]
    search_fields = ["first_name", "last_name", "email", "company"]
    autocomplete_fields = ["account"]
    list_select_related = ["owner"]

    @staticmethod
    def service_create(**kwargs):
        return services.contact_create(**kwargs)

    @staticmethod
    def service_update(record, **kwargs):
        return services.contact_update(contact=record, **kwargs)

    @staticmethod
    def service_delete(record, **kwargs):
        return services.contact_delete(contact=record, **kwargs)

    @staticmethod
    def service_restore(record, **kwargs):
        return services.contact_restore(contact=record, **kwargs)

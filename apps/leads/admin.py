from django.contrib import admin

from apps.console.records import ServiceAdmin
from apps.console.sites import tenant_site
from apps.leads import services
from apps.leads.models import Lead


@admin.register(Lead, site=tenant_site)
class LeadAdmin(ServiceAdmin):
    permission_resource = "leads"
    fields = [
        "first_name",
        "last_name",
        "email",
        "phone",
        "company",
        "job_title",
        "source",
        "status",
        "score",
        "owner",
        "history_table",
        "activity_table",
    ]
    list_display = ["last_name", "first_name", "email", "company", "status", "score", "owner"]
    list_filter = (*ServiceAdmin.list_filter, "status", "source")
    search_fields = ["first_name", "last_name", "email", "company"]
    list_select_related = ["owner"]

    @staticmethod
    def service_create(**kwargs):
        return services.lead_create(**kwargs)

    @staticmethod
    def service_update(record, **kwargs):
        return services.lead_update(lead=record, **kwargs)

    @staticmethod
    def service_delete(record, **kwargs):
        return services.lead_delete(lead=record, **kwargs)

    @staticmethod
    def service_restore(record, **kwargs):
        return services.lead_restore(lead=record, **kwargs)

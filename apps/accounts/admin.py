from django.contrib import admin

from apps.accounts import services
from apps.accounts.models import Account
from apps.console.records import ServiceAdmin
from apps.console.sites import tenant_site


@admin.register(Account, site=tenant_site)
class AccountAdmin(ServiceAdmin):
    permission_resource = "accounts"
    fields = [
        "name",
        "website",
        "industry",
        "employees",
        "annual_revenue",
        "type",
        "parent",
        "owner",
        "history_table",
        "activity_table",
    ]
    list_display = ["name", "industry", "type", "owner", "updated_at"]
    list_filter = (*ServiceAdmin.list_filter, "type", "industry")
    search_fields = ["name", "website"]
    autocomplete_fields = ["parent"]
    list_select_related = ["owner"]

    @staticmethod
    def service_create(**kwargs):
        return services.account_create(**kwargs)

    @staticmethod
    def service_update(record, **kwargs):
        return services.account_update(account=record, **kwargs)

    @staticmethod
    def service_delete(record, **kwargs):
        return services.account_delete(account=record, **kwargs)

    @staticmethod
    def service_restore(record, **kwargs):
        return services.account_restore(account=record, **kwargs)

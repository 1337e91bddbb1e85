from django.contrib import admin

from apps.accounts.models import Account
from apps.console.records import ServiceAdmin
from apps.console.sites import tenant_site
from apps.contacts.models import Contact
from apps.deals import services
from apps.deals.models import Deal
from apps.pipelines.models import Pipeline, Stage
from apps.users.models import User


def _objects(data: dict) -> dict:
    """The deals services take model instances for relations; the admin form gives ids."""
    resolved = {
        "pipeline": Pipeline.objects.filter(pk=data.get("pipeline_id")).first(),
        "stage": Stage.objects.filter(pk=data.get("stage_id")).first(),
        "contact": Contact.objects.filter(pk=data.get("contact_id")).first(),
        "account": Account.objects.filter(pk=data.get("account_id")).first(),
        "owner": User.objects.filter(pk=data.get("owner_id")).first(),
    }
    plain = {k: v for k, v in data.items() if not k.endswith("_id")}
    return {**plain, **resolved}


@admin.register(Deal, site=tenant_site)
class DealAdmin(ServiceAdmin):
    permission_resource = "deals"
    fields = [
        "title",
        "value",
        "currency",
        "pipeline",
        "stage",
        "probability",
        "expected_close_date",
        "description",
        "contact",
        "account",
        "owner",
        "history_table",
        "activity_table",
    ]
    list_display = ["title", "value", "currency", "stage", "owner", "expected_close_date"]
    list_filter = (*ServiceAdmin.list_filter, "pipeline", "stage")
    search_fields = ["title"]
    autocomplete_fields = ["contact", "account"]
    list_select_related = ["owner", "stage"]

    @staticmethod
    def service_create(*, actor, data, can_reassign):
        fields = _objects(data)
        fields["owner"] = fields["owner"] if can_reassign and fields["owner"] else actor
        return services.deal_create(actor=actor, **fields)

    @staticmethod
    def service_update(record, *, actor, data, can_reassign):
        fields = _objects(data)
        if not can_reassign or fields["owner"] is None:
            fields.pop("owner")
        fields.pop("pipeline")
        return services.deal_update(deal=record, data=fields, actor=actor)

    @staticmethod
    def service_delete(record, *, actor):
        return services.deal_delete(deal=record, actor=actor)

    @staticmethod
    def service_restore(record, *, actor):
        return services.deal_restore(deal=record, actor=actor)

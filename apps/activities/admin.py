from django.contrib import admin

from apps.activities import services
from apps.activities.models import Communication, Event, Task
from apps.console.records import ServiceAdmin
from apps.console.sites import tenant_site


class ActivityAdmin(ServiceAdmin):
    permission_resource = "activities"
    readonly_fields = ["history_table"]
    search_fields = ["title", "description"]
    list_select_related = ["owner"]

    @staticmethod
    def service_delete(record, *, actor):
        return services.activity_delete(activity=record, actor=actor)


@admin.register(Task, site=tenant_site)
class TaskAdmin(ActivityAdmin):
    fields = ["title", "description", "due_date", "priority", "status", "assigned_to", "owner", "history_table"]
    list_display = ["title", "due_date", "priority", "status", "assigned_to"]
    list_filter = (*ServiceAdmin.list_filter, "status", "priority")

    @staticmethod
    def service_create(**kwargs):
        return services.task_create(**kwargs)

    @staticmethod
    def service_update(record, **kwargs):
        return services.task_update(task=record, **kwargs)


@admin.register(Event, site=tenant_site)
class EventAdmin(ActivityAdmin):
    fields = ["title", "description", "start_time", "end_time", "location", "owner", "history_table"]
    list_display = ["title", "start_time", "end_time", "location"]

    @staticmethod
    def service_create(**kwargs):
        return services.event_create(**kwargs)

    @staticmethod
    def service_update(record, **kwargs):
        return services.event_update(event=record, **kwargs)


@admin.register(Communication, site=tenant_site)
class CommunicationAdmin(ActivityAdmin):
    fields = ["type", "direction", "subject", "content", "timestamp", "owner", "history_table"]
    list_display = ["subject", "type", "direction", "timestamp"]
    list_filter = (*ServiceAdmin.list_filter, "type", "direction")

    @staticmethod
    def service_create(**kwargs):
        return services.communication_log(**kwargs)

    @staticmethod
    def service_update(record, **kwargs):
        return services.communication_update(communication=record, **kwargs)

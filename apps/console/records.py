"""Admin pages for CRM records that write only through each module's services, so the admin
applies the same validation, ownership, history and events as the API."""

from collections.abc import Callable

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.html import format_html, format_html_join

from apps.console.sites import RbacAdmin, grants_of
from apps.core.errors import DomainError, ValidationFailed
from apps.core.permissions import grant_scope, has_permission
from apps.core.scoping import scope_queryset
from apps.history.services import history_of


def can_reassign(request, resource: str) -> bool:
    grants = grants_of(request)
    return has_permission(grants, "records:reassign") or grant_scope(grants, f"{resource}:write") == "tenant"


def _service_data(form: forms.ModelForm) -> dict:
    """Cleaned form values as the services take them: foreign keys as `<name>_id`."""
    data = {}
    for name, value in form.cleaned_data.items():
        field = form._meta.model._meta.get_field(name)
        if isinstance(field, models.ForeignKey):
            data[f"{name}_id"] = value.pk if value is not None else None
        elif isinstance(field, models.ManyToManyField):
            continue
        else:
            data[name] = value
    return data


class TrashFilter(admin.SimpleListFilter):
    title = "trash"
    parameter_name = "trash"

    def lookups(self, request, model_admin):
        return [("yes", "In the trash")]

    def queryset(self, request, queryset):
        return queryset  # ServiceAdmin.get_queryset swaps in the trashed records


class ServiceAdmin(RbacAdmin):
    """Subclasses name their services; forms call them in `clean()` inside the admin's
    transaction, so a refusal becomes a form error and a success is saved exactly once."""

    service_create: Callable
    service_update: Callable
    service_delete: Callable
    service_restore: Callable | None = None
    list_filter: tuple = (TrashFilter,)
    readonly_fields = ["history_table", "activity_table"]
    actions = ["restore_selected"]

    def get_queryset(self, request):
        if request.GET.get("trash") != "yes":
            return super().get_queryset(request)
        scope = self._scope(request, "read")
        trashed = self.model.all_objects.filter(deleted_at__isnull=False)
        if scope is None:
            return trashed.none()
        return scope_queryset(trashed, request.user, scope, self.owner_field) if self.owner_field else trashed

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = super().get_form(request, obj, change, **kwargs)
        admin_ = self

        class ServiceForm(base):
            def clean(self):
                cleaned = super().clean()
                if self.errors:
                    return cleaned
                data = _service_data(self)
                if self.instance._state.adding:  # an empty owner on create means "me", as over the API
                    data = {k: v for k, v in data.items() if not (k.endswith("_id") and v is None)}
                reassign = can_reassign(request, admin_.permission_resource)
                try:
                    if self.instance._state.adding:
                        self.saved_record = admin_.service_create(actor=request.user, data=data, can_reassign=reassign)
                    else:
                        self.saved_record = admin_.service_update(
                            self.instance, actor=request.user, data=data, can_reassign=reassign
                        )
                except ValidationFailed as exc:
                    for field, message in exc.field_errors.items():
                        name = field if field in self.fields else None
                        self.add_error(name, message)
                except DomainError as exc:
                    raise ValidationError(exc.message) from exc
                return cleaned

            def _post_clean(self):
                """The service validates and saves; the model's own checks would run twice."""

        return ServiceForm

    def save_model(self, request, obj, form, change) -> None:
        obj.pk = form.saved_record.pk

    def save_related(self, request, form, formsets, change) -> None:
        """Related rows are the service's business."""

    def delete_model(self, request, obj) -> None:
        self.service_delete(obj, actor=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for record in queryset:
            self.service_delete(record, actor=request.user)

    @admin.action(description="Restore selected records from the trash")
    def restore_selected(self, request, queryset) -> None:
        restored = 0
        for record in queryset.filter(deleted_at__isnull=False):
            try:
                self.service_restore(record, actor=request.user)
                restored += 1
            except DomainError as exc:
                self.message_user(request, f"{record}: {exc.message}", level="error")
        self.message_user(request, f"Restored {restored} record(s).")

    @admin.display(description="History")
    def history_table(self, obj) -> str:
        if obj is None or obj.pk is None:
            return "—"
        rows = history_of(obj.pk).select_related("actor")[:50]
        return format_html(
            "<table><tr><th>When</th><th>Who</th><th>Action</th><th>Field</th><th>Old</th><th>New</th></tr>{}</table>",
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                (
                    (e.at.strftime("%Y-%m-%d %H:%M"), e.actor or "—", e.action, e.field or "", e.old, e.new)
                    for e in rows
                ),
            ),
        )

    @admin.display(description="Activities")
    def activity_table(self, obj) -> str:
        from apps.activities.models import Communication, Event, Task

        if obj is None or obj.pk is None:
            return "—"
        items = [("Task", t.title, t.due_date) for t in Task.objects.filter(related_id=obj.pk)[:20]]
        items += [("Event", e.title, e.start_time) for e in Event.objects.filter(related_id=obj.pk)[:20]]
        items += [
            ("Communication", c.subject, c.timestamp) for c in Communication.objects.filter(related_id=obj.pk)[:20]
        ]
        items.sort(key=lambda item: item[2] or obj.created_at, reverse=True)
        if not items:
            return "No activities."
        return format_html(
            "<table><tr><th>Kind</th><th>Title</th><th>When</th></tr>{}</table>",
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                ((kind, title, when.strftime("%Y-%m-%d %H:%M") if when else "") for kind, title, when in items),
            ),
        )

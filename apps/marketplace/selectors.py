"""Marketplace reads. Every tenant-side read is narrowed to the active tenant here, once."""

from django.db import connection
from django.db.models import Count, QuerySet

from apps.marketplace.choices import AppStatus
from apps.marketplace.models import Installation, MarketplaceApp, Widget


def app_list() -> QuerySet[MarketplaceApp]:
    """Every registered app with its number of installations (operators)."""
    return MarketplaceApp.objects.annotate(installation_count=Count("installations"))


def app_catalogue() -> QuerySet[MarketplaceApp]:
    """The apps a tenant may install."""
    return MarketplaceApp.objects.filter(status=AppStatus.ACTIVE)


def installation_list() -> QuerySet[Installation]:
    """The active tenant's installations."""
    return Installation.objects.filter(tenant_id=connection.tenant.pk).select_related("app", "tenant")


def installation_of_client(*, client_id: str) -> Installation | None:
    """The active tenant's installation of the app whose OAuth client this is (None for any
    other client, or an app the operators disabled)."""
    return installation_list().filter(app__client_id=client_id, app__status=AppStatus.ACTIVE).first()


def widget_list(*, installation: Installation | None = None) -> QuerySet[Widget]:
    """The active tenant's widgets (of one installation when given)."""
    widgets = Widget.objects.filter(installation__tenant_id=connection.tenant.pk).select_related("installation")
    return widgets.filter(installation=installation) if installation is not None else widgets


def widget_data(*, widget: Widget) -> dict:
    from apps.marketplace.widgets import widget_data_compute

    results = widget_data_compute(widget.data_source, permissions=widget.installation.permissions_granted)
    return {"widget_id": widget.pk, "query": widget.data_source["query"], "results": results}

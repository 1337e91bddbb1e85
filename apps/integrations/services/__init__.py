"""Writes of the integrations module, one file per concern."""

from apps.integrations.services.accounting import invoice_create
from apps.integrations.services.calendar import calendar_event_create
from apps.integrations.services.connections import (
    connection_adapter,
    connection_create,
    connection_delete,
    connection_require,
    connection_update,
)
from apps.integrations.services.email_marketing import sync_contacts_run, sync_contacts_start

__all__ = [
    "calendar_event_create",
    "connection_adapter",
    "connection_create",
    "connection_delete",
    "connection_require",
    "connection_update",
    "invoice_create",
    "sync_contacts_run",
    "sync_contacts_start",
]

"""One adapter per provider, each speaking that provider's real public HTTP API."""

from apps.integrations.choices import Provider
from apps.integrations.providers.base import ProviderAdapter, ProviderError
from apps.integrations.providers.google_calendar import GoogleCalendar
from apps.integrations.providers.mailchimp import Mailchimp
from apps.integrations.providers.quickbooks import QuickBooks

ADAPTERS: dict[str, type[ProviderAdapter]] = {
    Provider.MAILCHIMP: Mailchimp,
    Provider.GOOGLE_CALENDAR: GoogleCalendar,
    Provider.QUICKBOOKS: QuickBooks,
}

__all__ = ["ADAPTERS", "GoogleCalendar", "Mailchimp", "ProviderAdapter", "ProviderError", "QuickBooks"]

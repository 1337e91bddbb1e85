"""Writes of the reports module: the tenant's exchange rates."""

from decimal import Decimal

from apps.core.errors import Conflict
from apps.reports.models import CurrencyRate


def currency_rate_create(*, currency: str, rate: Decimal) -> CurrencyRate:
    if CurrencyRate.objects.filter(currency=currency).exists():
        raise Conflict(f"A rate for {currency} exists; update it with PUT /v1/currency-rates/{currency}.")
    return CurrencyRate.objects.create(currency=currency, rate=rate)


def currency_rate_update(*, rate_record: CurrencyRate, rate: Decimal) -> CurrencyRate:
    rate_record.rate = rate
    rate_record.save(update_fields=["rate", "updated_at"])
    return rate_record

"""Deal values in the tenant's currency: one SQL expression built from the tenant's rates."""

from decimal import Decimal

from django.db import connection
from django.db.models import Case, DecimalField, ExpressionWrapper, F, Value, When

from apps.reports.models import CurrencyRate

MONEY = DecimalField(max_digits=24, decimal_places=2)


def tenant_currency() -> str:
    tenant = getattr(connection, "tenant", None)
    return getattr(tenant, "currency", None) or "USD"


def currency_rates() -> dict[str, Decimal]:
    """Rates to the tenant currency; the tenant currency itself is always 1."""
    rates = dict(CurrencyRate.objects.values_list("currency", "rate"))
    rates[tenant_currency()] = Decimal(1)
    return rates


def converted(field: str = "value", *, currency_field: str = "currency", rates: dict[str, Decimal] | None = None):
    """`field` times the rate of the row's currency (1 for the tenant currency or an unknown one)."""
    rates = currency_rates() if rates is None else rates
    whens = [
        When(**{currency_field: code}, then=Value(rate, output_field=DecimalField(max_digits=18, decimal_places=8)))
        for code, rate in sorted(rates.items())
        if rate != 1
    ]
    if not whens:
        return ExpressionWrapper(F(field), output_field=MONEY)
    factor = Case(*whens, default=Value(Decimal(1)), output_field=DecimalField(max_digits=18, decimal_places=8))
    return ExpressionWrapper(F(field) * factor, output_field=MONEY)


def money(value) -> float:
    """A sum for JSON: two decimals, 0 for none."""
    return float(round(Decimal(value or 0), 2))

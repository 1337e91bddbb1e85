from decimal import Decimal

from rest_framework import serializers

from apps.core.api.serializers import StrictSerializer
from apps.reports.currency import tenant_currency


class CurrencyRateSerializer(StrictSerializer):
    """`rate`: what one unit of `currency` is worth in the tenant's currency (`baseCurrency`)."""

    currency = serializers.RegexField(r"^[A-Za-z]{3}$")
    rate = serializers.DecimalField(
        max_digits=18, decimal_places=8, min_value=Decimal("0.00000001"), coerce_to_string=False
    )
    updatedAt = serializers.DateTimeField(source="updated_at", read_only=True)

    def to_representation(self, instance) -> dict:
        data = super().to_representation(instance)
        data["baseCurrency"] = tenant_currency()
        return data

    def validate_currency(self, value: str) -> str:
        value = value.upper()
        if value == tenant_currency():
            raise serializers.ValidationError("The tenant's own currency is always 1.")
        return value

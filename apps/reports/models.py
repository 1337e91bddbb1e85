from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models

from apps.core.models import TimestampedModel


class CurrencyRate(TimestampedModel):
    """What one unit of `currency` is worth in the tenant's currency (`Tenant.currency`).

    Reports convert every deal value with these rates; a currency without a rate counts 1:1.
    """

    currency = models.CharField(max_length=3, primary_key=True)
    rate = models.DecimalField(max_digits=18, decimal_places=8, validators=[MinValueValidator(Decimal("0.00000001"))])

    class Meta:
        ordering = ["currency"]

    def __str__(self) -> str:
        return f"{self.currency} x {self.rate}"

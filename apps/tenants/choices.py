from django.db import models


class TenantStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"


class TenantPlan(models.TextChoices):
    """Rate tiers of the design: each plan's API callers default to that tier."""

    STANDARD = "standard", "Standard (authenticated_user limits)"
    INTEGRATION = "integration", "Integration (api_integration limits)"
    PREMIUM = "premium", "Premium (premium_integration limits)"

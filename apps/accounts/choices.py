from django.db import models


class AccountType(models.TextChoices):
    CUSTOMER = "Customer", "Customer"
    PROSPECT = "Prospect", "Prospect"
    PARTNER = "Partner", "Partner"
    VENDOR = "Vendor", "Vendor"
    RESELLER = "Reseller", "Reseller"
    COMPETITOR = "Competitor", "Competitor"
    OTHER = "Other", "Other"


class RelationshipType(models.TextChoices):
    SUBSIDIARY = "subsidiary", "Subsidiary"
    PARENT = "parent", "Parent"
    PARTNER = "partner", "Partner"
    RESELLER = "reseller", "Reseller"
    VENDOR = "vendor", "Vendor"
    COMPETITOR = "competitor", "Competitor"
    AFFILIATE = "affiliate", "Affiliate"

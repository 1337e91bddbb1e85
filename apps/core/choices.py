from django.db import models


class CustomFieldEntity(models.TextChoices):
    CONTACT = "contact", "Contact"
    ACCOUNT = "account", "Account"
    LEAD = "lead", "Lead"
    DEAL = "deal", "Deal"


class CustomFieldType(models.TextChoices):
    TEXT = "text", "Text"
    NUMBER = "number", "Number"
    DATE = "date", "Date"
    BOOL = "bool", "Boolean"
    CHOICE = "choice", "Choice"

from django.db import models


class Provider(models.TextChoices):
    MAILCHIMP = "mailchimp", "Mailchimp"
    GOOGLE_CALENDAR = "google_calendar", "Google Calendar"
    QUICKBOOKS = "quickbooks", "QuickBooks Online"


class IntegrationType(models.TextChoices):
    """The design's `details.integration_type` of an INTEGRATION_ERROR."""

    EMAIL_MARKETING = "email_marketing", "Email marketing"
    CALENDAR = "calendar", "Calendar"
    ACCOUNTING = "accounting", "Accounting"


PROVIDER_TYPE = {
    Provider.MAILCHIMP: IntegrationType.EMAIL_MARKETING,
    Provider.GOOGLE_CALENDAR: IntegrationType.CALENDAR,
    Provider.QUICKBOOKS: IntegrationType.ACCOUNTING,
}


class SyncStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"


SYNC_FINISHED = (SyncStatus.COMPLETED, SyncStatus.FAILED)


class LinkKind(models.TextChoices):
    """What a CRM record is linked to at a provider."""

    CALENDAR_EVENT = "calendar_event", "Calendar event"
    INVOICE = "invoice", "Invoice"

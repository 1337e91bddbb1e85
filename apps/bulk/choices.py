from django.db import models


class JobKind(models.TextChoices):
    IMPORT = "import", "Import"
    EXPORT = "export", "Export"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


FINISHED = (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED)


class BulkResource(models.TextChoices):
    CONTACTS = "contacts", "Contacts"
    ACCOUNTS = "accounts", "Accounts"
    LEADS = "leads", "Leads"
    DEALS = "deals", "Deals"


class ValidationLevel(models.TextChoices):
    STRICT = "strict", "Strict"
    LENIENT = "lenient", "Lenient"


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    JSON = "json", "JSON"
    XLSX = "xlsx", "XLSX"


class DeliveryMethod(models.TextChoices):
    DOWNLOAD = "download", "Download"
    WEBHOOK = "webhook", "Webhook"

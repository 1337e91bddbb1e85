from django.db import models


class ModelKind(models.TextChoices):
    LEAD_SCORING = "lead_scoring", "Lead scoring"
    DEAL_PROBABILITY = "deal_probability", "Deal win probability"


class ModelType(models.TextChoices):
    TRAINED = "trained", "Trained"
    RULES = "rules", "Rules"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"


ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)


class JobTrigger(models.TextChoices):
    MANUAL = "manual", "POST /v1/ai/models/train"
    NIGHTLY = "nightly", "Nightly schedule"
    OUTCOMES = "outcomes", "New outcomes accrued"

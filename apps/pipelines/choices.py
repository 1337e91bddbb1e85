from django.db import models


class StageType(models.TextChoices):
    OPEN = "open", "Open"
    WON = "won", "Won"
    LOST = "lost", "Lost"


class AutomationTrigger(models.TextChoices):
    """Both names of the design mean the same moment: a deal enters the stage (moved or created in it)."""

    STAGE_ENTERED = "stage_entered", "Stage entered"
    DEAL_ENTERED_STAGE = "deal_entered_stage", "Deal entered stage"


class ConditionOperator(models.TextChoices):
    EQUALS = "equals", "Equals"
    NOT_EQUALS = "not_equals", "Not equals"
    GREATER_THAN = "greater_than", "Greater than"
    LESS_THAN = "less_than", "Less than"
    CONTAINS = "contains", "Contains"
    IN = "in", "In"


class AutomationAction(models.TextChoices):
    CREATE_TASK = "create_task", "Create task"
    ASSIGN_USER = "assign_user", "Assign user"
    UPDATE_FIELD = "update_field", "Update field"
    SEND_WEBHOOK_EVENT = "send_webhook_event", "Send webhook event"
    NOTIFY = "notify", "Notify"


class AutomationRunStatus(models.TextChoices):
    COMPLETED = "completed", "Completed"  # conditions held, every action ran
    PARTIAL = "partial", "Partial"  # conditions held, at least one action failed
    CONDITIONS_NOT_MET = "conditions_not_met", "Conditions not met"
    DEPTH_LIMIT = "depth_limit", "Depth limit"  # a chain of rule-made moves went too deep

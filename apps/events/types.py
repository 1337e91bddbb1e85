"""The event types of the contract (§7). Services emit only these."""

from django.db import models


class EventType(models.TextChoices):
    CONTACT_CREATED = "contact.created"
    CONTACT_UPDATED = "contact.updated"
    CONTACT_DELETED = "contact.deleted"
    ACCOUNT_CREATED = "account.created"
    ACCOUNT_UPDATED = "account.updated"
    ACCOUNT_DELETED = "account.deleted"
    LEAD_CREATED = "lead.created"
    LEAD_UPDATED = "lead.updated"
    LEAD_QUALIFIED = "lead.qualified"
    LEAD_CONVERTED = "lead.converted"
    LEAD_SCORED = "lead.scored"
    DEAL_CREATED = "deal.created"
    DEAL_UPDATED = "deal.updated"
    DEAL_STAGE_CHANGED = "deal.stage_changed"
    DEAL_DELETED = "deal.deleted"
    TASK_CREATED = "task.created"
    TASK_UPDATED = "task.updated"
    TASK_COMPLETED = "task.completed"
    TASK_DUE = "task.due"
    EVENT_CREATED = "event.created"
    COMMUNICATION_LOGGED = "communication.logged"
    PIPELINE_CHANGED = "pipeline.changed"
    # Beyond the contract's list: bulk jobs ending (apps.bulk).
    JOB_COMPLETED = "job.completed"
    JOB_FAILED = "job.failed"
    # Beyond the contract's list: how a tenant learns that failures disabled one of its webhooks.
    WEBHOOK_DISABLED = "webhook.disabled"
    # Beyond the contract's list: a marketplace app installed in or removed from the tenant.
    APP_INSTALLED = "app.installed"
    APP_UNINSTALLED = "app.uninstalled"


# The resource (permission prefix, and /ws channel) each kind of event belongs to: a `contact.*`
# event is seen by whoever may read contacts, and is sent on the `contacts` channel.
_RESOURCE_OF_ENTITY = {
    "contact": "contacts",
    "account": "accounts",
    "lead": "leads",
    "deal": "deals",
    "task": "activities",
    "event": "activities",
    "communication": "activities",
    "pipeline": "pipelines",
    "webhook": "webhooks",
    "job": "bulk",
    "app": "marketplace",
}
RESOURCES = sorted(set(_RESOURCE_OF_ENTITY.values()))


def event_resource(event_type: str) -> str:
    """`deal.stage_changed` -> `deals`; an unknown kind has a resource nobody holds by default."""
    entity = event_type.split(".", 1)[0]
    return _RESOURCE_OF_ENTITY.get(entity, f"{entity}s")


def event_prefixes_of(resource: str) -> list[str]:
    """`activities` -> [`communication.`, `event.`, `task.`]: the event types a resource covers."""
    return sorted(f"{entity}." for entity, owner in _RESOURCE_OF_ENTITY.items() if owner == resource)

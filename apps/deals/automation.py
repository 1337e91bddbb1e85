"""Runs a stage's automation rules when a deal enters it, in the transaction of that change.

Each rule runs once per entry and is logged as an AutomationRun. Actions go through the deal
services, so a rule that moves the deal makes a new entry that runs the next stage's rules: the
chain stops at MAX_DEPTH (the deeper entries are logged as `depth_limit`, their actions skipped),
so two stages moving a deal back and forth cannot loop.
"""

from contextvars import ContextVar
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import DatabaseError, transaction
from django.utils import timezone

from apps.core.errors import DomainError
from apps.deals.events import deal_event_data
from apps.deals.models import Deal
from apps.events.services import event_emit
from apps.events.types import EventType
from apps.pipelines.choices import AutomationAction, AutomationRunStatus, ConditionOperator
from apps.pipelines.models import AutomationRun, Stage

MAX_DEPTH = 3
_depth: ContextVar[int] = ContextVar("deal_automation_depth", default=0)

_ID_FIELDS = {"ownerId": "owner_id", "accountId": "account_id", "contactId": "contact_id"}
_UPDATE_FIELDS = {"expectedCloseDate": "expected_close_date"}


def _field_value(deal: Deal, field: str) -> Any:
    if field.startswith("customFields."):
        return (deal.custom_fields or {}).get(field.removeprefix("customFields."))
    if field in _ID_FIELDS:
        return getattr(deal, _ID_FIELDS[field])
    if field == "stage":
        return deal.stage
    if field == "expectedCloseDate":
        return deal.expected_close_date.isoformat() if deal.expected_close_date else None
    return getattr(deal, field, None)


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _same(actual: Any, expected: Any) -> bool:
    if isinstance(actual, Stage):
        return str(expected).lower() in {actual.pk.lower(), actual.slug, actual.name.lower()}
    left, right = _number(actual), _number(expected)
    if left is not None and right is not None:
        return left == right
    if isinstance(actual, str) and isinstance(expected, str):
        return actual.lower() == expected.lower()
    return actual == expected


def condition_holds(deal: Deal, condition: dict) -> bool:
    actual = _field_value(deal, condition["field"])
    expected, operator = condition.get("value"), condition["operator"]
    if operator == ConditionOperator.EQUALS:
        return _same(actual, expected)
    if operator == ConditionOperator.NOT_EQUALS:
        return not _same(actual, expected)
    if operator in (ConditionOperator.GREATER_THAN, ConditionOperator.LESS_THAN):
        left, right = _number(actual), _number(expected)
        if left is None or right is None:
            return False
        return left > right if operator == ConditionOperator.GREATER_THAN else left < right
    if operator == ConditionOperator.CONTAINS:
        if isinstance(actual, list):
            return expected in actual
        text = actual.name if isinstance(actual, Stage) else actual
        return isinstance(text, str) and str(expected).lower() in text.lower()
    if operator == ConditionOperator.IN:
        return any(_same(actual, item) for item in expected or [])
    return False


def _user(user_id: str | None, default):
    from apps.users.models import User

    if user_id in (None, "owner"):
        return default
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise DomainError(f"No active user '{user_id}'.")
    return user


def _create_task(deal: Deal, action: dict, rule: dict, actor) -> dict:
    from apps.activities.services import task_create

    hours = float(action.get("dueInDays") or 0) * 24 + float(action.get("dueInHours") or 0)
    has_due = "dueInDays" in action or "dueInHours" in action
    assignee = _user(action.get("assignTo"), deal.owner)
    task = task_create(
        actor=actor,
        data={
            "title": action["title"].strip(),
            "description": action.get("description") or f"Created by automation rule {rule['id']} for {deal.title}.",
            "due_date": timezone.now() + timedelta(hours=hours) if has_due else None,
            "priority": action.get("priority") or "medium",
            "assigned_to_id": assignee.pk if assignee else None,
            "owner_id": assignee.pk if assignee else None,
            "related": {"type": "deal", "id": deal.pk},
        },
        can_reassign=True,  # the rule, set by someone allowed to, decides who gets the task
        event_extra={"automation": {"rule_id": rule["id"], "stage_id": deal.stage_id}},
    )
    return {"taskId": task.pk, "dueDate": task.due_date.isoformat() if task.due_date else None}


def _run_action(deal: Deal, action: dict, rule: dict, actor) -> dict:
    from apps.deals import services

    kind = action["type"]
    reason = f"Automation rule {rule['id']}"
    if kind == AutomationAction.CREATE_TASK:
        return _create_task(deal, action, rule, actor)
    if kind == AutomationAction.ASSIGN_USER:
        user = _user(action["userId"], None)
        services.deal_update(deal=deal, data={"owner": user}, actor=actor)
        return {"userId": user.pk}
    if kind == AutomationAction.UPDATE_FIELD:
        field, value = action["field"], action["value"]
        if field == "stage":
            services.deal_move_stage(deal=deal, new_stage=str(value), reason=reason, actor=actor)
        elif field.startswith("customFields."):
            services.deal_update(
                deal=deal, data={"custom_fields": {field.removeprefix("customFields."): value}}, actor=actor
            )
        else:
            services.deal_update(deal=deal, data={_UPDATE_FIELDS.get(field, field): value}, actor=actor)
        return {"field": field, "value": value}
    if kind == AutomationAction.SEND_WEBHOOK_EVENT:
        event_type = action.get("eventType", EventType.DEAL_UPDATED)
        automation = {"rule_id": rule["id"], "stage_id": deal.stage_id, "payload": action.get("payload") or {}}
        event = event_emit(
            event_type,
            data=deal_event_data(deal, automation=automation),
            record_id=deal.pk,
            owner_id=deal.owner_id,
            actor=actor,
        )
        return {"eventId": event.event_id, "eventType": event_type}
    if kind == AutomationAction.NOTIFY:
        recipient = _user(action.get("userId"), deal.owner)
        return {"userId": getattr(recipient, "pk", None), "message": action["message"]}
    raise DomainError(f"Unknown action '{kind}'.")


def _run_rule(deal: Deal, rule: dict, actor) -> tuple[str, list[dict]]:
    if not all(condition_holds(deal, condition) for condition in rule.get("conditions", [])):
        return AutomationRunStatus.CONDITIONS_NOT_MET, []
    results = []
    for action in rule["actions"]:
        try:
            with transaction.atomic():  # a failed action rolls back alone; the move and the others stay
                result = _run_action(deal, action, rule, actor)
            results.append({"type": action["type"], "status": "done", **result})
        except (DomainError, DatabaseError) as exc:
            message = getattr(exc, "message", None) or str(exc)
            results.append({"type": action["type"], "status": "failed", "error": message})
            deal.refresh_from_db()
    failed = any(result["status"] == "failed" for result in results)
    return (AutomationRunStatus.PARTIAL if failed else AutomationRunStatus.COMPLETED), results


def automation_on_stage_entered(*, deal: Deal, stage: Stage, actor) -> list[AutomationRun]:
    """Runs `stage`'s enabled rules for `deal`, which just entered it. Returns the logged runs."""
    rules = [rule for rule in stage.automation_rules or [] if rule.get("enabled", True)]
    if not rules:
        return []
    depth = _depth.get() + 1
    runs = []
    token = _depth.set(depth)
    try:
        for rule in rules:
            if depth > MAX_DEPTH:
                status, actions = AutomationRunStatus.DEPTH_LIMIT, []
            else:
                status, actions = _run_rule(deal, rule, actor)
            runs.append(
                AutomationRun.objects.create(
                    stage=stage,
                    rule_id=rule["id"],
                    rule=rule,
                    deal_id=deal.pk,
                    trigger=rule["trigger"],
                    depth=depth,
                    status=status,
                    actions=actions,
                    actor=actor if getattr(actor, "pk", None) else None,
                )
            )
    finally:
        _depth.reset(token)
    return runs

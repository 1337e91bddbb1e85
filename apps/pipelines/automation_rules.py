"""Stage automation rules: the one place that checks and normalizes them.

Two request shapes of the design are accepted and stored in one shape:

    {"trigger": "deal_entered_stage", "conditions": [{"field", "operator", "value"}],
     "actions": [{"type": "assign_user", "userId": ...}, {"type": "create_task", "title", "dueInHours"}]}
    {"trigger": "stage_entered", "action": "create_task", "parameters": {"title", "dueInDays"}}

Stored: {"id": "rule_...", "trigger", "conditions": [...], "actions": [{"type", ...params}], "enabled"}.
"""

from decimal import Decimal
from typing import Any

from apps.core.errors import ValidationFailed
from apps.core.ids import new_id
from apps.events.types import EventType
from apps.pipelines.choices import AutomationAction, AutomationTrigger, ConditionOperator

# Deal fields a condition may test and an update_field action may set (customFields.<name> too).
CONDITION_FIELDS = {
    "title",
    "value",
    "currency",
    "probability",
    "description",
    "stage",
    "ownerId",
    "accountId",
    "contactId",
    "expectedCloseDate",
}
UPDATABLE_FIELDS = {"title", "value", "currency", "probability", "description", "expectedCloseDate", "stage"}
WEBHOOK_EVENT_TYPES = {EventType.DEAL_UPDATED, EventType.DEAL_STAGE_CHANGED, EventType.DEAL_CREATED}
TASK_PRIORITIES = {"low", "medium", "high", "urgent"}
MAX_RULES_PER_STAGE = 50
MAX_ACTIONS_PER_RULE = 20


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _field_known(field: Any, allowed: set[str]) -> bool:
    return isinstance(field, str) and (field in allowed or (field.startswith("customFields.") and len(field) > 13))


class _Checker:
    def __init__(self) -> None:
        self.errors: dict[str, str] = {}
        self.user_refs: list[tuple[str, str]] = []  # (error path, user id)

    def error(self, path: str, message: str) -> None:
        self.errors.setdefault(path, message)

    def condition(self, path: str, raw: Any) -> dict:
        if not isinstance(raw, dict):
            self.error(path, "A condition is an object with field, operator and value.")
            return {}
        if not _field_known(raw.get("field"), CONDITION_FIELDS):
            self.error(
                f"{path}.field",
                f"Unknown field. Use one of {', '.join(sorted(CONDITION_FIELDS))} or customFields.<name>.",
            )
        operator = raw.get("operator")
        if operator not in ConditionOperator.values:
            self.error(f"{path}.operator", f"Unknown operator. Use one of {', '.join(ConditionOperator.values)}.")
        if "value" not in raw:
            self.error(f"{path}.value", "This field is required.")
        elif operator in (ConditionOperator.GREATER_THAN, ConditionOperator.LESS_THAN) and not _is_number(raw["value"]):
            self.error(f"{path}.value", f"'{operator}' compares numbers.")
        elif operator == ConditionOperator.IN and not isinstance(raw["value"], list):
            self.error(f"{path}.value", "'in' needs a list of values.")
        return {"field": raw.get("field"), "operator": operator, "value": raw.get("value")}

    def action(self, path: str, raw: Any) -> dict:
        if not isinstance(raw, dict):
            self.error(path, "An action is an object with a type and its parameters.")
            return {}
        kind = raw.get("type")
        if kind not in AutomationAction.values:
            self.error(f"{path}.type", f"Unknown action. Use one of {', '.join(AutomationAction.values)}.")
            return dict(raw)
        if kind == AutomationAction.CREATE_TASK:
            if not isinstance(raw.get("title"), str) or not raw["title"].strip():
                self.error(f"{path}.title", "A task needs a title.")
            for key in ("dueInDays", "dueInHours"):
                if key in raw and (not _is_number(raw[key]) or raw[key] < 0):
                    self.error(f"{path}.{key}", f"'{key}' must be a number of at least 0.")
            if raw.get("priority") is not None and raw["priority"] not in TASK_PRIORITIES:
                self.error(f"{path}.priority", f"Use one of {', '.join(sorted(TASK_PRIORITIES))}.")
            if raw.get("assignTo") not in (None, "owner"):
                self.user_refs.append((f"{path}.assignTo", raw["assignTo"]))
        elif kind == AutomationAction.ASSIGN_USER:
            if not raw.get("userId"):
                self.error(f"{path}.userId", "This field is required.")
            else:
                self.user_refs.append((f"{path}.userId", raw["userId"]))
        elif kind == AutomationAction.UPDATE_FIELD:
            if not _field_known(raw.get("field"), UPDATABLE_FIELDS):
                self.error(
                    f"{path}.field",
                    f"Cannot set this field. Use one of {', '.join(sorted(UPDATABLE_FIELDS))} or customFields.<name>.",
                )
            if "value" not in raw:
                self.error(f"{path}.value", "This field is required.")
        elif kind == AutomationAction.SEND_WEBHOOK_EVENT:
            if raw.get("eventType", EventType.DEAL_UPDATED) not in WEBHOOK_EVENT_TYPES:
                self.error(f"{path}.eventType", f"Use one of {', '.join(sorted(WEBHOOK_EVENT_TYPES))}.")
            if raw.get("payload") is not None and not isinstance(raw["payload"], dict):
                self.error(f"{path}.payload", "The payload is an object.")
        elif kind == AutomationAction.NOTIFY:
            if not isinstance(raw.get("message"), str) or not raw["message"].strip():
                self.error(f"{path}.message", "A notification needs a message.")
            if raw.get("userId") not in (None, "owner"):
                self.user_refs.append((f"{path}.userId", raw["userId"]))
        return dict(raw)

    def rule(self, path: str, raw: Any) -> dict:
        if not isinstance(raw, dict):
            self.error(path, "A rule is an object with a trigger and actions.")
            return {}
        trigger = raw.get("trigger")
        if trigger not in AutomationTrigger.values:
            self.error(f"{path}.trigger", f"Unknown trigger. Use one of {', '.join(AutomationTrigger.values)}.")
        raw_actions = raw.get("actions")
        if "action" in raw:  # the PUT-stage shape: one action and its parameters
            parameters = raw.get("parameters") or {}
            if not isinstance(parameters, dict):
                self.error(f"{path}.parameters", "The parameters are an object.")
                parameters = {}
            raw_actions = [{**parameters, "type": raw["action"]}]
        if not isinstance(raw_actions, list) or not raw_actions:
            self.error(f"{path}.actions", "A rule needs at least one action.")
            raw_actions = []
        elif len(raw_actions) > MAX_ACTIONS_PER_RULE:
            self.error(f"{path}.actions", f"At most {MAX_ACTIONS_PER_RULE} actions per rule.")
        raw_conditions = raw.get("conditions") or []
        if not isinstance(raw_conditions, list):
            self.error(f"{path}.conditions", "The conditions are a list.")
            raw_conditions = []
        single_action = "action" in raw
        return {
            "id": raw.get("id") if str(raw.get("id", "")).startswith("rule_") else new_id("rule"),
            "trigger": trigger,
            "conditions": [self.condition(f"{path}.conditions[{i}]", c) for i, c in enumerate(raw_conditions)],
            "actions": [
                self.action(f"{path}.parameters" if single_action else f"{path}.actions[{i}]", a)
                for i, a in enumerate(raw_actions)
            ],
            "enabled": raw.get("enabled", True) is not False,
        }


def automation_rules_clean(raw_rules: Any, *, field: str = "rules") -> list[dict]:
    """The rules in their stored shape, or VALIDATION_ERROR naming each bad field by its path."""
    from apps.users.models import User

    if not isinstance(raw_rules, list):
        raise ValidationFailed({field: "The rules are a list."})
    if len(raw_rules) > MAX_RULES_PER_STAGE:
        raise ValidationFailed({field: f"At most {MAX_RULES_PER_STAGE} rules per stage."})
    checker = _Checker()
    rules = [checker.rule(f"{field}[{index}]", raw) for index, raw in enumerate(raw_rules)]
    if checker.user_refs:
        wanted = {str(user_id) for _, user_id in checker.user_refs}
        known = set(User.objects.filter(pk__in=wanted, is_active=True).values_list("pk", flat=True))
        for path, user_id in checker.user_refs:
            if str(user_id) not in known:
                checker.error(path, f"No active user '{user_id}'.")
    if checker.errors:
        raise ValidationFailed(checker.errors)
    return rules

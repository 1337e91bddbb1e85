"""The tenant's password policy: a Django password validator (every `validate_password` call —
user creation, password change, `apps.users.services.password_validate` — enforces it), and its
`max_age_days` (a password older than that must be changed before the person signs in again)."""

import re
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django_tenants.utils import get_public_schema_name


def _policy() -> dict | None:
    if connection.schema_name == get_public_schema_name():
        return None
    from apps.security.services import security_config_get

    return security_config_get()["password_policy"]


class TenantPasswordPolicyValidator:
    def validate(self, password: str, user=None) -> None:
        policy = _policy()
        if policy is None:
            return
        problems = [rule for rule, met in _rules(policy, password) if not met]
        if problems:
            raise ValidationError("The password must contain " + ", ".join(problems) + ".", code="password_policy")

    def get_help_text(self) -> str:
        policy = _policy()
        if policy is None:
            return "Your password must follow your organisation's password policy."
        return "Your organisation's policy: the password must contain " + ", ".join(r for r, _ in _rules(policy)) + "."


def _rules(policy: dict, password: str = "") -> list[tuple[str, bool]]:
    """(rule, met by `password`) for each rule the policy sets."""
    rules = [(f"at least {policy['min_length']} characters", len(password) >= policy["min_length"])]
    if policy["require_uppercase"]:
        rules.append(("an uppercase letter", bool(re.search(r"[A-Z]", password))))
    if policy["require_numbers"]:
        rules.append(("a number", bool(re.search(r"\d", password))))
    if policy["require_symbols"]:
        rules.append(("a symbol", bool(re.search(r"[^A-Za-z0-9]", password))))
    return rules


def password_expired(user, request=None) -> bool:
    """Older than the tenant's `max_age_days` (0: passwords never expire). A password whose age is
    unknown (set before ages were kept) is not held against its owner."""
    changed_at = getattr(user, "password_changed_at", None)
    if changed_at is None or connection.schema_name == get_public_schema_name():
        return False
    from apps.security.services import security_config_get

    max_age_days = security_config_get(request)["password_policy"]["max_age_days"]
    return bool(max_age_days) and changed_at < timezone.now() - timedelta(days=max_age_days)

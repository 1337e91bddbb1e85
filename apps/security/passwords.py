"""The tenant's password policy as a Django password validator: every `validate_password` call
(user creation, password change, `apps.users.services.password_validate`) enforces it."""

import re

from django.core.exceptions import ValidationError
from django.db import connection
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
        problems = []
        if len(password) < policy["min_length"]:
            problems.append(f"at least {policy['min_length']} characters")
        if policy["require_uppercase"] and not re.search(r"[A-Z]", password):
            problems.append("an uppercase letter")
        if policy["require_numbers"] and not re.search(r"\d", password):
            problems.append("a number")
        if policy["require_symbols"] and not re.search(r"[^A-Za-z0-9]", password):
            problems.append("a symbol")
        if problems:
            raise ValidationError("The password must contain " + ", ".join(problems) + ".", code="password_policy")

    def get_help_text(self) -> str:
        return "Your password must follow your organisation's password policy."

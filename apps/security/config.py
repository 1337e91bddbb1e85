"""The tenant security configuration: the design's JSON, its defaults and its validation."""

from copy import deepcopy

DEFAULT_SECURITY_CONFIG: dict[str, dict] = {
    "password_policy": {
        "min_length": 12,
        "require_uppercase": True,
        "require_numbers": True,
        "require_symbols": True,
        "max_age_days": 90,
    },
    "session_config": {
        "timeout_minutes": 480,
        "concurrent_sessions": 3,
        "remember_me_days": 30,
    },
    "api_security": {
        "rate_limit_multiplier": 1.0,
        "ip_whitelist_enabled": True,
        "api_key_rotation_days": 90,
    },
}

# section -> field -> (type, minimum, maximum)
FIELD_RULES: dict[str, dict[str, tuple[type, float | None, float | None]]] = {
    "password_policy": {
        "min_length": (int, 8, 128),
        "require_uppercase": (bool, None, None),
        "require_numbers": (bool, None, None),
        "require_symbols": (bool, None, None),
        "max_age_days": (int, 0, 3650),
    },
    "session_config": {
        "timeout_minutes": (int, 5, 60 * 24 * 30),
        "concurrent_sessions": (int, 1, 100),
        "remember_me_days": (int, 0, 365),
    },
    "api_security": {
        "rate_limit_multiplier": (float, 0.1, 100),
        "ip_whitelist_enabled": (bool, None, None),
        "api_key_rotation_days": (int, 1, 3650),
    },
}


def config_defaults() -> dict[str, dict]:
    return deepcopy(DEFAULT_SECURITY_CONFIG)


def config_errors(sections: dict) -> dict[str, str]:
    """Field errors (dotted names) of a partial config; empty when it is acceptable."""
    errors: dict[str, str] = {}
    for section, values in sections.items():
        rules = FIELD_RULES.get(section)
        if rules is None:
            errors[f"security_config.{section}"] = "Unknown section."
            continue
        if not isinstance(values, dict):
            errors[f"security_config.{section}"] = "Must be an object."
            continue
        for name, value in values.items():
            where = f"security_config.{section}.{name}"
            if name not in rules:
                errors[where] = "Unknown field."
                continue
            kind, low, high = rules[name]
            if kind is bool:
                valid = isinstance(value, bool)
            elif kind is int:
                valid = isinstance(value, int) and not isinstance(value, bool)
            else:
                valid = isinstance(value, int | float) and not isinstance(value, bool)
            if not valid:
                errors[where] = f"Must be a {'boolean' if kind is bool else 'number'}."
            elif low is not None and not (low <= value <= high):
                errors[where] = f"Must be between {low:g} and {high:g}."
    return errors

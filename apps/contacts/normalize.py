"""Email and phone normalisation for people (contacts and leads)."""

import phonenumbers
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email

DEFAULT_PHONE_REGION = "US"


def email_normalize(value: str | None) -> tuple[str | None, str | None]:
    """(lowercased email or None, problem or None)."""
    if value is None or not value.strip():
        return None, None
    email = value.strip().lower()
    try:
        validate_email(email)
    except DjangoValidationError:
        return None, "Invalid email format"
    return email, None


def phone_normalize(value: str | None) -> tuple[str, str | None]:
    """(E.164 phone or "", problem or None). Numbers without a country code are read as US ones;
    any number possible for its country is accepted (the design's `+1-555-0123` included)."""
    if value is None or not value.strip():
        return "", None
    try:
        number = phonenumbers.parse(value, DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException:
        return "", "Invalid phone number"
    if not phonenumbers.is_possible_number(number):
        return "", "Invalid phone number"
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return (f"{e164};ext={number.extension}" if number.extension else e164), None

"""Typed domain errors. Services raise them; the API layer maps them to the envelope."""

from typing import Any


class DomainError(Exception):
    status = 400
    code = "BAD_REQUEST"

    def __init__(self, message: str = "", *, field: str | None = None, details: dict[str, Any] | None = None):
        super().__init__(message or self.__class__.__name__)
        self.message = message or self.default_message()
        self.field = field
        self.details = details

    def default_message(self) -> str:
        return "The request could not be completed."

    def as_errors(self) -> list[dict[str, Any]]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field:
            error["field"] = self.field
        if self.details:
            error["details"] = self.details
        return [error]


class ValidationFailed(DomainError):
    """One or more fields are invalid. `errors` maps each field to its message."""

    status = 400
    code = "VALIDATION_ERROR"

    def __init__(self, errors: dict[str, str] | str, *, field: str | None = None):
        if isinstance(errors, str):
            errors = {field or "": errors}
        self.field_errors = errors
        first_field, first_message = next(iter(errors.items()))
        super().__init__(first_message, field=first_field or None)

    def as_errors(self) -> list[dict[str, Any]]:
        out = []
        for field, message in self.field_errors.items():
            error: dict[str, Any] = {"code": self.code, "message": message}
            if field:
                error["field"] = field
            out.append(error)
        return out


class NotFound(DomainError):
    status = 404
    code = "NOT_FOUND"

    def default_message(self) -> str:
        return "Not found."


class Conflict(DomainError):
    status = 409
    code = "CONFLICT"

    def default_message(self) -> str:
        return "The request conflicts with the current state of the resource."


class Forbidden(DomainError):
    status = 403
    code = "FORBIDDEN"

    def default_message(self) -> str:
        return "Insufficient permissions"


class IntegrationError(DomainError):
    status = 502
    code = "INTEGRATION_ERROR"

    def default_message(self) -> str:
        return "Failed to sync with external system"

"""Errors as GraphQL answers them: a code in `extensions`, a message for humans, never a trace.

Domain errors (`apps.core.errors`) keep their code and message. Anything unexpected is logged with
its traceback and answered as `INTERNAL_ERROR` with a generic message.
"""

import logging
from typing import Any

from graphql import GraphQLError

from apps.core.errors import DomainError, ValidationFailed

logger = logging.getLogger("crm.graphql")

INTERNAL_MESSAGE = "An internal error occurred. It has been logged."


def graphql_error(code: str, message: str, **extensions: Any) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code, **extensions})


def unauthenticated() -> GraphQLError:
    return graphql_error("UNAUTHORIZED", "Authentication credentials were not provided.")


def forbidden(required: str, grants: list[str] | None = None) -> GraphQLError:
    extensions: dict[str, Any] = {"required_permissions": [required]}
    if grants is not None:
        extensions["user_permissions"] = sorted(grants)
    return graphql_error("FORBIDDEN", "Insufficient permissions", **extensions)


def format_error(error: Exception) -> dict[str, Any]:
    """The JSON of one error in a GraphQL response."""
    if not isinstance(error, GraphQLError):
        logger.error("GraphQL request failed", exc_info=error)
        return {"message": INTERNAL_MESSAGE, "extensions": {"code": "INTERNAL_ERROR"}}
    original = error.original_error
    formatted = error.formatted
    if original is None or isinstance(original, GraphQLError):
        extensions = dict(formatted.get("extensions") or {})
        extensions.setdefault("code", "GRAPHQL_VALIDATION_FAILED" if not error.path else "BAD_REQUEST")
        formatted["extensions"] = extensions
        return formatted
    if isinstance(original, DomainError):
        formatted["message"] = original.message
        extensions = {"code": original.code}
        if isinstance(original, ValidationFailed):
            extensions["fields"] = original.as_errors()
        elif original.details:
            extensions["details"] = original.details
        formatted["extensions"] = extensions
        return formatted
    logger.error("GraphQL resolver failed at %s", error.path, exc_info=original)
    formatted["message"] = INTERNAL_MESSAGE
    formatted["extensions"] = {"code": "INTERNAL_ERROR"}
    return formatted

"""`/graphql`: POST (or GET) queries and mutations; GraphiQL for browsers on GET.

Before an operation runs: the caller is authenticated exactly as REST does it (DRF's
authentication classes), a persisted query hash is swapped for its text, the text's size, the
operation's depth and its cost are checked; then it executes with per-request DataLoaders.
Errors carry a code in `extensions` and never a stack trace.
"""

import json

from django.db import transaction
from django.http import HttpResponse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from graphene_django.views import GraphQLView, HttpError
from graphql import ExecutionResult, OperationType, execute, get_operation_ast, parse, validate
from graphql.error import GraphQLSyntaxError
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.settings import api_settings

from apps.core.graphql import limits
from apps.core.graphql.errors import format_error, graphql_error
from apps.core.graphql.execution import CrmExecutionContext
from apps.core.graphql.persisted import resolve_query_text

GRAPHIQL_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; font-src 'self' data: https://cdn.jsdelivr.net; "
    "img-src 'self' data:; connect-src 'self' ws: wss:"
)


def authenticate(request) -> Request:
    """Sets `request.user` and `request.auth` with REST's authentication classes (session, JWT
    bearer tokens, API keys: whatever `DEFAULT_AUTHENTICATION_CLASSES` lists), then counts the
    call against the caller's rate limits as every REST call is (429 when over)."""
    drf_request = Request(request, authenticators=[cls() for cls in api_settings.DEFAULT_AUTHENTICATION_CLASSES])
    request.user = drf_request.user
    request.auth = drf_request.auth
    from apps.security.ratelimit import RateLimitGate

    RateLimitGate().has_permission(drf_request, None)
    return drf_request


REFUSAL_CODES = {401: "UNAUTHORIZED", 403: "FORBIDDEN", 429: "RATE_LIMIT_EXCEEDED"}


def refusal(failure: APIException) -> HttpResponse:
    """A request refused before any operation ran, as a GraphQL error body with REST's status."""
    extensions = {"code": REFUSAL_CODES.get(failure.status_code, "BAD_REQUEST")}
    extensions.update(getattr(failure, "details", None) or {})
    body = {"errors": [{"message": str(failure.detail), "extensions": extensions}]}
    response = HttpResponse(json.dumps(body), status=failure.status_code, content_type="application/json")
    if getattr(failure, "auth_header", None):
        response["WWW-Authenticate"] = failure.auth_header
    if getattr(failure, "wait", None):
        response["Retry-After"] = str(int(failure.wait))
    return response


@method_decorator(csrf_exempt, name="dispatch")
class CrmGraphQLView(GraphQLView):
    graphiql = True
    execution_context_class = CrmExecutionContext

    def dispatch(self, request, *args, **kwargs):
        try:
            authenticate(request)
        except APIException as failure:
            return refusal(failure)
        response = super().dispatch(request, *args, **kwargs)
        if response.get("Content-Type", "").startswith("text/html"):
            response["Content-Security-Policy"] = GRAPHIQL_CSP
        return response

    def format_error(self, error):
        if isinstance(error, HttpError):
            return {"message": error.message, "extensions": {"code": "BAD_REQUEST"}}
        return format_error(error)

    def execute_graphql_request(self, request, data, query, variables, operation_name, show_graphiql=False):
        extensions = data.get("extensions") if hasattr(data, "get") else None
        if isinstance(extensions, str):
            try:
                extensions = json.loads(extensions)
            except ValueError:
                extensions = None
        query, error = resolve_query_text(query, extensions)
        if error is not None:
            return ExecutionResult(errors=[error])
        if not query:
            if show_graphiql:
                return None
            raise HttpError(HttpResponse("Must provide query string.", status=400))
        if len(query.encode()) > limits.max_query_bytes():
            return ExecutionResult(
                errors=[
                    graphql_error(
                        "QUERY_TOO_LARGE",
                        f"The query text is larger than {limits.max_query_bytes()} bytes; "
                        "send a persisted query hash instead.",
                    )
                ]
            )
        if variables is not None and not isinstance(variables, dict):
            return ExecutionResult(errors=[graphql_error("BAD_REQUEST", "'variables' must be a JSON object.")])
        schema = self.schema.graphql_schema
        try:
            document = parse(query)
        except GraphQLSyntaxError as syntax_error:
            return ExecutionResult(errors=[syntax_error])
        operation = get_operation_ast(document, operation_name)
        if request.method.lower() == "get" and operation is not None and operation.operation != OperationType.QUERY:
            if show_graphiql:
                return None
            return ExecutionResult(errors=[graphql_error("BAD_REQUEST", "Mutations must be sent with POST.")])
        validation_errors = validate(schema, document)
        if validation_errors:
            return ExecutionResult(errors=validation_errors)
        if operation is None:
            return ExecutionResult(errors=[graphql_error("BAD_REQUEST", "Name the operation to run (operationName).")])
        if operation.operation == OperationType.SUBSCRIPTION:
            return ExecutionResult(
                errors=[graphql_error("BAD_REQUEST", "Subscriptions are served over WebSocket at /graphql.")]
            )
        refusals = limits.check(schema, document, operation, variables)
        if refusals:
            return ExecutionResult(errors=refusals)
        options = {
            "context_value": self.get_context(request),
            "variable_values": variables,
            "operation_name": operation_name,
            "middleware": self.get_middleware(request),
            "execution_context_class": self.execution_context_class,
        }
        if operation.operation == OperationType.MUTATION:
            with transaction.atomic():
                return execute(schema, document, **options)
        return execute(schema, document, **options)

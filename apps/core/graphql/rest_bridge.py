"""Mutations run the REST action they mirror, in-process: one set of rules for both APIs.

`POST /v1/deals/{id}/move-stage` and `moveDealStage` are the same operation, so the mutation
hands the design's REST body to the REST view (resolved from its URL) as the same caller, and
reads back what it answered. Validation, ownership checks, services, events and permission
strings are therefore exactly REST's; nothing about them is restated here.

    data = rest_call(info, "POST", f"/v1/deals/{deal_id}/move-stage", {"newStage": ...})
    data = rest_call(info, "GET", "/v1/reports/sales", query={"start": ..., "pipelineIds": [...]})

The call skips the HTTP middleware (the GraphQL request already went through routing,
authentication and the rate limit) and is not counted again.
"""

import io
import json
from typing import Any

from django.http import HttpRequest, QueryDict
from django.urls import Resolver404, resolve
from rest_framework.renderers import JSONRenderer

from apps.core.errors import DomainError, Forbidden, NotFound

# What a nested call inherits from the GraphQL request (client address, request id, host).
_INHERITED_META = ("REMOTE_ADDR", "HTTP_X_FORWARDED_FOR", "HTTP_USER_AGENT", "HTTP_HOST", "HTTP_X_REQUEST_ID")


class RestRefused(DomainError):
    """The REST action refused the call: its errors, as it answered them."""

    def __init__(self, status: int, errors: list[dict[str, Any]]):
        self.status = status
        self.errors = errors or [{"code": "BAD_REQUEST", "message": "The request could not be completed."}]
        self.code = self.errors[0].get("code", "BAD_REQUEST")
        super().__init__(self.errors[0].get("message", ""), field=self.errors[0].get("field"))

    def as_errors(self) -> list[dict[str, Any]]:
        return [
            {"code": error.get("code", self.code), "message": error.get("message", ""), "field": error.get("field")}
            for error in self.errors
        ]


def _request(context, method: str, path: str, body: Any, query: dict | None) -> HttpRequest:
    raw = json.dumps(body if body is not None else {}, cls=_Encoder).encode() if method != "GET" else b""
    request = HttpRequest()
    request.method = method
    request.path = request.path_info = path
    request.GET = QueryDict(mutable=True)
    for name, value in (query or {}).items():
        if value is None:
            continue
        values = value if isinstance(value, (list, tuple)) else [value]
        request.GET.setlist(name, [_query_value(item) for item in values])
    original_meta = getattr(context, "META", {}) or {}
    request.META = {key: original_meta[key] for key in _INHERITED_META if key in original_meta}
    request.META.update({"REQUEST_METHOD": method, "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(raw))})
    request.META.setdefault("SERVER_NAME", "graphql")
    request.META.setdefault("SERVER_PORT", "443")
    request._stream = io.BytesIO(raw)
    request._read_started = False
    for name in ("tenant", "request_id", "urlconf", "session"):
        if hasattr(context, name):
            setattr(request, name, getattr(context, name))
    # The caller, as the GraphQL request authenticated them (token and its permissions included).
    request.user = context.user
    request._force_auth_user = context.user
    request._force_auth_token = getattr(context, "auth", None)
    request._dont_enforce_csrf_checks = True
    request.crm_rate_limit_headers = getattr(context, "crm_rate_limit_headers", None) or {}
    return request


def _query_value(value) -> str:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(getattr(value, "value", value))


class _Encoder(json.JSONEncoder):
    def default(self, value):
        if hasattr(value, "isoformat"):
            return value.isoformat()
        return super().default(value)


def rest_call(info, method: str, path: str, body: Any = None, *, query: dict | None = None) -> Any:
    """Runs the REST action at `path` as the GraphQL caller; its `data` on success, else raises
    the refusal (`RestRefused` carrying REST's errors; `Forbidden`, `NotFound` as such)."""
    try:
        match = resolve(path, urlconf=getattr(info.context, "urlconf", None))
    except Resolver404:
        raise NotFound() from None
    request = _request(info.context, method, path, body, query)
    response = match.func(request, *match.args, **match.kwargs)
    data = response.data
    if response.status_code < 300:
        return data
    errors = data if isinstance(data, list) else (data or {}).get("errors") or []
    if response.status_code == 403:
        first = errors[0] if errors else {}
        raise Forbidden(first.get("message", ""), details=first.get("details"))
    if response.status_code == 401:
        raise Forbidden("Authentication credentials were not provided.")
    raise RestRefused(response.status_code, errors)


def rendered(data: Any) -> Any:
    """REST's answer as plain JSON values (Decimals and dates as the REST client sees them)."""
    return json.loads(JSONRenderer().render(data))

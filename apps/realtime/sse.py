"""`GET /sse/activity-feed?user_id=`: the event log as `text/event-stream`.

    id: evt_01J...
    data: {"type": "task.due", "data": {"task_id": "task_789", ...}}

A client that reconnects sends `Last-Event-ID` (browsers do it by themselves) and first gets what
it missed, read from the event log; then new events as they are published (the stream reads the
log every second: the log, not the Channels layer, is what SSE replays from anyway). `user_id` keeps the
events about that user's records (owner, or assignee of a task). Comments (`: keep-alive`) keep
proxies from closing an idle stream (every CRM_REALTIME_HEARTBEAT_SECONDS). The stream ends
when the caller's token expires.
"""

import asyncio
import logging
from datetime import UTC, datetime

import orjson
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections
from django.http import HttpRequest, StreamingHttpResponse
from django_tenants.utils import tenant_context

from apps.core.errors import ValidationFailed
from apps.core.responses import error_response
from apps.events import selectors
from apps.realtime.auth import AuthenticationFailed, authenticate_api_key, authenticate_token

logger = logging.getLogger("crm.realtime")

POLL_SECONDS = 1.0  # how often a stream reads the log (one indexed query on `position`)
BATCH = 200
RETRY_MS = 3000


def sse_frame(event) -> bytes:
    body = orjson.dumps({"type": event.event_type, "data": event.data}).decode()
    return f"id: {event.event_id}\ndata: {body}\n\n".encode()


def _credentials(request: HttpRequest):
    """(user, grants, expires_at) from `Authorization: Bearer`, API key headers, or the session."""
    tenant = getattr(request, "tenant", None)
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header:
        return authenticate_token(header, tenant)
    if request.META.get("HTTP_X_API_KEY"):
        return authenticate_api_key(request.META["HTTP_X_API_KEY"], request.META.get("HTTP_X_API_SECRET", ""), tenant)
    user = request.user
    if user.is_authenticated:
        return user, list(user.permission_strings()), None
    raise AuthenticationFailed("Authentication credentials were not provided.")


def activity_feed(request: HttpRequest):
    if request.method != "GET":
        return error_response(request, status=405, code="METHOD_NOT_ALLOWED", message="Use GET.")
    try:
        user, grants, expires_at = _credentials(request)
    except AuthenticationFailed as exc:
        return error_response(request, status=401, code="UNAUTHORIZED", message=str(exc))
    last_event_id = request.META.get("HTTP_LAST_EVENT_ID") or request.GET.get("last_event_id") or ""
    try:
        position = selectors.event_position(last_event_id.strip(), field="Last-Event-ID") if last_event_id else None
    except ValidationFailed as exc:
        return error_response(request, status=400, code="VALIDATION_ERROR", message=exc.message)
    stream = ActivityFeed(
        tenant=request.tenant,
        user=user,
        grants=grants,
        expires_at=expires_at,
        owner_id=request.GET.get("user_id") or None,
        position=position,
    )
    response = StreamingHttpResponse(stream.frames(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


class ActivityFeed:
    def __init__(self, *, tenant, user, grants, expires_at, owner_id, position) -> None:
        self.tenant = tenant
        self.user = user
        self.grants = grants
        self.expires_at = expires_at
        self.owner_id = owner_id
        self.position = position

    def _read(self):
        close_old_connections()  # this runs in a pool thread, outside any request cycle
        with tenant_context(self.tenant):
            if self.position is None:
                self.position = selectors.log_head()
                return [], False
            events, more = selectors.events_after(
                position=self.position, grants=self.grants, user=self.user, owner_id=self.owner_id, limit=BATCH
            )
            if events:
                self.position = events[-1].position
            return events, more

    def _expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= datetime.now(UTC)

    async def frames(self):
        read = sync_to_async(self._read, thread_sensitive=False)
        events, more = await read()  # a fresh stream starts at the log's head: fix it first
        yield f"retry: {RETRY_MS}\n\n".encode()
        idle, keepalive = 0.0, settings.CRM_REALTIME_HEARTBEAT_SECONDS
        while not self._expired():
            if events is None:
                events, more = await read()
            for event in events:
                yield sse_frame(event)
            if more:
                events = None
                continue
            if not events:
                await asyncio.sleep(POLL_SECONDS)
                idle += POLL_SECONDS
            else:
                idle = 0.0
            events = None
            if idle >= keepalive:
                idle = 0.0
                yield b": keep-alive\n\n"
        yield b'event: error\ndata: {"type": "error", "code": "TOKEN_EXPIRED"}\n\n'

"""`/ws`: the design's live-update protocol.

    → {"type": "auth", "token": "<jwt or Bearer jwt>", "tenant_id": "acme"}     (or api_key + api_secret)
    ← {"type": "auth.ok"}
    → {"type": "subscribe", "channel": "deals", "filters": {"pipeline_id": "pipe_1", "user_id": "user_2"}}
    ← {"type": "subscribed", "channel": "deals", "filters": {...}}
    ← {"type": "deal.stage_changed", "data": {...}, "event_id": "evt_...", "timestamp": "..."}
    → {"type": "unsubscribe", "channel": "deals"}          ← {"type": "unsubscribed", "channel": "deals"}
    ← {"type": "ping", "timestamp": ...} every heartbeat;  → {"type": "ping"}  ← {"type": "pong"}
    ← {"type": "error", "code": "...", "message": "..."}

Every event is checked against the subscriber's permissions (`event_visible_to`) before it is
sent; the socket closes (4401) when its token expires.
"""

import asyncio
import contextlib
import json
import logging
import time
from datetime import UTC, datetime

import orjson
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from django_tenants.utils import tenant_context

from apps.core.asgi_tenancy import tenant_for
from apps.core.permissions import grant_scope
from apps.events.groups import group_name
from apps.events.permissions import event_visible_to
from apps.events.types import event_resource
from apps.realtime.auth import AuthenticationFailed, authenticate_api_key, authenticate_token
from apps.realtime.hub import hub
from apps.realtime.records import record_check
from apps.webhooks.matching import data_values, pipeline_values

logger = logging.getLogger("crm.realtime")

CHANNELS = ("deals", "contacts", "leads", "accounts", "activities", "pipelines")
FILTER_KEYS = ("pipeline_id", "user_id", "owner_id", "record_id", "id")
# `deal_id`, `contact_id`, ... name the one record followed (`pipeline_id` is the deals filter).
_RECORD_KEYS = {"deal_id", "contact_id", "lead_id", "account_id", "activity_id", "task_id"}
_USER_KEYS = ("assigned_to", "assignedTo", "user_id", "userId", "owner_id", "ownerId")
CLOSE_TOKEN_EXPIRED = 4401
AUTH_TIMEOUT_SECONDS = 30


def _matches(spec: dict, event: dict) -> bool:
    if spec.get("record_id") and spec["record_id"] != event.get("record_id"):
        return False
    if spec.get("owner_id") and spec["owner_id"] != event.get("owner_id"):
        return False
    if spec.get("user_id") and spec["user_id"] != event.get("owner_id"):
        if spec["user_id"] not in data_values(event.get("data") or {}, _USER_KEYS):
            return False
    return not (spec.get("pipeline_id") and spec["pipeline_id"] not in pipeline_values(event.get("data") or {}))


class LiveUpdatesConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        self.tenant = self.scope.get("tenant")
        self.user = None
        self.grants: list[str] = []
        self.expires_at: datetime | None = None
        self.subscriptions: dict[str, list[dict]] = {}
        self.opened = time.monotonic()
        self.tasks: list[asyncio.Task] = []
        self.listener = self.on_event  # one object, so the hub can forget it again
        await self.accept()
        self.tasks.append(asyncio.create_task(self._heartbeat()))

    async def disconnect(self, code) -> None:
        for task in self.tasks:
            task.cancel()
        for channel in list(self.subscriptions):
            with contextlib.suppress(Exception):
                await hub().leave(group_name(self.tenant.schema_name, channel), self.listener)
        self.subscriptions.clear()

    # -- sending ---------------------------------------------------------------------------------

    async def send_json(self, content: dict) -> None:
        await self.send(text_data=orjson.dumps(content).decode())

    async def send_error(self, code: str, message: str, **extra) -> None:
        await self.send_json({"type": "error", "code": code, "message": message, **extra})

    # -- receiving -------------------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None) -> None:
        if text_data is None:
            await self.send_error("INVALID_MESSAGE", "Messages are JSON text frames.")
            return
        try:
            message = json.loads(text_data)
        except ValueError:
            await self.send_error("INVALID_JSON", "The message is not valid JSON.")
            return
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            await self.send_error("INVALID_MESSAGE", "A message is a JSON object with a string 'type'.")
            return
        kind = message["type"]
        handler = {
            "auth": self.on_auth,
            "subscribe": self.on_subscribe,
            "unsubscribe": self.on_unsubscribe,
            "ping": self.on_ping,
        }.get(kind)
        if handler is None:
            await self.send_error("UNKNOWN_TYPE", f"Unknown message type '{kind}'.", request_type=kind)
            return
        if kind not in ("auth", "ping"):
            if self.user is None:
                await self.send_error("UNAUTHORIZED", 'Authenticate first: {"type": "auth", "token": ...}.')
                return
            if await self._expired():
                return
        try:
            await handler(message)
        except Exception:
            logger.exception("realtime: %s message failed", kind)
            await self.send_error("INTERNAL_ERROR", "The message could not be handled.")

    async def on_ping(self, message: dict) -> None:
        await self.send_json({"type": "pong", "timestamp": int(time.time())})

    async def on_auth(self, message: dict) -> None:
        tenant = self.tenant
        tenant_id = message.get("tenant_id") or message.get("tenantId")
        if tenant_id is not None and not isinstance(tenant_id, str):
            await self.send_error("INVALID_MESSAGE", "'tenant_id' must be a string.")
            return
        if tenant_id and tenant is not None and tenant.schema_name != tenant_id:
            await self.send_error("TENANT_MISMATCH", "This connection belongs to another tenant.")
            return
        if tenant is None and tenant_id:
            tenant = await tenant_for("", tenant_id)
        if tenant is None:
            await self.send_error("TENANT_NOT_FOUND", "Unknown tenant: send 'tenant_id'.")
            return
        try:
            user, grants, expires_at = await self._authenticate(tenant, message)
        except AuthenticationFailed as exc:
            await self.send_error(exc.code, str(exc))
            return
        self.tenant, self.user, self.grants, self.expires_at = tenant, user, grants, expires_at
        if expires_at is not None:
            self.tasks.append(asyncio.create_task(self._close_at_expiry(expires_at)))
        reply: dict = {"type": "auth.ok", "user_id": user.pk, "tenant_id": tenant.schema_name}
        if expires_at is not None:
            reply["expires_at"] = expires_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        await self.send_json(reply)

    @database_sync_to_async
    def _authenticate(self, tenant, message: dict):
        with tenant_context(tenant):
            if message.get("api_key") or message.get("api_secret"):
                return authenticate_api_key(str(message.get("api_key", "")), str(message.get("api_secret", "")), tenant)
            token = message.get("token")
            if not isinstance(token, str):
                raise AuthenticationFailed("Send 'token' (a JWT) or 'api_key' and 'api_secret'.")
            return authenticate_token(token, tenant)

    def _channel_of(self, message: dict) -> str | None:
        channel = message.get("channel")
        return channel if isinstance(channel, str) and channel in CHANNELS else None

    async def on_subscribe(self, message: dict) -> None:
        channel = self._channel_of(message)
        if channel is None:
            await self.send_error(
                "UNKNOWN_CHANNEL", f"Unknown channel {message.get('channel')!r}; one of {', '.join(CHANNELS)}."
            )
            return
        scope = grant_scope(self.grants, f"{channel}:read")
        if scope is None:
            await self.send_error("FORBIDDEN", f"Reading {channel} needs '{channel}:read'.", channel=channel)
            return
        filters = message.get("filters") or {}
        if not isinstance(filters, dict) or not all(isinstance(value, str) for value in filters.values()):
            await self.send_error("INVALID_FILTER", "'filters' is an object of string values.", channel=channel)
            return
        unknown = sorted(set(filters) - set(FILTER_KEYS) - _RECORD_KEYS)
        if unknown:
            await self.send_error(
                "INVALID_FILTER", f"Unknown filters: {', '.join(unknown)}.", channel=channel, filters=filters
            )
            return
        spec = {key: filters[key] for key in ("pipeline_id", "user_id", "owner_id") if filters.get(key)}
        record_id = (
            filters.get("record_id")
            or filters.get("id")
            or next((filters[key] for key in _RECORD_KEYS if filters.get(key)), None)
        )
        if record_id:
            problem = await database_sync_to_async(self._record_problem)(channel, record_id, scope)
            if problem:
                await self.send_error(problem[0], problem[1], channel=channel, record_id=record_id)
                return
            spec["record_id"] = record_id
        if channel not in self.subscriptions:
            self.subscriptions[channel] = []
            await hub().join(group_name(self.tenant.schema_name, channel), self.listener)
        if spec not in self.subscriptions[channel]:
            self.subscriptions[channel].append(spec)
        await self.send_json({"type": "subscribed", "channel": channel, "filters": filters})

    def _record_problem(self, channel: str, record_id: str, scope: str) -> tuple[str, str] | None:
        with tenant_context(self.tenant):
            return record_check(channel, record_id, self.user, scope)

    async def on_unsubscribe(self, message: dict) -> None:
        channel = self._channel_of(message)
        if channel is None:
            await self.send_error("UNKNOWN_CHANNEL", f"Unknown channel {message.get('channel')!r}.")
            return
        if channel in self.subscriptions:
            del self.subscriptions[channel]
            await hub().leave(group_name(self.tenant.schema_name, channel), self.listener)
        await self.send_json({"type": "unsubscribed", "channel": channel})

    # -- events from the dispatcher, through this process's hub ----------------------------------

    async def on_event(self, event: dict) -> None:
        if self.user is None or await self._expired():
            return
        specs = self.subscriptions.get(event_resource(event["event_type"]))
        if not specs or not any(_matches(spec, event) for spec in specs):
            return
        if not event_visible_to(event, self.grants, self.user):
            return
        text = event.get("_ws_text")
        if text is None:  # the same frame for every socket of the process: serialised once
            text = event["_ws_text"] = orjson.dumps(
                {
                    "type": event["event_type"],
                    "data": event["data"],
                    "event_id": event["event_id"],
                    "timestamp": event["timestamp"],
                }
            ).decode()
        await self.send(text_data=text)

    # -- housekeeping ----------------------------------------------------------------------------

    async def _expired(self) -> bool:
        if self.expires_at is None or self.expires_at > datetime.now(UTC):
            return False
        await self.send_error("TOKEN_EXPIRED", "The token has expired; reconnect with a fresh one.")
        await self.close(code=CLOSE_TOKEN_EXPIRED)
        self.user = None
        await self._stop()
        return True

    async def _stop(self) -> None:
        """After the server closed the socket, end the consumer through its own channel (a
        disconnect message may never come, and the process could then not shut down)."""
        with contextlib.suppress(Exception):
            await self.channel_layer.send(self.channel_name, {"type": "consumer.stop"})

    async def consumer_stop(self, message: dict) -> None:
        await self.disconnect(CLOSE_TOKEN_EXPIRED)
        raise StopConsumer

    async def _close_at_expiry(self, expires_at: datetime) -> None:
        await asyncio.sleep(max(0.0, (expires_at - datetime.now(UTC)).total_seconds()))
        with contextlib.suppress(Exception):
            await self._expired()

    async def _heartbeat(self) -> None:
        from django.conf import settings

        interval = settings.CRM_REALTIME_HEARTBEAT_SECONDS
        while True:
            await asyncio.sleep(interval)
            if self.user is None and time.monotonic() - self.opened > AUTH_TIMEOUT_SECONDS:
                await self.send_error("UNAUTHORIZED", "No authentication received in time.")
                await self.close(code=CLOSE_TOKEN_EXPIRED)
                await self._stop()
                return
            if self.user is not None and await self._expired():  # the expiry timer's safety net
                return
            await self.send_json({"type": "ping", "timestamp": int(time.time())})

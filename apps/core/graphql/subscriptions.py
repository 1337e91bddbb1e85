"""GraphQL subscriptions over WebSocket at `/graphql`, speaking `graphql-transport-ws`.

    client                                   server
    connection_init {authorization, tenantId} -> connection_ack   (or close 4403)
    subscribe {id, payload: {query, ...}}     -> next {id, payload} ... complete {id}
    complete {id}                             (stops that subscription)
    ping                                      -> pong

The socket authenticates once, in `connection_init`: `authorization` (`Bearer <token>`, or an API
key) goes through REST's own authentication classes; without it, the session cookie of a
signed-in browser is used. `tenantId` must name the tenant the socket was routed to (if the host
or `?tenant_id=` already did).

Events come from the platform's event stream: the events module publishes each committed event
to the Channels group `events.<tenant>.<resource>` (`events.acme.deals`); each server process
listens to those groups once (apps.realtime.hub) and hands the events to its sockets.
Each subscription field's `subscribe_*` picks the event types it cares about; each event then
runs the subscription's selection set in the database thread, with the same permission checks
and loaders as queries. A field that resolves to null (an event the subscriber may not see, or
one its arguments filter out) sends nothing.
"""

import asyncio
import contextlib
import logging
from typing import Any

from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from graphql import (
    ExecutionResult,
    GraphQLError,
    OperationType,
    execute,
    get_operation_ast,
    parse,
    validate,
)
from graphql.execution import create_source_event_stream

from apps.core.graphql import limits
from apps.core.graphql.errors import format_error, graphql_error
from apps.core.graphql.execution import CrmExecutionContext

logger = logging.getLogger("crm.graphql")

PROTOCOL = "graphql-transport-ws"
INIT_TIMEOUT_SECONDS = 10
QUEUE_SIZE = 1000


# The resources whose events feed subscriptions (deals, activities, leads, pipelines).
SUBSCRIBED_RESOURCES = ("deals", "activities", "leads", "pipelines")


def events_group(schema_name: str, resource: str) -> str:
    """The Channels group the events module publishes a tenant's events of one resource to."""
    return f"events.{schema_name}.{resource}"


class SubscriptionContext:
    """What resolvers see as `info.context` on a socket: the caller, like an HTTP request."""

    path = "/graphql"
    method = "WEBSOCKET"
    META: dict = {}  # noqa: RUF012

    def __init__(self, user, auth, grants: list[str]):
        self.user = user
        self.auth = auth
        self._crm_grants = grants
        self.queue: asyncio.Queue | None = None

    def for_event(self) -> "SubscriptionContext":
        """A fresh context per event (loaders cache per context; records change between events)."""
        return SubscriptionContext(self.user, self.auth, self._crm_grants)

    async def events(self, *event_types: str):
        """The tenant's events of these types, as they arrive."""
        wanted = set(event_types)
        while True:
            event = await self.queue.get()
            if event.get("event_type") in wanted:
                yield event


def _authenticate(tenant, payload: dict, headers: dict):
    """(user, auth, grants) from `connection_init`, with REST's authentication classes."""
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.http import HttpRequest
    from rest_framework.request import Request
    from rest_framework.settings import api_settings

    from apps.core.permissions import caller_grants

    connection.set_tenant(tenant)
    request = HttpRequest()
    request.method = "GET"
    request.path = "/graphql"
    request.META["HTTP_HOST"] = headers.get("host", "localhost")
    request.META["HTTP_X_TENANT_ID"] = tenant.schema_name
    authorization = payload.get("authorization") or payload.get("Authorization")
    if authorization:
        request.META["HTTP_AUTHORIZATION"] = str(authorization)
    if payload.get("apiKey") or payload.get("x-api-key"):
        request.META["HTTP_X_API_KEY"] = str(payload.get("apiKey") or payload.get("x-api-key"))
    request.COOKIES = _cookies(headers.get("cookie", ""))
    request.tenant = tenant
    SessionMiddleware(lambda r: None).process_request(request)
    if authorization or "HTTP_X_API_KEY" in request.META:
        request.user = AnonymousUser()  # a token was sent: it alone decides
    else:
        from django.contrib.auth import get_user

        request.user = get_user(request)
    drf_request = Request(request, authenticators=[cls() for cls in api_settings.DEFAULT_AUTHENTICATION_CLASSES])
    user, auth = drf_request.user, drf_request.auth
    if user is None or not user.is_authenticated:
        return None, None, []
    request.user, request.auth = user, auth
    return user, auth, list(caller_grants(request))


def _cookies(header: str) -> dict[str, str]:
    from http.cookies import SimpleCookie

    jar = SimpleCookie()
    with contextlib.suppress(Exception):
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


class GraphQLSubscriptionConsumer(AsyncJsonWebsocketConsumer):
    """One socket: authenticated once, any number of subscriptions, each by its client id.

    It has no channel of its own: the server process's hub (apps.realtime.hub) listens to the
    tenant's event groups once and hands each event to the sockets that joined them."""

    channel_layer_alias = None  # events come through the hub, see above

    async def connect(self) -> None:
        if PROTOCOL not in (self.scope.get("subprotocols") or []):
            await self._end(4406)  # refused before the handshake completes
        await self.accept(subprotocol=PROTOCOL)
        self.context: SubscriptionContext | None = None
        self.tenant = self.scope.get("tenant")
        self.groups_joined: list[str] = []
        self.operations: dict[str, asyncio.Task] = {}
        self.queues: dict[str, asyncio.Queue] = {}
        self.init_received = False
        self.init_timer = asyncio.get_running_loop().call_later(INIT_TIMEOUT_SECONDS, self._init_timed_out)

    def _init_timed_out(self) -> None:
        if not self.init_received:
            asyncio.ensure_future(self._close_later(4408))

    async def _end(self, code: int) -> None:
        """Closes the socket and ends the consumer now: after a server-side close, a disconnect
        message may never come, and a consumer waiting for one keeps the server from stopping."""
        await self.close(code=code)
        await self.disconnect(code)
        raise StopConsumer

    async def _close_later(self, code: int) -> None:
        """Closes a socket that never sent `connection_init` (the server then ends it)."""
        await self.close(code=code)

    async def disconnect(self, code) -> None:
        timer = getattr(self, "init_timer", None)
        if timer is not None:
            timer.cancel()
        tasks = list(getattr(self, "operations", {}).values())
        for task in tasks:
            task.cancel()
        if tasks:  # let them unwind (a cancelled task may still be finishing a database call)
            await asyncio.wait(tasks, timeout=2)
        from apps.realtime.hub import hub

        for group in getattr(self, "groups_joined", []):
            await hub().leave(group, self.on_event)

    async def receive_json(self, content: Any, **kwargs) -> None:
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            await self._end(4400)
        kind = content["type"]
        if kind == "ping":
            await self.send_json({"type": "pong"})
        elif kind == "pong":
            return
        elif kind == "connection_init":
            await self._connection_init(content.get("payload") or {})
        elif kind == "subscribe":
            await self._subscribe(content)
        elif kind == "complete":
            task = self.operations.pop(str(content.get("id")), None)
            self.queues.pop(str(content.get("id")), None)
            if task is not None:
                task.cancel()
        else:
            await self._end(4400)

    async def _connection_init(self, payload: dict) -> None:
        if self.init_received:
            await self._end(4429)
        self.init_received = True
        self.init_timer.cancel()
        if not isinstance(payload, dict):
            await self._end(4400)
        requested = payload.get("tenantId") or payload.get("tenant_id")
        if requested and (self.tenant is None or self.tenant.schema_name != requested):
            if self.tenant is not None:
                await self._end(4403)
            from apps.core.asgi_tenancy import tenant_for

            self.tenant = await tenant_for("", str(requested))
        if self.tenant is None:
            await self._end(4403)
        headers = {
            key.decode("latin-1").lower(): value.decode("latin-1") for key, value in self.scope.get("headers", [])
        }
        try:
            user, auth, grants = await database_sync_to_async(_authenticate)(self.tenant, payload, headers)
        except Exception as refused:  # refused credentials (expired, revoked, other tenant's token)
            logger.info("GraphQL socket refused its credentials: %s", refused)
            user = None
        if user is None:
            await self._end(4403)
        self.context = SubscriptionContext(user, auth, grants)
        from apps.realtime.hub import hub

        self.on_event = self._on_event  # one object, so the hub can forget it again
        for resource in SUBSCRIBED_RESOURCES:
            group = events_group(self.tenant.schema_name, resource)
            await hub().join(group, self.on_event)
            self.groups_joined.append(group)
        await self.send_json({"type": "connection_ack"})

    async def _subscribe(self, message: dict) -> None:
        if self.context is None:
            await self._end(4401)
        operation_id = message.get("id")
        payload = message.get("payload") or {}
        if not isinstance(operation_id, str) or not operation_id or not isinstance(payload, dict):
            await self._end(4400)
        if operation_id in self.operations:
            await self._end(4409)
        # The queue first: events arriving while the operation is counted and prepared wait in it.
        queue: asyncio.Queue = asyncio.Queue(maxsize=QUEUE_SIZE)
        self.queues[operation_id] = queue
        refused = await database_sync_to_async(self._rate_limit_refusal)()
        if refused is not None:
            self.queues.pop(operation_id, None)
            await self._send_errors(operation_id, [refused])
            return
        self.operations[operation_id] = asyncio.create_task(self._run(operation_id, payload, queue))

    def _rate_limit_refusal(self) -> GraphQLError | None:
        """Each operation started on the socket counts against the caller's rate limits, as one
        HTTP call would; over a limit it is refused (the socket stays open)."""
        from apps.security.ratelimit import rate_limit_count

        connection.set_tenant(self.tenant)
        _, exceeded = rate_limit_count(self.context.for_event())
        if exceeded is None:
            return None
        retry_after = max(1, exceeded.time_left)
        return graphql_error(
            "RATE_LIMIT_EXCEEDED",
            f"Rate limit exceeded. Try again in {retry_after} seconds.",
            limit=exceeded.limit,
            window=exceeded.label,
            retry_after=retry_after,
        )

    async def _on_event(self, event: dict) -> None:
        """An event of the tenant, from the hub: handed to every subscription of this socket."""
        if not isinstance(event, dict):
            return
        for queue in self.queues.values():
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(event)

    async def _send_errors(self, operation_id: str, errors: list) -> None:
        await self.send_json({"type": "error", "id": operation_id, "payload": [format_error(e) for e in errors]})

    async def _run(self, operation_id: str, payload: dict, queue: asyncio.Queue) -> None:
        try:
            prepared = await database_sync_to_async(self._prepare)(payload)
            if isinstance(prepared, list):
                await self._send_errors(operation_id, prepared)
                return
            document, operation, variables, operation_name = prepared
            if operation.operation != OperationType.SUBSCRIPTION:
                result = await database_sync_to_async(self._execute)(document, None, variables, operation_name)
                await self._send_next(operation_id, result)
                await self.send_json({"type": "complete", "id": operation_id})
                return
            context = self.context.for_event()
            context.queue = queue
            stream = await create_source_event_stream(
                self._schema(),
                document,
                context_value=context,
                variable_values=variables,
                operation_name=operation_name,
            )
            if isinstance(stream, ExecutionResult):
                await self._send_errors(operation_id, stream.errors or [])
                return
            async for event in stream:
                result = await database_sync_to_async(self._execute)(document, event, variables, operation_name)
                if result.errors or any(value is not None for value in (result.data or {}).values()):
                    await self._send_next(operation_id, result)
            await self.send_json({"type": "complete", "id": operation_id})
        except asyncio.CancelledError:
            raise
        except Exception as failure:
            logger.exception("GraphQL subscription %s failed", operation_id)
            await self._send_errors(operation_id, [failure])
        finally:
            self.operations.pop(operation_id, None)
            self.queues.pop(operation_id, None)

    async def _send_next(self, operation_id: str, result: ExecutionResult) -> None:
        body: dict[str, Any] = {"data": result.data}
        if result.errors:
            body["errors"] = [format_error(error) for error in result.errors]
        await self.send_json({"type": "next", "id": operation_id, "payload": body})

    @staticmethod
    def _schema():
        from graphene_django.settings import graphene_settings

        return graphene_settings.SCHEMA.graphql_schema

    def _prepare(self, payload: dict):
        """Parses, validates and measures an operation: (document, operation, variables, name) or errors."""
        from apps.core.graphql.persisted import resolve_query_text

        connection.set_tenant(self.tenant)
        query, error = resolve_query_text(payload.get("query"), payload.get("extensions"))
        if error is not None:
            return [error]
        if not isinstance(query, str) or not query:
            return [graphql_error("BAD_REQUEST", "Must provide query string.")]
        if len(query.encode()) > limits.max_query_bytes():
            return [graphql_error("QUERY_TOO_LARGE", "The query text is too large.")]
        variables = payload.get("variables") or {}
        if not isinstance(variables, dict):
            return [graphql_error("BAD_REQUEST", "'variables' must be a JSON object.")]
        schema = self._schema()
        try:
            document = parse(query)
        except GraphQLError as syntax_error:
            return [syntax_error]
        errors = validate(schema, document)
        if errors:
            return errors
        operation_name = payload.get("operationName")
        operation = get_operation_ast(document, operation_name)
        if operation is None:
            return [graphql_error("BAD_REQUEST", "Name the operation to run (operationName).")]
        refusals = limits.check(schema, document, operation, variables)
        if refusals:
            return refusals
        return document, operation, variables, operation_name

    def _execute(self, document, root, variables, operation_name) -> ExecutionResult:
        """Runs the selection set for one event (or a query/mutation) in the tenant's schema."""
        from django.db import transaction

        connection.set_tenant(self.tenant)
        context = self.context.for_event()
        with transaction.atomic():
            return execute(
                self._schema(),
                document,
                root_value=root,
                context_value=context,
                variable_values=variables,
                operation_name=operation_name,
                execution_context_class=CrmExecutionContext,
            )


def event_record_id(event: dict, prefix: str) -> str | None:
    """The id of the `prefix` record an event is about, wherever its payload keeps it
    (`data.deal.id`, `data.deal_id`, `data.id`)."""
    data = event.get("data") if isinstance(event.get("data"), dict) else {}
    candidates = [data.get("id"), data.get(f"{prefix}_id"), event.get("record_id")]
    for value in data.values():
        if isinstance(value, dict):
            candidates.append(value.get("id"))
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.startswith(f"{prefix}_"):
            return candidate
    return None

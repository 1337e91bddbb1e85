"""Tenant resolution for WebSocket scopes (django-tenants' middleware only sees HTTP).

The tenant comes from the Host header (`<slug>.<base domain>`) or the `tenant_id` query
parameter; consumers may also learn it later from an auth message. ORM work for a socket runs in
`database_sync_to_async` under `tenant_context(scope["tenant"])`.
"""

from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from django.db import connection


@database_sync_to_async
def tenant_for(host: str, slug: str):
    from apps.tenants.selectors import tenant_by_hostname, tenant_by_slug

    # The database thread keeps whatever schema it last used: start from public.
    connection.set_schema_to_public()
    if slug:
        return tenant_by_slug(slug)
    return tenant_by_hostname(host.split(":")[0]) if host else None


class TenantWebSocketMiddleware:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket":
            headers = dict(scope.get("headers") or [])
            host = headers.get(b"host", b"").decode("latin-1")
            query = parse_qs((scope.get("query_string") or b"").decode())
            slug = (query.get("tenant_id") or query.get("tenantId") or [""])[0]
            if not slug:
                slug = headers.get(b"x-tenant-id", b"").decode("latin-1")
            scope = dict(scope, tenant=await tenant_for(host, slug))
        return await self.app(scope, receive, send)

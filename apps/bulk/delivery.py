"""Export delivery by webhook: the finished job is POSTed to the caller's `webhook_url`.

Targets in private, loopback or link-local networks are refused unless
`CRM_WEBHOOKS_ALLOW_PRIVATE_NETWORKS` is on; the host is resolved once and the request is sent to
the very address checked (the Host header carries the name), so DNS rebinding cannot redirect it.
"""

import ipaddress
import socket
from urllib.parse import urlsplit, urlunsplit

import httpx
import orjson
from django.conf import settings

TIMEOUT_SECONDS = 10


class TargetRefused(Exception):
    pass


def _public(address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def url_check(url: str) -> tuple[str, str]:
    """(URL pinned to the checked address, Host header), or TargetRefused."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefused("webhook_url must be an http or https URL.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (ValueError, OSError, UnicodeError):
        raise TargetRefused(f"The host '{parts.hostname}' cannot be resolved.") from None
    address = ipaddress.ip_address(infos[0][4][0].split("%", 1)[0])
    if not settings.CRM_WEBHOOKS_ALLOW_PRIVATE_NETWORKS and not _public(address):
        raise TargetRefused(f"webhook_url resolves to a private or loopback address ({address}).")
    if parts.scheme == "https":  # TLS needs the name for SNI and the certificate
        return url, parts.netloc
    literal = f"[{address}]" if address.version == 6 else str(address)
    return urlunsplit((parts.scheme, f"{literal}:{port}", parts.path or "/", parts.query, "")), parts.netloc


def deliver(url: str, payload: dict) -> dict:
    """POSTs the payload; answers what happened, for the job's `delivery` record."""
    try:
        target, host = url_check(url)
        response = httpx.post(
            target,
            content=orjson.dumps(payload),
            headers={"Content-Type": "application/json", "Host": host, "User-Agent": "crm-bulk-export/1"},
            timeout=TIMEOUT_SECONDS,
        )
    except TargetRefused as exc:
        return {"status": "refused", "error": str(exc)}
    except httpx.HTTPError as exc:
        return {"status": "failed", "error": f"{type(exc).__name__}: {exc}"[:300]}
    status = "delivered" if 200 <= response.status_code < 300 else "failed"
    return {"status": status, "response_code": response.status_code}

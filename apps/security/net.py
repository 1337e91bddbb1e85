"""The caller's IP address, honouring `X-Forwarded-For` only from the configured trusted proxies."""

import ipaddress
from functools import cache

from django.conf import settings


@cache
def _networks(values: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(value, strict=False) for value in values)


def ip_in(address: str, cidrs) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(cidrs)))


def client_ip(request) -> str | None:
    """The peer address; behind trusted proxies, the right-most untrusted `X-Forwarded-For` hop."""
    meta = getattr(request, "META", {})
    remote = meta.get("REMOTE_ADDR") or None
    trusted = tuple(getattr(settings, "CRM_TRUSTED_PROXIES", ()))
    if remote is None or not trusted or not ip_in(remote, trusted):
        return remote
    hops = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return remote
        if not ip_in(hop, trusted):
            return hop
    return hops[0] if hops else remote

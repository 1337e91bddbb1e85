"""Where a webhook may be sent: public addresses only, unless CRM_WEBHOOKS_ALLOW_PRIVATE_NETWORKS.

The host is resolved when the webhook is registered and again at every delivery, and the request
is sent to the very address that was checked (the Host header and TLS SNI carry the name), so a
DNS answer that changes between check and connect (rebinding) cannot reach an internal service.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings


class TargetRefused(Exception):
    """The URL cannot be delivered to; the message says why."""


@dataclass(frozen=True)
class Target:
    url: str  # the URL with the checked IP address in place of the host name
    host_header: str
    sni_hostname: str | None


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or (isinstance(address, ipaddress.IPv4Address) and address in ipaddress.ip_network("100.64.0.0/10"))
    )


def _split(url: str):
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise TargetRefused("Only http and https URLs can receive webhooks.")
    if not parts.hostname:
        raise TargetRefused("The URL has no host.")
    if parts.username or parts.password:
        raise TargetRefused("Credentials in the URL are not allowed.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise TargetRefused("The URL's port is invalid.") from None
    return parts, parts.hostname, port


def _resolve(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise TargetRefused(f"The host '{host}' cannot be resolved.") from exc
    return [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]


def _check(addresses) -> None:
    if settings.CRM_WEBHOOKS_ALLOW_PRIVATE_NETWORKS:
        return
    refused = [str(address) for address in addresses if not _is_public(address)]
    if refused:
        raise TargetRefused(
            f"The URL resolves to a private, loopback or link-local address ({', '.join(refused)}); "
            "webhooks are only sent to public addresses."
        )


def url_check_at_registration(url: str) -> None:
    """Refuses URLs that name or resolve to a private address now. A name that does not resolve
    yet is accepted: it is resolved and checked again at every delivery."""
    _parts, host, port = _split(url)
    try:
        addresses = _resolve(host, port)
    except TargetRefused:
        if host.lower() in ("localhost", "localhost.localdomain") or host.lower().endswith(".localhost"):
            _check([ipaddress.ip_address("127.0.0.1")])
        return
    _check(addresses)


def target_for_delivery(url: str) -> Target:
    """Resolves and checks the host now, and pins the request to the address checked."""
    parts, host, port = _split(url)
    addresses = _resolve(host, port)
    if not addresses:
        raise TargetRefused(f"The host '{host}' has no address.")
    _check(addresses)
    address = addresses[0]
    literal = f"[{address}]" if address.version == 6 else str(address)
    netloc = f"{literal}:{port}"
    default_port = 443 if parts.scheme == "https" else 80
    host_header = parts.hostname if port == default_port else f"{parts.hostname}:{port}"
    pinned = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    sni = parts.hostname if parts.scheme == "https" else None
    return Target(url=pinned, host_header=host_header, sni_hostname=sni)

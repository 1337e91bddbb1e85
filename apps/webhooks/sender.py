"""One signed HTTP POST of a delivery, with httpx, to the address checked against SSRF."""

import logging
import time
from dataclasses import dataclass

import httpx
import orjson
from django.conf import settings
from django.utils import timezone

from apps.webhooks.network import TargetRefused, target_for_delivery
from apps.webhooks.signing import signature_header

USER_AGENT = "CRM-Webhooks/1.0"
# httpx logs every request at INFO: hundreds per second from a busy worker. The delivery log
# (WebhookAttempt) records each attempt already.
logging.getLogger("httpx").setLevel(logging.WARNING)
_CLIENTS: dict[tuple[str, str | None], httpx.Client] = {}
_MAX_CLIENTS = 64


@dataclass
class SendResult:
    ok: bool
    status_code: int | None = None
    body: str = ""
    error: str = ""
    duration_ms: int = 0


def _client(origin: str, sni_hostname: str | None) -> httpx.Client:
    """A keep-alive client per (pinned address, TLS name), reused by the worker's deliveries."""
    key = (origin, sni_hostname)
    client = _CLIENTS.get(key)
    if client is None:
        if len(_CLIENTS) >= _MAX_CLIENTS:
            for old in _CLIENTS.values():
                old.close()
            _CLIENTS.clear()
        client = httpx.Client(follow_redirects=False, trust_env=False)
        _CLIENTS[key] = client
    return client


def request_body(payload: dict) -> bytes:
    return orjson.dumps(payload)


def _secrets(webhook) -> list[str]:
    secrets = [webhook.secret]
    expires = webhook.previous_secret_expires_at
    if webhook.previous_secret and expires and expires > timezone.now():
        secrets.append(webhook.previous_secret)
    return secrets


def send(*, webhook, delivery) -> SendResult:
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        target = target_for_delivery(webhook.url)
    except TargetRefused as exc:
        return SendResult(ok=False, error=str(exc), duration_ms=elapsed())
    body = request_body(delivery.payload)
    timestamp = int(time.time())
    headers = {
        "Host": target.host_header,
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-CRM-Event": delivery.event_type,
        "X-CRM-Delivery": delivery.pk,
        "X-CRM-Timestamp": str(timestamp),
        webhook.signature_header: signature_header(_secrets(webhook), timestamp, body),
    }
    extensions = {"sni_hostname": target.sni_hostname} if target.sni_hostname else {}
    limit = settings.CRM_WEBHOOKS_RESPONSE_BODY_LIMIT
    origin = target.url.split("/", 3)[2]
    try:
        client = _client(origin, target.sni_hostname)
        with client.stream(
            "POST",
            target.url,
            content=body,
            headers=headers,
            timeout=httpx.Timeout(webhook.timeout_seconds),
            extensions=extensions,
        ) as response:
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                chunks.append(chunk)
                size += len(chunk)
                if size >= limit:
                    break
            text = b"".join(chunks)[:limit].decode("utf-8", errors="replace")
            ok = 200 <= response.status_code < 300
            error = "" if ok else f"HTTP {response.status_code}"
            return SendResult(ok=ok, status_code=response.status_code, body=text, error=error, duration_ms=elapsed())
    except httpx.TimeoutException:
        return SendResult(ok=False, error="Connection timeout", duration_ms=elapsed())
    except httpx.HTTPError as exc:
        return SendResult(ok=False, error=f"{type(exc).__name__}: {exc}"[:500], duration_ms=elapsed())

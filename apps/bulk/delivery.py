"""Export delivery by webhook: the finished job is POSTed to the caller's `webhook_url`.

Where it may go is the webhooks module's rule (apps.webhooks.network): public addresses only
unless `CRM_WEBHOOKS_ALLOW_PRIVATE_NETWORKS`, the host resolved at delivery and the request pinned
to the address checked (the Host header and TLS SNI carry the name), so DNS rebinding cannot
redirect it.
"""

import httpx
import orjson

from apps.webhooks.network import TargetRefused, target_for_delivery, url_check_at_registration

TIMEOUT_SECONDS = 10
USER_AGENT = "CRM-Bulk-Export/1.0"

__all__ = ["TargetRefused", "deliver", "url_check_at_registration"]


def deliver(url: str, payload: dict) -> dict:
    """POSTs the payload; answers what happened, for the job's `delivery` record."""
    try:
        target = target_for_delivery(url)
    except TargetRefused as exc:
        return {"status": "refused", "error": str(exc)}
    extensions = {"sni_hostname": target.sni_hostname} if target.sni_hostname else {}
    try:
        with httpx.Client(follow_redirects=False, trust_env=False) as client:
            response = client.post(
                target.url,
                content=orjson.dumps(payload),
                headers={"Host": target.host_header, "Content-Type": "application/json", "User-Agent": USER_AGENT},
                timeout=TIMEOUT_SECONDS,
                extensions=extensions,
            )
    except httpx.HTTPError as exc:
        return {"status": "failed", "error": f"{type(exc).__name__}: {exc}"[:300]}
    status = "delivered" if 200 <= response.status_code < 300 else "failed"
    return {"status": status, "response_code": response.status_code}

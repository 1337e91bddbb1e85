"""The webhook signature of the contract (§7).

    X-CRM-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>]
    v1 = HMAC-SHA256(secret, "<t>.<raw body>")

During a secret rotation each valid secret adds its own `v1=`; a receiver accepts the request
when any of them matches its secret, and rejects timestamps too far from its clock (replays).
"""

import hashlib
import hmac


def signature(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secrets: list[str], timestamp: int, body: bytes) -> str:
    return ",".join([f"t={timestamp}", *(f"v1={signature(secret, timestamp, body)}" for secret in secrets)])


def signature_verify(header: str, secret: str, body: bytes, *, now: int, tolerance: int = 300) -> bool:
    """What a receiver does (also used by our tests): parse, check the age, compare in constant time."""
    parts = [part.split("=", 1) for part in header.split(",") if "=" in part]
    timestamps = [value for key, value in parts if key == "t"]
    if len(timestamps) != 1 or not timestamps[0].isdigit():
        return False
    timestamp = int(timestamps[0])
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body)
    return any(hmac.compare_digest(expected, value) for key, value in parts if key == "v1")

"""The signature on every webhook request, and how a receiver checks it.

The ``BioBridge-Signature`` header is ``t=<unix time>,v1=<hex>``, where the
hex is HMAC-SHA256 with the endpoint's secret over ``"<t>.<body>"`` (the
timestamp, a dot and the raw request body, as bytes). While a rotated secret
is still in its grace period the header carries one ``v1`` per secret; a
receiver accepts the request when any of them matches.

Signing the timestamp with the body lets a receiver refuse replays: a
captured request is worthless once its timestamp is older than the
receiver's tolerance.
"""

import hashlib
import hmac
import time
from collections.abc import Iterable

SCHEME = "v1"
DEFAULT_TOLERANCE_SECONDS = 300


def _as_bytes(value: bytes | str) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)


def _digest(secret: str, timestamp: int, body: bytes | str) -> str:
    message = f"{int(timestamp)}.".encode() + _as_bytes(body)
    return hmac.new(_as_bytes(secret), message, hashlib.sha256).hexdigest()


def signature_header(secrets: Iterable[str], timestamp: int, body: bytes | str) -> str:
    """The header value for ``body`` sent at ``timestamp``, one ``v1`` per
    secret (the current one first)."""
    parts = [f"t={int(timestamp)}"]
    parts.extend(f"{SCHEME}={_digest(secret, timestamp, body)}" for secret in secrets)
    return ",".join(parts)


def sign(secret: str, timestamp: int, body: bytes | str) -> str:
    """``t=<timestamp>,v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>``."""
    return signature_header([secret], timestamp, body)


def verify(
    secret: str,
    header: str,
    body: bytes | str,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
    *,
    now: float | None = None,
) -> bool:
    """Whether ``header`` is a signature of ``body`` with ``secret`` made
    within ``tolerance_seconds`` of ``now``. Compares in constant time."""
    timestamp = None
    signatures = []
    for part in (header or "").split(","):
        key, _, value = part.strip().partition("=")
        if key == "t":
            try:
                timestamp = int(value)
            except ValueError:
                return False
        elif key == SCHEME and value:
            signatures.append(value)
    if timestamp is None or not signatures:
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance_seconds:
        return False
    expected = _digest(secret, timestamp, body)
    # Compare against every v1 without stopping early, so the time taken
    # does not tell which one matched.
    matched = False
    for signature in signatures:
        matched |= hmac.compare_digest(expected, signature)
    return matched

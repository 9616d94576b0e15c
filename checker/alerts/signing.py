"""Standard Webhooks signatures: `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`.

A secret is given either as `whsec_<base64>` (the spec's form: the key is the decoded
bytes) or as raw text (the key is its UTF-8 bytes). A receiver recomputes the HMAC over
the exact body bytes it received and compares in constant time (see docs/alerts.md).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Mapping

PREFIX = "whsec_"
DEFAULT_TOLERANCE_S = 300


class SecretError(ValueError):
    """A `whsec_` secret whose base64 part does not decode."""


class SignatureError(ValueError):
    """A request whose signature headers are missing, stale or do not match."""


def decode_secret(secret: str) -> bytes:
    if secret.startswith(PREFIX):
        try:
            key = base64.b64decode(secret[len(PREFIX) :], validate=True)
        except (binascii.Error, ValueError):
            raise SecretError("a whsec_ secret must be followed by base64") from None
        if not key:
            raise SecretError("a whsec_ secret must not be empty")
        return key
    return secret.encode()


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header value for one request."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(decode_secret(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signed_headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    headers = {"webhook-id": message_id, "webhook-timestamp": str(timestamp)}
    if secret:
        headers["webhook-signature"] = sign(secret, message_id, timestamp, body)
    return headers


def verify(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: int,
    tolerance_s: int = DEFAULT_TOLERANCE_S,
) -> str:
    """Check a received request; return its webhook-id or raise SignatureError.

    `headers` must be case-insensitive or lower-cased. The signature header may carry
    several space-separated signatures (during a secret rotation): one match suffices.
    """
    message_id = headers.get("webhook-id")
    stamp = headers.get("webhook-timestamp")
    given = headers.get("webhook-signature")
    if not message_id or not stamp or not given:
        raise SignatureError("missing webhook-id, webhook-timestamp or webhook-signature")
    try:
        timestamp = int(stamp)
    except ValueError:
        raise SignatureError(f"webhook-timestamp is not an integer: {stamp!r}") from None
    if abs(now - timestamp) > tolerance_s:
        raise SignatureError("webhook-timestamp is too far from now (replayed or clock skew)")
    expected = sign(secret, message_id, timestamp, body).encode()
    for candidate in given.split():
        if hmac.compare_digest(candidate.encode(), expected):
            return message_id
    raise SignatureError("no signature matches")

"""Receiving the myKaarma webhook: authenticate first, then read strictly.

myKaarma POSTs JSON (with ``content-type: text/plain``) carrying two headers:
``mykaarma-signature-token: sha256=<hex HMAC-SHA256 of the raw body>`` (the secret is currently
the partner's Basic-auth username) and ``x-authorization-token``, a static token shared
beforehand. Verify both on the raw bytes before anything is parsed.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from .._errors import DealerbridgeUsageError, ValidationError, issue
from .._generated.mykaarma import OrderEvent
from .._models import load

__all__ = [
    "event_key",
    "parse_order_event",
    "verify_authorization_token",
    "verify_webhook_signature",
]

_SIGNATURE = re.compile(r"sha256=([0-9a-fA-F]{64})\Z")
_RAW = (bytes, str)  # a tuple: ``bytes | str`` in isinstance builds a union on every call


def _as_bytes(value: str | bytes) -> bytes | None:
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        try:
            return value.encode("utf-8")
        except UnicodeEncodeError:
            return None
    return None


def verify_webhook_signature(raw_body: bytes, signature_header: str, secret: str | bytes) -> bool:
    """True when *signature_header* is ``sha256=<hex HMAC-SHA256 of raw_body with secret>``.

    The comparison is constant-time. A malformed header (missing prefix, wrong length, not hex,
    not a string) gives ``False``, never an exception. Pass the body exactly as received.
    """
    if not isinstance(signature_header, str) or not isinstance(raw_body, bytes | bytearray):
        return False
    match = _SIGNATURE.match(signature_header.strip())
    key = _as_bytes(secret)
    if match is None or not key:
        return False
    expected = hmac.new(key, bytes(raw_body), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, match.group(1).lower())


def verify_authorization_token(header_value: str | None, expected_token: str) -> bool:
    """Constant-time check of the static ``x-authorization-token`` header."""
    given = _as_bytes(header_value) if header_value is not None else None
    wanted = _as_bytes(expected_token)
    if given is None or not wanted:
        return False
    return hmac.compare_digest(given, wanted)


def parse_order_event(raw: bytes | str) -> OrderEvent:
    """Read a delivered order event: strict JSON, then the envelope, then the inner payload.

    ``payload`` normally arrives as a string holding JSON; an object is accepted too. Every
    failure is a `dealerbridge.ValidationError` whose paths continue under ``/payload``. An
    event ``type`` beyond today's list is kept and reported as an
    `UnknownEnumValueWarning`, not rejected. Returns an `OrderEvent`; `dealerbridge.dump`
    writes the payload back as the exact string received.
    """
    if not isinstance(raw, _RAW):
        kind = type(raw).__name__
        raise ValidationError(
            [issue("", "json.type", f"expected the raw body as bytes or str, got {kind}")]
        )
    return load(OrderEvent, raw)


def event_key(event: OrderEvent) -> tuple[str, str]:
    """The ``(id, type)`` pair myKaarma's retries repeat: deduplicate deliveries on it."""
    if not isinstance(event, OrderEvent):
        raise DealerbridgeUsageError(f"expected an OrderEvent, got {type(event).__name__}")
    return (event.id, event.type)

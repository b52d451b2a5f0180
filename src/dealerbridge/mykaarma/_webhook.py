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
from collections.abc import Mapping

from .._errors import DealerbridgeUsageError, ValidationError, issue
from .._generated.mykaarma import OrderEvent
from .._models import load

__all__ = [
    "SIGNATURE_HEADER",
    "event_key",
    "parse_order_event",
    "verify_authorization_token",
    "verify_webhook_signature",
]

_SIGNATURE = re.compile(r"sha256=([0-9a-fA-F]{64})\Z")
_RAW = (bytes, bytearray, memoryview, str)  # a tuple: a union in isinstance is built per call
#: The header that carries the body's HMAC (names are case-insensitive).
SIGNATURE_HEADER = "mykaarma-signature-token"


def _as_bytes(value: str | bytes) -> bytes | None:
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        try:
            return value.encode("utf-8")
        except UnicodeEncodeError:
            return None
    return None


def _body_bytes(raw: object, function: str) -> bytes | None:
    """The body as signed: bytes as they are, a ``str`` as its UTF-8 (``None``: a ``str`` that
    cannot be encoded, which no sender signed). Anything else is misuse."""
    if isinstance(raw, bytes):
        return raw
    if isinstance(raw, bytearray | memoryview):
        return bytes(raw)
    if isinstance(raw, str):
        return _as_bytes(raw)
    raise DealerbridgeUsageError(
        f"{function} needs the raw body as bytes, bytearray, memoryview or str, got "
        f"{type(raw).__name__}: verify before parsing, on the body as received"
    )


def _secret_bytes(secret: object, what: str) -> bytes:
    if isinstance(secret, bytes | bytearray):
        key = bytes(secret)
    elif isinstance(secret, str):
        key = _as_bytes(secret) or b""
    else:
        raise DealerbridgeUsageError(f"{what} must be str or bytes, got {type(secret).__name__}")
    if not key:
        raise DealerbridgeUsageError(f"{what} is empty")
    return key


def _header(headers: object, name: str) -> object:
    """The value of header *name* (case-insensitive, the first of repeated ones) in *headers*,
    a mapping or anything with ``.items()``; a ``str`` or ``None`` is taken as the value
    itself (the header already read). Anything else is misuse."""
    if headers is None or isinstance(headers, str):
        return headers
    if isinstance(headers, bytes):  # a raw header value (ASGI): the same text as sent
        return headers.decode("latin-1")
    items = getattr(headers, "items", None)
    if not callable(items):
        raise DealerbridgeUsageError(
            f"expected the request headers (a mapping) or the header's value (str), got "
            f"{type(headers).__name__}"
        )
    for key, value in items():
        if isinstance(key, str) and key.lower() == name:
            return value
    return None


def verify_webhook_signature(
    raw_body: bytes | bytearray | memoryview | str,
    headers: Mapping[str, str] | str | bytes | None,
    secret: str | bytes,
) -> bool:
    """True when the ``mykaarma-signature-token`` header is ``sha256=<hex HMAC-SHA256 of
    raw_body with secret>``.

    *headers* is the request's headers (any mapping with ``.items()``, names case-insensitive,
    like `dealerbridge.shopmonkey.verify_webhook`), or the header's value itself (a ``str``,
    or ``None`` when it was missing). The body is the bytes as received (``bytes``,
    ``bytearray``, ``memoryview``; a ``str`` is taken as its UTF-8). The comparison is
    constant-time. Anything the sender controls gives ``False``, never an exception: a changed
    body, another secret, a missing or malformed header. Programming mistakes raise
    `dealerbridge.DealerbridgeUsageError`, as in `shopmonkey.verify_webhook`: a body of another
    type (an already parsed dict), headers that are neither a mapping nor a str, a secret that
    is empty or not ``str``/``bytes``.
    """
    body = _body_bytes(raw_body, "verify_webhook_signature")
    header = _header(headers, SIGNATURE_HEADER)
    key = _secret_bytes(secret, "the webhook secret")
    if body is None or not isinstance(header, str):
        return False
    match = _SIGNATURE.match(header.strip())
    if match is None:
        return False
    expected = hmac.new(key, body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, match.group(1).lower())


def verify_authorization_token(header_value: str | None, expected_token: str) -> bool:
    """Constant-time check of the static ``x-authorization-token`` header. A missing or
    malformed header gives ``False``; an *expected_token* that is empty or not a ``str`` is a
    `dealerbridge.DealerbridgeUsageError`."""
    if not isinstance(expected_token, str) or not expected_token:
        raise DealerbridgeUsageError("the expected authorization token must be a non-empty str")
    given = _as_bytes(header_value) if header_value is not None else None
    wanted = _as_bytes(expected_token)
    if given is None or not wanted:
        return False
    return hmac.compare_digest(given, wanted)


def parse_order_event(raw: bytes | bytearray | memoryview | str) -> OrderEvent:
    """Read a delivered order event: strict JSON, then the envelope, then the inner payload.

    ``payload`` normally arrives as a string holding JSON; an object is accepted too. Every
    failure is a `dealerbridge.ValidationError` whose paths continue under ``/payload``. An
    event ``type`` beyond today's list is kept and reported as an
    `UnknownEnumValueWarning`, not rejected. Returns an `OrderEvent`; `dealerbridge.dump`
    writes the payload back as the exact string received. The body may be ``bytes``,
    ``bytearray``, ``memoryview`` or ``str``, as for `dealerbridge.load` and
    `shopmonkey.parse_webhook`; anything else is a ``json.type`` issue.
    """
    if not isinstance(raw, _RAW):
        kind = type(raw).__name__
        raise ValidationError(
            [issue("", "json.type", f"expected the raw body as bytes or str, got {kind}")]
        )
    if isinstance(raw, bytearray | memoryview):
        raw = bytes(raw)  # as load() reads them
    return load(OrderEvent, raw)


def event_key(event: OrderEvent) -> tuple[str, str]:
    """The ``(id, type)`` pair myKaarma's retries repeat: deduplicate deliveries on it."""
    if not isinstance(event, OrderEvent):
        raise DealerbridgeUsageError(f"expected an OrderEvent, got {type(event).__name__}")
    return (event.id, event.type)

"""Receiving Shopmonkey v3 webhooks: verify the signature on the raw body, then read it strictly.

A delivery is a POST whose JSON body names a table, an operation (INSERT, UPDATE, DELETE) and the
row (``data``), with the headers ``webhook-id``, ``webhook-timestamp`` and ``webhook-signature``.
Those are the header names of the Standard Webhooks scheme; the section of Shopmonkey's page
that would state the signing algorithm could not be read, so the algorithm is inferred from the
header names, and implemented by the ``standardwebhooks`` package (HMAC-SHA256 over
``{id}.{timestamp}.{body}``, base64 secrets, a replay window of 5 minutes). Facts and decisions:
``notes/decisions-shopmonkey-webhooks.md``.
"""

from __future__ import annotations

import base64
import binascii
import re
import time
from collections.abc import Mapping
from datetime import timedelta
from typing import Final, TypeAlias, cast

import attrs
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from .._errors import DealerbridgeUsageError
from .._generated.shopmonkey import (
    Fee,
    Labor,
    Order,
    Part,
    Service,
    Subcontract,
    Tire,
    WebhookEvent,
)
from .._json import parse_json
from .._models import JSON, UnsetType, _load, converter, dump

__all__ = ["WEBHOOK_TOLERANCE", "WebhookChange", "WebhookRow", "parse_webhook", "verify_webhook"]

WEBHOOK_TOLERANCE: Final = timedelta(minutes=5)
"""How far ``webhook-timestamp`` may be from now, either way: the ``standardwebhooks`` package's
fixed replay window, and the widest `verify_webhook` accepts."""

WebhookRow: TypeAlias = Order | Service | Labor | Part | Tire | Fee | Subcontract | dict[str, JSON]
"""The row of a delivery: a model for the tables dealerbridge models, a JSON object otherwise."""

_ROW_MODELS: Final[dict[str, type[Order | Service | Labor | Part | Tire | Fee | Subcontract]]] = {
    "order": Order,
    "service": Service,
    "labor": Labor,
    "part": Part,
    "tire": Tire,
    "fee": Fee,
    "subcontract": Subcontract,
}

_HEADERS: Final = ("webhook-id", "webhook-timestamp", "webhook-signature")
#: The only text of ``webhook-timestamp`` that verifies: what a Standard Webhooks signer writes
#: (``str(int(seconds))``), digits with no sign, space, fraction, exponent or leading zero.
#: The package itself reads the header with ``float()`` and signs the floor of that, so without
#: this check ``+1796610146``, `` 1796610146 ``, ``1796610146.999`` and ``1.796610146e9`` would
#: all verify under the signature made for ``1796610146``.
_CANONICAL_TIMESTAMP: Final = re.compile(r"0|[1-9][0-9]{0,18}")
_SECRET_PREFIX: Final = "whsec_"


@attrs.frozen
class WebhookChange:
    """One Shopmonkey webhook delivery, read: what happened (`operation`) to which row (`data`)
    of which `table`.

    ``data`` is an `Order`, `Service`, `Labor`, `Part`, `Tire`, `Fee` or `Subcontract` when
    `table` is ``order``, ``service``, ``labor``, ``part``, ``tire``, ``fee`` or
    ``subcontract``, and the row as a JSON object for every other table. The row is held once,
    there: `event` rebuilds the body as received (`WebhookEvent`) when asked for.
    """

    table: str
    """The Shopmonkey table, snake_case (``order``, ``service``, ``customer``, ...)."""
    operation: str
    """``INSERT``, ``UPDATE`` or ``DELETE`` (another value is kept, with a warning)."""
    data: WebhookRow
    """The row: typed for the modelled tables, a JSON object otherwise."""
    diff: list[str] | UnsetType | None
    """On UPDATE, the top-level members of the row that changed; `UNSET` when absent."""
    api_version: str | int = attrs.field(default="3", kw_only=True)
    """``apiVersion`` as received, with its JSON type (``"3"`` or ``3``)."""
    extras: dict[str, JSON] = attrs.field(factory=dict, kw_only=True, repr=False)
    """Top-level members of the body the schema does not list, kept."""

    @property
    def event(self) -> WebhookEvent:
        """The whole body as received, as a `WebhookEvent` (the row as JSON, unknown members
        kept): built from this change on each access, so the row is not held twice."""
        row = self.data if isinstance(self.data, dict) else dump(self.data, validate=False)
        return WebhookEvent(
            api_version=self.api_version,
            operation=self.operation,
            table=self.table,
            data=cast("dict[str, JSON]", row),
            diff=self.diff,
            extras=dict(self.extras),
        )


def parse_webhook(raw: bytes | bytearray | memoryview | str) -> WebhookChange:
    """Read a delivered Shopmonkey webhook body: strict JSON, the envelope, then the row.

    Pass the body as received (verify it first with `verify_webhook`). The envelope is checked
    against the ``shopmonkey/webhook`` schema, whose rules also check ``data`` against the
    table's schema for the tables dealerbridge models, so every problem raises one
    `dealerbridge.ValidationError` listing all issues with paths from the body's root
    (``/data/totalCents``). An ``operation``, or an enum value inside a modelled row, beyond
    today's list is kept and reported as an `UnknownEnumValueWarning`, not rejected.

    The typed rows are our order, service and line-item schemas, which describe the objects the
    REST API returns (an order with its ``customer``, ``vehicle`` and ``workflowStatus``, a
    service with its line items). If Shopmonkey sends table rows without those members, an
    order or service delivery raises `ValidationError` with ``required`` issues at
    ``/data/customer``...; no real delivery is public to settle it (see the decisions note).
    """
    if isinstance(raw, bytearray | memoryview):
        raw = bytes(raw)
    value = parse_json(raw)  # refuses what is not str or bytes (json.type)
    event: WebhookEvent = _load(WebhookEvent, value)  # the value just read: the fast path
    # The schema has validated the row for its table: build the model without re-checking it,
    # from the row as parsed (the envelope's ``dict[str, JSON]`` field normalises numbers).
    row = cast("dict[str, dict[str, JSON]]", value)["data"]  # load() checked both are objects
    model = _ROW_MODELS.get(event.table)
    data: WebhookRow = row if model is None else converter.structure(row, model)
    return WebhookChange(
        table=event.table,
        operation=event.operation,
        data=data,
        diff=event.diff,
        api_version=event.api_version,
        extras=event.extras,
    )


def verify_webhook(
    raw: bytes | bytearray | memoryview | str,
    headers: Mapping[str, str],
    secret: str | bytes,
    *,
    tolerance: timedelta = WEBHOOK_TOLERANCE,
) -> bool:
    """True when *headers* carry a valid Standard Webhooks signature of *raw* made with *secret*,
    at a ``webhook-timestamp`` within *tolerance* of now.

    Shopmonkey sends ``webhook-id``, ``webhook-timestamp`` and ``webhook-signature``; the
    algorithm is inferred from these header names (the Shopmonkey page section that would confirm
    it was not readable) and checked by the ``standardwebhooks`` package: HMAC-SHA256 over
    ``{webhook-id}.{webhook-timestamp}.{raw}``, any of the space-separated ``v1,<base64>``
    signatures may match, compared in constant time. Header names are case-insensitive (any
    mapping with ``.items()``; the first of repeated headers counts).

    Anything the sender controls gives ``False``, never an exception: a changed body, another
    secret, a missing or malformed header, a timestamp older or newer than *tolerance*, a
    ``webhook-timestamp`` written other than as the signer writes it (only the canonical integer
    text, ``1796610146``, verifies: not `` 1796610146 ``, ``+1796610146``, ``01796610146``,
    ``1796610146.999`` or ``1.796610146e9``, which the package alone would accept). Pass the
    body exactly as received (``bytes``; a ``str`` is signed as its UTF-8).

    *secret* is Shopmonkey's webhook secret: a ``str`` in the Standard Webhooks form (base64,
    optionally prefixed ``whsec_``), or ``bytes`` used as the key as they are. *tolerance* can
    narrow the package's fixed 5-minute window (`WEBHOOK_TOLERANCE`), not widen it.
    Programming mistakes raise `dealerbridge.DealerbridgeUsageError`: a secret that is empty,
    not base64 or of another type, a body that is not ``bytes``/``str`` (an already parsed dict,
    say), headers without ``.items()``, a tolerance outside (0, 5 minutes].
    """
    body = _body_text(raw)
    hook = _webhook_for(secret)
    _check_tolerance(tolerance)
    found = _standard_headers(headers)
    if body is None or found is None:
        return False
    if _CANONICAL_TIMESTAMP.fullmatch(found["webhook-timestamp"]) is None:
        return False
    if tolerance < WEBHOOK_TOLERANCE and not _within(found["webhook-timestamp"], tolerance):
        return False
    try:
        hook.verify(body, found, json_parse=False)
    except (WebhookVerificationError, ValueError):
        # ValueError covers what the package lets through on malformed input: a signature
        # without a comma, bad base64 (binascii.Error), text that cannot be encoded.
        return False
    return True


def _body_text(raw: object) -> str | None:
    if isinstance(raw, str):
        return raw
    if isinstance(raw, bytes | bytearray | memoryview):
        try:
            return bytes(raw).decode("utf-8")
        except UnicodeDecodeError:
            return None
    raise DealerbridgeUsageError(
        f"verify_webhook needs the raw body as bytes or str, got {type(raw).__name__}: "
        "verify before parsing, on the bytes as received"
    )


def _webhook_for(secret: object) -> Webhook:
    if isinstance(secret, bytes | bytearray):
        if not secret:
            raise DealerbridgeUsageError("the webhook secret is empty")
        return Webhook(bytes(secret))
    if not isinstance(secret, str):
        raise DealerbridgeUsageError(
            f"the webhook secret must be str (base64, optionally 'whsec_'-prefixed) or bytes, "
            f"got {type(secret).__name__}"
        )
    text = secret.removeprefix(_SECRET_PREFIX)
    try:
        key = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise DealerbridgeUsageError(
            "the webhook secret is not base64 (optionally prefixed 'whsec_'); pass bytes to use "
            "a secret's bytes as the key as they are"
        ) from None
    if not key:
        raise DealerbridgeUsageError("the webhook secret is empty")
    return Webhook(secret)


def _check_tolerance(tolerance: object) -> None:
    if not isinstance(tolerance, timedelta):
        raise DealerbridgeUsageError(
            f"tolerance must be a datetime.timedelta, got {type(tolerance).__name__}"
        )
    if not timedelta(0) < tolerance <= WEBHOOK_TOLERANCE:
        raise DealerbridgeUsageError(
            f"tolerance must be more than 0 and at most {WEBHOOK_TOLERANCE} (the standardwebhooks "
            f"package's fixed replay window), got {tolerance}"
        )


def _standard_headers(headers: object) -> dict[str, str] | None:
    items = getattr(headers, "items", None)
    if not callable(items):
        raise DealerbridgeUsageError(
            f"headers must be a mapping of header names to values, got {type(headers).__name__}"
        )
    found: dict[str, str] = {}
    for key, value in items():
        if isinstance(key, str) and isinstance(value, str):
            name = key.lower()
            if name in _HEADERS:
                found.setdefault(name, value)
    if any(not found.get(name) for name in _HEADERS):
        return None
    return found


def _within(timestamp: str, tolerance: timedelta) -> bool:
    # *timestamp* is canonical integer text (`_CANONICAL_TIMESTAMP`): int() cannot fail.
    return abs(time.time() - int(timestamp)) <= tolerance.total_seconds()

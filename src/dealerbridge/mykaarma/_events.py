"""Any myKaarma webhook delivery, typed by its ``type`` (`parse_event`)."""

from __future__ import annotations

import typing
from collections.abc import Mapping

from .._generated.mykaarma import CustomerEvent, OrderEvent, WebhookEvent
from .._json import parse_json
from .._models import _load

__all__ = ["EVENT_MODELS", "parse_event"]

#: The event types dealerbridge models, with their model; every other type is a `WebhookEvent`.
EVENT_MODELS: Mapping[str, type[OrderEvent] | type[CustomerEvent]] = {
    "service-orders": OrderEvent,
    "customers": CustomerEvent,
}


def parse_event(raw: bytes | str) -> OrderEvent | CustomerEvent | WebhookEvent:
    """Read any myKaarma webhook delivery (the raw body, after its signature was verified with
    `verify_webhook_signature`): an `OrderEvent` for ``service-orders``, a `CustomerEvent` for
    ``customers`` (both with their payload decoded and validated, whether it came as a string
    or an object), and a `WebhookEvent` (the envelope, payload kept as it came) for every other
    type (appointments, mpis, messages, ...). Strict JSON; every failure is a
    `dealerbridge.ValidationError`. `parse_order_event` still reads order events alone.
    """
    data = parse_json(raw)  # refuses what is not str or bytes (json.type)
    kind = data.get("type") if isinstance(data, dict) else None
    model = EVENT_MODELS.get(kind) if isinstance(kind, str) else None
    # The value parse_json has just returned: the fast path parse_order_event takes.
    if model is OrderEvent:
        return typing.cast(OrderEvent, _load(OrderEvent, data))
    if model is CustomerEvent:
        return typing.cast(CustomerEvent, _load(CustomerEvent, data))
    return typing.cast(WebhookEvent, _load(WebhookEvent, data))

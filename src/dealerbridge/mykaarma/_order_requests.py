"""Turn an order as read or received into a create or update request."""

from __future__ import annotations

from typing import Any

import attrs

from .._errors import DealerbridgeUsageError, ValidationError, issue
from .._generated.mykaarma import (
    CreateOrderRequest,
    Order,
    OrderEvent,
    OrderEventPayload,
    ReadOrderEnvelope,
    ReadOrderResponse,
    UpdateOrderRequest,
)
from .._models import dump, load
from .._registry import default_registry
from ._orders import letter_to_status

__all__ = ["RequestFromOrder", "create_request_from_order", "update_request_from_order"]

#: Same meaning, different wire name: (create-request object, event/read key) -> create key.
RENAMES: dict[tuple[str, str], str] = {
    ("CreateOrderHeader", "orderDate"): "createDate",
    ("CreateOrderHeader", "orderTime"): "createTime",
    ("CreateOrderJob", "techNos"): "techNo",
}


@attrs.frozen
class RequestFromOrder:
    """The request built from an order, and the order members it could not carry."""

    request: Any
    """A `CreateOrderRequest` or `UpdateOrderRequest`."""
    dropped: tuple[str, ...]
    """JSON Pointers (into the order) of members with no counterpart in the request."""


def _order_of(order: Any) -> Order:
    if isinstance(order, Order):
        return order
    if isinstance(order, OrderEvent):
        return order.payload.order
    if isinstance(order, OrderEventPayload | ReadOrderEnvelope):
        return order.order
    if isinstance(order, ReadOrderResponse):
        if not isinstance(order.order, ReadOrderEnvelope):
            raise ValidationError(
                [issue("/order", "required", "the read response carries no order")]
            )
        return order.order.order
    raise DealerbridgeUsageError(
        f"expected an Order, OrderEvent or ReadOrderResponse, got {type(order).__name__}"
    )


def _build(order: Any, request_cls: Any) -> RequestFromOrder:
    source = dump(_order_of(order), validate=False)
    document = default_registry().document("mykaarma/create-order-request")
    defs = document["$defs"]
    dropped: list[str] = []

    def copy(value: Any, target: str, where: str) -> Any:
        node = defs[target]
        out: dict[str, Any] = {}
        for key, item in value.items():
            wire = RENAMES.get((target, key), key)
            if wire not in node["properties"]:
                dropped.append(f"{where}/{key}")
                continue
            child = _nested(node["properties"][wire])
            if child is not None and item is not None:
                if isinstance(item, list):
                    item = [copy(v, child, f"{where}/{key}/{i}") for i, v in enumerate(item)]
                else:
                    item = copy(item, child, f"{where}/{key}")
            out[wire] = item
        return out

    body = copy(source, "CreateOrder", "")
    header = body.get("header")
    if isinstance(header, dict) and isinstance(header.get("status"), str):
        try:
            header["status"] = letter_to_status(header["status"])
        except ValidationError as exc:
            raise ValidationError(
                [attrs.evolve(i, path="/header/status") for i in exc.issues]
            ) from None
    request = load(request_cls, {"order": body}, strict=True)
    return RequestFromOrder(request=request, dropped=tuple(dropped))


def _nested(prop: dict[str, Any]) -> str | None:
    """The create-request `$defs` name a property holds (directly, nullable or as items)."""
    refs: list[str] = []
    for node in [prop, *prop.get("anyOf", []), prop.get("items", {})]:
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                refs.append(node["$ref"])
            items = node.get("items")
            if isinstance(items, dict) and isinstance(items.get("$ref"), str):
                refs.append(items["$ref"])
    for ref in refs:
        if ref.startswith("#/$defs/"):
            return ref.removeprefix("#/$defs/")
    return None


def create_request_from_order(order: Any) -> RequestFromOrder:
    """Build a `CreateOrderRequest` from an order as read (`ReadOrderResponse`) or received
    (`OrderEvent`, or the `Order` itself).

    Renamed members: ``orderDate``/``orderTime`` become ``createDate``/``createTime`` and
    ``techNos`` becomes ``techNo``; the status letter becomes its word (``C`` -> ``CLOSED``).
    Assumption: event and read dates carry no zone in the docs; like create's, they are taken
    to be UTC and copied unchanged. Members with no counterpart in the request (``dmsStatus``,
    ``jobTotal``, ``estimates``, vehicle details, unknown members, ...) are dropped and listed
    in ``dropped``. Raises `ValidationError` only when the request would be invalid (for example
    an amount the create grammar rejects, or no advisor).
    """
    return _build(order, CreateOrderRequest)


def update_request_from_order(order: Any) -> RequestFromOrder:
    """Like `create_request_from_order`, for the update body (the same shape). Send the read's
    ``orderReadChecksum`` header with it (`UpdateOrderHeaders`)."""
    return _build(order, UpdateOrderRequest)

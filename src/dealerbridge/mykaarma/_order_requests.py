"""Turn an order as read or received into a create or update request."""

from __future__ import annotations

from typing import Generic, TypeVar

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
from .._models import JSON, dump, load
from .._registry import default_registry
from .._schema_model import ArraySchema, Node, ObjectSchema, unwrap
from ._orders import letter_to_status

__all__ = ["RequestFromOrder", "create_request_from_order", "update_request_from_order"]

#: Same meaning, different wire name: (create-request object, event/read key) -> create key.
RENAMES: dict[tuple[str, str], str] = {
    ("CreateOrderHeader", "orderDate"): "createDate",
    ("CreateOrderHeader", "orderTime"): "createTime",
    ("CreateOrderJob", "techNos"): "techNo",
}


R = TypeVar("R", CreateOrderRequest, UpdateOrderRequest)

#: What `create_request_from_order` and `update_request_from_order` accept.
OrderSource = Order | OrderEvent | OrderEventPayload | ReadOrderEnvelope | ReadOrderResponse


@attrs.frozen
class RequestFromOrder(Generic[R]):
    """The request built from an order, and the order members it could not carry."""

    request: R
    """A `CreateOrderRequest` or `UpdateOrderRequest`."""
    dropped: tuple[str, ...]
    """JSON Pointers (into the order) of members with no counterpart in the request."""


def _order_of(order: object) -> Order:
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


def _build(order: OrderSource, request_cls: type[R]) -> RequestFromOrder[R]:
    source = dump(_order_of(order), validate=False)
    root = default_registry().model("mykaarma/create-order-request").root
    assert isinstance(root, ObjectSchema)
    order_field = root.field("order")
    assert order_field is not None and isinstance(order_field.value, ObjectSchema)
    dropped: list[str] = []

    def copy(value: dict[str, JSON], target: ObjectSchema, where: str) -> dict[str, JSON]:
        out: dict[str, JSON] = {}
        for key, item in value.items():
            wire = RENAMES.get((target.class_name or "", key), key)
            field = target.field(wire)
            if field is None:
                dropped.append(f"{where}/{key}")
                continue
            child = _nested(field.value)
            if child is not None and item is not None:
                if isinstance(item, list):
                    item = [
                        copy(v, child, f"{where}/{key}/{i}") if isinstance(v, dict) else v
                        for i, v in enumerate(item)
                    ]
                elif isinstance(item, dict):
                    item = copy(item, child, f"{where}/{key}")
            out[wire] = item
        return out

    assert isinstance(source, dict)
    body = copy(source, order_field.value, "")
    header = body.get("header")
    if isinstance(header, dict) and isinstance(header.get("status"), str):
        status = header["status"]
        assert isinstance(status, str)
        try:
            header["status"] = letter_to_status(status)
        except ValidationError as exc:
            raise ValidationError(
                [attrs.evolve(i, path="/header/status") for i in exc.issues]
            ) from None
    request = load(request_cls, {"order": body}, strict=True)
    return RequestFromOrder(request=request, dropped=tuple(dropped))


def _nested(node: Node) -> ObjectSchema | None:
    """The create-request object a member holds (directly, nullable or as items)."""
    node = unwrap(node)
    if isinstance(node, ArraySchema):
        node = unwrap(node.items)
    return node if isinstance(node, ObjectSchema) and node.fields else None


def create_request_from_order(order: OrderSource) -> RequestFromOrder[CreateOrderRequest]:
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


def update_request_from_order(order: OrderSource) -> RequestFromOrder[UpdateOrderRequest]:
    """Like `create_request_from_order`, for the update body (the same shape). Send the read's
    ``orderReadChecksum`` header with it (`UpdateOrderHeaders`)."""
    return _build(order, UpdateOrderRequest)

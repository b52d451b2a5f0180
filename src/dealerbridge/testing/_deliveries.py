"""What a service receives: webhook deliveries of a chosen table or event type, Shopmonkey
orders with their customer embedded, and delivery bodies the matching ``parse_*`` refuses.

``payloads("shopmonkey/webhook")`` draws envelopes whose ``table`` is almost never one the
library models, and ``payloads("mykaarma/webhook-event")`` mostly events `mk.parse_event`
reads as other types; a service's tests need deliveries of the table or type it handles, with
a row that is valid for it. These strategies build them from the row strategies (a service
whose totals add up, an order, a line item) and the envelope's own rules.
"""

from __future__ import annotations

import json
from typing import Any, cast

from hypothesis import strategies as st

from .._json import parse_json
from .._types import JSON
from ._mapping import shopmonkey_services
from ._strategies import payloads

__all__ = [
    "MYKAARMA_EVENT_TYPES",
    "SHOPMONKEY_TABLES",
    "invalid_deliveries",
    "mykaarma_deliveries",
    "shopmonkey_deliveries",
    "shopmonkey_orders_with_customers",
]

#: The Shopmonkey tables whose rows `shopmonkey.parse_webhook` types.
SHOPMONKEY_TABLES = ("order", "service", "labor", "part", "tire", "fee", "subcontract")
#: The myKaarma event types whose payload `mykaarma.parse_event` types.
MYKAARMA_EVENT_TYPES = ("service-orders", "customers")
_OPERATIONS = ("INSERT", "UPDATE", "DELETE")


def _row(table: str) -> st.SearchStrategy[Any]:
    if table == "service":
        return shopmonkey_services()
    return payloads(f"shopmonkey/{table}", unknown_fields=False)


@st.composite
def _shopmonkey_delivery(draw: st.DrawFn, table: str, operation: str | None) -> dict[str, JSON]:
    op = operation or draw(st.sampled_from(_OPERATIONS))
    row = draw(_row(table))
    body: dict[str, Any] = {"apiVersion": "3", "operation": op, "table": table, "data": row}
    if op == "UPDATE":
        keys = sorted(row)
        body["diff"] = draw(st.lists(st.sampled_from(keys), unique=True, max_size=3))
    return body


def shopmonkey_deliveries(
    table: str | None = None, *, operation: str | None = None
) -> st.SearchStrategy[dict[str, JSON]]:
    """Shopmonkey webhook bodies (JSON values) for *table* (one of `SHOPMONKEY_TABLES`; any
    of them when None) and *operation* (``INSERT``, ``UPDATE``, ``DELETE``; any when None),
    each with a row valid for its table (a service's totals add up) and ``diff`` on UPDATE.
    `dealerbridge.shopmonkey.parse_webhook` reads every one (after ``json.dumps``)."""
    if table is not None and table not in SHOPMONKEY_TABLES:
        raise ValueError(f"table must be one of {SHOPMONKEY_TABLES}, not {table!r}")
    if operation is not None and operation not in _OPERATIONS:
        raise ValueError(f"operation must be one of {_OPERATIONS}, not {operation!r}")
    tables = (table,) if table else SHOPMONKEY_TABLES
    return st.one_of(*(_shopmonkey_delivery(t, operation) for t in tables))


@st.composite
def _mykaarma_delivery(draw: st.DrawFn, kind: str, stringified: bool) -> dict[str, JSON]:
    name = "mykaarma/order-event" if kind == "service-orders" else "mykaarma/customer-event"
    event = draw(payloads(name, unknown_fields=False))
    assert isinstance(event, dict)  # both event schemas are objects
    event["type"] = kind
    payload = event["payload"]
    if isinstance(payload, str):
        payload = cast(JSON, parse_json(payload))  # the strict reader's value is JSON
    event["payload"] = json.dumps(payload) if stringified else payload
    return dict(event)


def mykaarma_deliveries(
    type: str = "service-orders",  # the envelope member's name
    *,
    stringified: bool = True,
) -> st.SearchStrategy[dict[str, JSON]]:
    """myKaarma webhook bodies (JSON values) of event *type* (``service-orders`` or
    ``customers``), with ``payload`` as real deliveries carry it: a string holding JSON
    (``stringified=False``: the object, as the docs print it). `mykaarma.parse_event` types
    every one as the event of *type*."""
    if type not in MYKAARMA_EVENT_TYPES:
        raise ValueError(f"type must be one of {MYKAARMA_EVENT_TYPES}, not {type!r}")
    return _mykaarma_delivery(type, stringified)


@st.composite
def _with_customer(draw: st.DrawFn) -> dict[str, JSON]:
    order = draw(payloads("shopmonkey/order", unknown_fields=False))
    customer = draw(payloads("shopmonkey/customer", unknown_fields=False))
    assert isinstance(order, dict) and isinstance(customer, dict)  # both schemas are objects
    order["customer"] = customer
    order["customerId"] = customer["id"]
    return dict(order)


def shopmonkey_orders_with_customers() -> st.SearchStrategy[dict[str, JSON]]:
    """Shopmonkey orders (JSON values, as ``GET /v3/order/:id`` answers) that embed their
    customer, with ``customerId`` equal to the customer's ``id``."""
    return _with_customer()


@st.composite
def _broken_delivery(draw: st.DrawFn, vendor: str) -> tuple[bytes, str]:
    if vendor == "shopmonkey":
        body: dict[str, Any] = draw(shopmonkey_deliveries())  # indexed freely below
        how = draw(st.sampled_from(("no-table", "data-not-object", "row-type", "not-json")))
        if how == "no-table":
            del body["table"]
        elif how == "data-not-object":
            body["data"] = [body["data"]]
        elif how == "row-type":
            body["data"]["id"] = 1  # every modelled row's id is a string
        else:
            return json.dumps(body).encode()[:-1], how
        return json.dumps(body).encode(), how
    body = draw(mykaarma_deliveries())
    how = draw(st.sampled_from(("no-id", "payload-not-json", "timestamp-text", "payload-no-uuid")))
    if how == "no-id":
        del body["id"]
    elif how == "payload-not-json":
        body["payload"] = body["payload"][:-1]
    elif how == "timestamp-text":
        body["timestamp"] = str(body["timestamp"])
    else:
        payload = json.loads(body["payload"])
        del payload["uuid"]
        body["payload"] = json.dumps(payload)
    return json.dumps(body).encode(), how


def invalid_deliveries(vendor: str) -> st.SearchStrategy[tuple[bytes, str]]:
    """``(raw body, how it is broken)`` of deliveries the vendor's parser refuses with a
    `dealerbridge.ValidationError`: for ``"shopmonkey"`` (`shopmonkey.parse_webhook`) a missing
    table, a row that is not an object, a row member of the wrong type, cut-off JSON; for
    ``"mykaarma"`` (`mykaarma.parse_event`) a missing id, a payload string that is not JSON, a
    timestamp as text, an order payload without its uuid. Never an out-of-list enum value,
    which the parsers keep with a warning."""
    if vendor not in ("shopmonkey", "mykaarma"):
        raise ValueError(f"vendor must be 'shopmonkey' or 'mykaarma', not {vendor!r}")
    return _broken_delivery(vendor)

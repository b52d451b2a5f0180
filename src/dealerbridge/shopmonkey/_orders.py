"""Helpers for Shopmonkey orders that the schema cannot express."""

from __future__ import annotations

from .._errors import DealerbridgeUsageError, Issue, ValidationError
from .._generated.shopmonkey import Order
from .._json import check_value
from .._render import render_value


def order_number(order: Order) -> str:
    """The order's number as a string, whichever JSON type Shopmonkey sent.

    The page types ``number`` as a string and EDS agrees, but every example on the page prints
    an integer (``1``) and Shopmonkey's 2023 Go model has ``int64``, so the schema accepts both
    and :func:`dealerbridge.load` keeps what was sent (a round trip must not change the payload).
    Use this wherever the number is compared, stored or shown: ``1042`` and ``"1042"`` give
    ``"1042"``. A ``bool`` (which Python counts as an int) is rejected.
    """
    if not isinstance(order, Order):
        raise DealerbridgeUsageError(f"expected a shopmonkey Order, got {type(order).__name__}")
    value = order.number
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        if not check_value(value):  # within int64
            return str(value)
        message = f"'number' {render_value(value)} is outside the signed 64-bit range"
        issue = Issue(path="/number", code="json.integer_range", message=message, value=None)
        raise ValidationError([issue], schema="shopmonkey/order")
    message = f"'number' must be a string or an integer; found {render_value(value)}"
    issue = Issue(path="/number", code="type", message=message, value=value)
    raise ValidationError([issue], schema="shopmonkey/order")

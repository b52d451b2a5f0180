"""Hints: the short advice an issue's message ends with when a value looks like a common
mistake ("send the word CLOSED, not the letter"). The core writes the hints that know no vendor
(a date-time where a date is wanted, an enum word in the wrong case); a vendor package
registers its own with `register_hint` (``<package>/_registration.py``), found by entry point
like the issue codes (`dealerbridge._codes`), so the core never names a vendor.

A hint is a function ``(keyword_location, node, value, hidden) -> str``: the absolute location
of the failing keyword, the schema model's scalar holding it (None when the keyword is not on a
scalar, e.g. a union), the value found, and whether that value is hidden by redaction (then
only a hint that depends on the value's JSON type alone may be given: one derived from the
value, such as the integer in a string or the word a letter stands for, would show it). It
returns ``""`` when it has nothing to say, and must never raise (it reads only what it has
bounded first). Registered hints are asked first,
in registration order; the first non-empty answer is the hint.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeAlias

from ._codes import load_registrations
from ._errors import DealerbridgeUsageError

if TYPE_CHECKING:
    from ._schema_model import Scalar

__all__ = ["Hint", "hint_for", "register_hint"]

Hint: TypeAlias = Callable[[str, "Scalar | None", object, bool], str]

_hints: list[Hint] = []


def register_hint(hint: Hint) -> None:
    """Add *hint* (see the module docstring); registering the same function again does
    nothing."""
    if not callable(hint):
        raise DealerbridgeUsageError(f"a hint must be callable, got {type(hint).__name__}")
    if hint not in _hints:
        _hints.append(hint)


def hint_for(location: str, node: Scalar | None, value: object, hidden: bool = False) -> str:
    """The hint for *value* failing the keyword at *location*, or ``""``."""
    load_registrations()
    for hint in list(_hints):
        found = hint(location, node, value, hidden)
        if found:
            return found
    return _generic(node, value, hidden)


def _generic(node: Scalar | None, value: object, hidden: bool) -> str:
    if node is None or hidden:  # both hints below show (part of) the value
        return ""
    if node.format == "date" and isinstance(value, str) and len(value) > 10:
        head = value[:10]
        if len(head) == 10 and head[4] == "-" and head[7] == "-" and value[10] in "T ":
            return f'a date only, without time or offset: "{head}"'
    enum = node.enum
    if enum is not None and isinstance(value, str) and value:
        words = [o for o in enum if isinstance(o, str)]
        close = [o for o in words if o.casefold() == value.casefold()]
        if close:
            return f'did you mean "{close[0]}"? (case matters)'
    return ""

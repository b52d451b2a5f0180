"""Exact conversion between myKaarma decimal-string amounts and Shopmonkey integer cents.

One amount grammar is shared with the schemas (``common/primitives`` ``mykaarmaAmount``):

- in: ``^[0-9]+(\\.[0-9]{1,2})?$`` (``"12"``, ``"12.5"``, ``"12.50"``)
- out: ``^[0-9]+\\.[0-9]{2}$`` (always two decimals)

No float is ever involved and nothing is rounded: a value with three decimals, a sign, an
exponent, spaces, a non-int (``bool`` and ``float`` included) or negative cents raises
`dealerbridge.ValidationError`. Exact for every amount below 10^300 and beyond: the bound is
`MAX_AMOUNT_LENGTH` characters for an amount string and `MAX_CENTS` for cents, and anything
larger is refused at once (``money.amount`` / ``money.cents``), before any arithmetic.
"""

from __future__ import annotations

import re

from ._errors import ValidationError, issue
from ._render import render_value

__all__ = [
    "AMOUNT_OUT_PATTERN",
    "AMOUNT_PATTERN",
    "MAX_AMOUNT_LENGTH",
    "MAX_CENTS",
    "amount_to_cents",
    "cents_to_amount",
]

#: The amount grammar read by `amount_to_cents` (ECMA-262 and Python agree on it).
AMOUNT_PATTERN = r"^[0-9]+(\.[0-9]{1,2})?$"
#: The grammar `cents_to_amount` writes.
AMOUNT_OUT_PATTERN = r"^[0-9]+\.[0-9]{2}$"
#: Longest amount string read (1,000 characters: amounts up to 10^997 units, far past 10^300).
MAX_AMOUNT_LENGTH = 1000
#: Largest cents value written (10^1000 - 1: amounts up to 10^998 units).
MAX_CENTS = 10**1000 - 1

_SMALL = 2**62  # below MAX_CENTS: amounts up to this need no further check

_AMOUNT = re.compile(r"([0-9]+)(?:\.([0-9]{1,2}))?\Z")


def _refuse(code: str, message: str, value: object) -> ValidationError:
    return ValidationError([issue("", code, message, value)])


def amount_to_cents(amount: str) -> int:
    """``"12.5"`` -> ``1250``. Exact for any amount up to `MAX_AMOUNT_LENGTH` characters."""
    if not isinstance(amount, str):
        raise _refuse(
            "money.amount",
            f"amount must be a decimal string, got {type(amount).__name__} {render_value(amount)}",
            amount,
        )
    if len(amount) > MAX_AMOUNT_LENGTH:
        raise _refuse(
            "money.amount",
            f"amount {render_value(amount)} is longer than {MAX_AMOUNT_LENGTH} characters",
            amount,
        )
    match = _AMOUNT.match(amount)
    if match is None:
        raise _refuse(
            "money.amount",
            f"amount {render_value(amount)} does not match {AMOUNT_PATTERN}",
            amount,
        )
    whole, fraction = match.group(1), match.group(2) or ""
    return int(whole) * 100 + int(fraction.ljust(2, "0"))


def cents_to_amount(cents: int) -> str:
    """``1250`` -> ``"12.50"``. Only non-negative ``int`` (not ``bool``) up to `MAX_CENTS`."""
    if type(cents) is int and 0 <= cents <= _SMALL:  # the usual amount: one test
        whole, fraction = divmod(cents, 100)  # (a format spec such as :02d costs more)
        return f"{whole}.{fraction}" if fraction > 9 else f"{whole}.0{fraction}"
    if type(cents) is not int:
        raise _refuse(
            "money.cents",
            f"cents must be an int, got {type(cents).__name__} {render_value(cents)}",
            cents,
        )
    if cents < 0:
        raise _refuse(
            "money.cents", f"cents must not be negative, got {render_value(cents)}", cents
        )
    if cents > MAX_CENTS:
        raise _refuse(
            "money.cents",
            f"cents {render_value(cents)} are more than MAX_CENTS (10^1000 - 1)",
            None,
        )
    whole, fraction = divmod(cents, 100)
    return f"{whole}.{fraction:02d}"

"""Exact conversion between myKaarma decimal-string amounts and Shopmonkey integer cents.

One amount grammar is shared with the schemas (``common/primitives`` ``mykaarmaAmount``):

- in: ``^[0-9]+(\\.[0-9]{1,2})?$`` (``"12"``, ``"12.5"``, ``"12.50"``)
- out: ``^[0-9]+\\.[0-9]{2}$`` (always two decimals)

No float is ever involved and nothing is rounded: a value with three decimals, a sign, an
exponent, spaces, a non-int (``bool`` and ``float`` included) or negative cents raises
`dealerbridge.ValidationError`.
"""

from __future__ import annotations

import re

from ._errors import ValidationError, describe_value, issue
from ._json import _big_int

__all__ = ["AMOUNT_OUT_PATTERN", "AMOUNT_PATTERN", "amount_to_cents", "cents_to_amount"]

#: The amount grammar read by `amount_to_cents` (ECMA-262 and Python agree on it).
AMOUNT_PATTERN = r"^[0-9]+(\.[0-9]{1,2})?$"
#: The grammar `cents_to_amount` writes.
AMOUNT_OUT_PATTERN = r"^[0-9]+\.[0-9]{2}$"

_AMOUNT = re.compile(r"([0-9]+)(?:\.([0-9]{1,2}))?\Z")
_CHUNK = 4000  # digits per int() call, under CPython's int max_str_digits default


def _int_to_digits(value: int) -> str:
    if value < 10**_CHUNK:
        return str(value)
    base = 10**_CHUNK
    parts: list[str] = []
    while value:
        value, rest = divmod(value, base)
        parts.append(str(rest))
    head = parts.pop()
    return head + "".join(part.zfill(_CHUNK) for part in reversed(parts))


def amount_to_cents(amount: str) -> int:
    """``"12.5"`` -> ``1250``. Exact for any number of digits."""
    if not isinstance(amount, str):
        raise ValidationError(
            [
                issue(
                    "",
                    "money.amount",
                    f"amount must be a decimal string, got {type(amount).__name__} "
                    f"{describe_value(amount)}",
                    amount,
                )
            ]
        )
    match = _AMOUNT.match(amount)
    if match is None:
        raise ValidationError(
            [
                issue(
                    "",
                    "money.amount",
                    f"amount {describe_value(amount)} does not match {AMOUNT_PATTERN}",
                    amount,
                )
            ]
        )
    whole, fraction = match.group(1), match.group(2) or ""
    return _big_int(whole) * 100 + int(fraction.ljust(2, "0"))


def cents_to_amount(cents: int) -> str:
    """``1250`` -> ``"12.50"``. Only non-negative ``int`` (not ``bool``) is accepted."""
    if type(cents) is not int:
        raise ValidationError(
            [
                issue(
                    "",
                    "money.cents",
                    f"cents must be an int, got {type(cents).__name__} {describe_value(cents)}",
                    cents,
                )
            ]
        )
    if cents < 0:
        raise ValidationError(
            [issue("", "money.cents", f"cents must not be negative, got {cents}", cents)]
        )
    whole, fraction = divmod(cents, 100)
    return f"{_int_to_digits(whole)}.{fraction:02d}"

"""Repair-order rules the schemas cannot express: status vocabularies, the ±30-day rule."""

from __future__ import annotations

import datetime as dt
import re

from .._errors import ValidationError, issue
from .._render import render_value as describe_value

__all__ = [
    "SAME_ORDER_WINDOW",
    "letter_to_status",
    "same_order",
    "status_to_letter",
]

#: myKaarma treats two ROs with the same number created at most this far apart as one order.
SAME_ORDER_WINDOW = dt.timedelta(days=30)

_TO_LETTER = {"OPENED": "O", "PRE-INVOICED": "P", "CLOSED": "C"}
_TO_WORD = {letter: word for word, letter in _TO_LETTER.items()}
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]\Z")


def status_to_letter(status: str) -> str:
    """Create-request status (``OPENED``/``PRE-INVOICED``/``CLOSED``) to the letter events and
    reads use (``O``/``P``/``C``)."""
    try:
        return _TO_LETTER[status]
    except (KeyError, TypeError):
        raise ValidationError(
            [
                issue(
                    "",
                    "enum",
                    f"status {describe_value(status)} must be one of OPENED, PRE-INVOICED, CLOSED",
                    status,
                )
            ]
        ) from None


def letter_to_status(letter: str) -> str:
    """Event/read status letter (``O``/``P``/``C``) to the create-request word."""
    try:
        return _TO_WORD[letter]
    except (KeyError, TypeError):
        raise ValidationError(
            [
                issue(
                    "",
                    "enum",
                    f"status letter {describe_value(letter)} must be one of O, P, C",
                    letter,
                )
            ]
        ) from None


Created = dt.datetime | tuple[str, str]


def _instant(value: Created, which: str) -> dt.datetime:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValidationError(
                [
                    issue(
                        f"/{which}",
                        "datetime",
                        f"{which} must be an aware datetime (a naive one has no instant)",
                        value.isoformat(),
                    )
                ]
            )
        try:
            return value.astimezone(dt.UTC)
        except OverflowError:
            raise ValidationError(
                [
                    issue(
                        f"/{which}",
                        "datetime",
                        f"{which} {describe_value(value.isoformat())} is outside the range "
                        "of UTC datetimes (years 1 to 9999)",
                        value.isoformat(),
                    )
                ]
            ) from None
    if (
        isinstance(value, tuple)
        and len(value) == 2
        and all(isinstance(part, str) for part in value)
        and _DATE.match(value[0])
        and _TIME.match(value[1])
    ):
        try:
            return dt.datetime.fromisoformat(f"{value[0]}T{value[1]}").replace(tzinfo=dt.UTC)
        except ValueError:
            pass
    raise ValidationError(
        [
            issue(
                f"/{which}",
                "datetime",
                f"{which} must be an aware datetime or a UTC (yyyy-MM-dd, HH:mm:ss) pair, "
                f"got {describe_value(value if not isinstance(value, tuple) else list(value))}",
                None,
            )
        ]
    )


def same_order(number_a: str, created_a: Created, number_b: str, created_b: Created) -> bool:
    """myKaarma's uniqueness rule: the same order number created within ±30 days is one order.

    Numbers compare exactly. Creation moments compare as UTC instants (never as wall-clock
    differences inside one zone, which daylight saving skews); at most 30 days apart,
    inclusive and symmetric. ``created_*`` is an aware `datetime` or the create request's UTC
    ``(createDate, createTime)`` pair.
    """
    for which, number in (("number_a", number_a), ("number_b", number_b)):
        if not isinstance(number, str):
            raise ValidationError(
                [
                    issue(
                        f"/{which}",
                        "type",
                        f"{which} must be a string, got {describe_value(number)}",
                        None,
                    )
                ]
            )
    first = _instant(created_a, "created_a")
    second = _instant(created_b, "created_b")
    return number_a == number_b and abs(first - second) <= SAME_ORDER_WINDOW

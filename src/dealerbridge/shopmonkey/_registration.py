"""The Shopmonkey package's issue codes, hints and problem families, and its API for the OpenAPI
export (`_endpoints.API`), registered with the core (`dealerbridge.ISSUE_CODES`, problem details,
`dealerbridge._openapi`) when the package is imported, or when the core first needs them (entry
point ``shopmonkey`` of the group ``dealerbridge.registrations``)."""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING

from .._codes import register_codes
from .._errors import register_problem_families
from .._hints import register_hint
from .._json import INT_MAX
from .._openapi import register_api
from ._endpoints import API

if TYPE_CHECKING:
    from .._schema_model import Scalar

__all__: list[str] = []

#: The codes of the Shopmonkey helpers (`service_totals`, `reconcile_service`).
CODES: dict[str, str] = {
    "number.range": "a Shopmonkey hours, quantity, multiplier, percent or mileage whose "
    "magnitude is 10^12 or more (bounded before any arithmetic)",
}

register_codes(CODES)
register_problem_families(
    {
        "shopmonkey": ("The payload breaks a Shopmonkey rule", 422),
        "number": ("A number is outside its bounds", 422),
    }
)

_CENTS = "common/primitives/v1.json#/$defs/cents"
_DATETIME = "common/primitives/v1.json#/$defs/shopmonkeyDateTime"
_INT64_TEXT = re.compile(r"[0-9]{1,19}")  # at most 19 ASCII digits: read by int() at once
_OFFSET_DATETIME = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2})(\.[0-9]+)?([+-][0-9]{2}:[0-9]{2})\Z"
)


def _hint(location: str, node: Scalar | None, value: object, hidden: bool) -> str:
    """Shopmonkey's common mistakes: cents sent as a string, a date-time with an offset where
    Shopmonkey writes UTC with ``Z`` (under redaction only the advice that shows no value)."""
    if _CENTS in location and isinstance(value, str):
        # Only ASCII digits that fit int64 are read: str.isdigit also holds for "²" (which
        # int() refuses) and int() refuses more than 4,300 digits.
        digits = value.strip()
        if not hidden and _INT64_TEXT.fullmatch(digits) is not None and int(digits) <= INT_MAX:
            return f"cents travel as JSON integers: send {int(digits)}, not the string"
        return (
            'cents travel as JSON integers: dealerbridge.money.amount_to_cents("12.50") gives 1250'
        )
    if _DATETIME in location and isinstance(value, str) and not hidden:
        utc = _as_utc_z(value)
        if utc is not None:
            return f'the same moment in UTC: send "{utc}"'
    return ""


def _as_utc_z(text: str) -> str | None:
    """*text*, an RFC 3339 date-time with a numeric offset, as the same moment in UTC with
    ``Z`` (fractional seconds kept as written); None when it is not such a real moment."""
    match = _OFFSET_DATETIME.match(text)
    if match is None:
        return None
    whole, fraction, offset = match.groups()
    try:
        moment = datetime.datetime.fromisoformat(whole + offset).astimezone(datetime.UTC)
    except (ValueError, OverflowError):
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + (fraction or "") + "Z"


register_hint(_hint)
register_api(API)

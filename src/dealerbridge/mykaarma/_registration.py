"""The myKaarma package's issue codes, hints and problem family, and its API for the OpenAPI
export (`_endpoints.API`), registered with the core (`dealerbridge.ISSUE_CODES`, problem details,
`dealerbridge._openapi`) when the package is imported, or when the core first needs them (entry
point ``mykaarma`` of the group ``dealerbridge.registrations``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._codes import register_codes
from .._errors import register_problem_families
from .._hints import register_hint
from .._openapi import register_api
from ._endpoints import API

if TYPE_CHECKING:
    from .._schema_model import Scalar

__all__: list[str] = []

#: The rules of the myKaarma schemas that span fields (each an ``x-rule-name``), and the codes
#: of the myKaarma helpers.
CODES: dict[str, str] = {
    "advisor-or-assigned-user": "myKaarma create/update order: the header has neither a non-blank "
    "advisorNumber nor a non-blank assignedUserUuid (reported once, at the header)",
    "customer-name-required": "myKaarma customer request: a customer that is not a business "
    "(isBusiness not true) lacks a non-blank firstName or lastName (reported once, at /customer)",
    "business-company-required": "myKaarma customer request: isBusiness is true and company is "
    "absent or blank (reported once, at the customer)",
    "vin-or-year-make-model": "myKaarma customer vehicle: vin is blank or absent and vehicleYear, "
    "vehicleMake or vehicleModel is too (reported once, at the vehicle)",
    "customer-uuid-or-vin": "myKaarma order search: the body sends both customerUuid and vin, "
    "which the search refuses together (reported once, at the body)",
    "mykaarma.phone": "not a phone number libphonenumber considers valid (normalize_phone)",
    "mykaarma.customer_warning": "a myKaarma customer-API warning (vendor_code 10001-10016)",
}

register_codes(CODES)
register_problem_families({"mykaarma": ("The payload breaks a myKaarma rule", 422)})

_AMOUNT = "common/primitives/v1.json#/$defs/mykaarmaAmount"
_STATUS_WORDS = ("OPENED", "PRE-INVOICED", "CLOSED")


def _hint(location: str, node: Scalar | None, value: object, hidden: bool) -> str:
    """myKaarma's common mistakes: an amount sent as a JSON number, a status letter (as orders
    are read) where a create or update request wants the word, and the word where a read or
    the order search wants the letter (not under redaction: the hint would show the value)."""
    if _AMOUNT in location and isinstance(value, int | float) and not isinstance(value, bool):
        return (
            'amounts travel as strings: send a string such as "12.50"; '
            "dealerbridge.money.cents_to_amount(1250) writes one from cents"
        )
    if hidden or node is None:
        return ""
    words = tuple(o for o in node.enum or () if isinstance(o, str))
    if words == _STATUS_WORDS and isinstance(value, str) and value.upper() in ("O", "P", "C"):
        word = dict(zip(("O", "P", "C"), _STATUS_WORDS, strict=True))[value.upper()]
        return (
            f'send the word "{word}", not the letter orders are read with; '
            f'dealerbridge.mykaarma.letter_to_status("{value}") converts it'
        )
    if words == ("O", "P", "C") and isinstance(value, str) and value.upper() in _STATUS_WORDS:
        letter = dict(zip(_STATUS_WORDS, ("O", "P", "C"), strict=True))[value.upper()]
        return (
            f'send the letter "{letter}", not the word a create request takes; '
            f'dealerbridge.mykaarma.status_to_letter("{value.upper()}") converts it'
        )
    return ""


register_hint(_hint)
register_api(API)

"""The Shopmonkey package's issue codes, registered with the core's catalogue
(`dealerbridge.ISSUE_CODES`) when the package is imported, or when the catalogue is first read
(entry point ``shopmonkey`` of the group ``dealerbridge.registrations``)."""

from __future__ import annotations

from .._codes import register_codes

__all__: list[str] = []

#: The codes of the Shopmonkey helpers (`service_totals`, `reconcile_service`).
CODES: dict[str, str] = {
    "number.range": "a Shopmonkey hours, quantity, multiplier, percent or mileage whose "
    "magnitude is 10^12 or more (bounded before any arithmetic)",
}

register_codes(CODES)

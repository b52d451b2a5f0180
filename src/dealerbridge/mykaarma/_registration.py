"""The myKaarma package's issue codes, registered with the core's catalogue
(`dealerbridge.ISSUE_CODES`) when the package is imported, or when the catalogue is first read
(entry point ``mykaarma`` of the group ``dealerbridge.registrations``)."""

from __future__ import annotations

from .._codes import register_codes

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
    "mykaarma.phone": "not a phone number libphonenumber considers valid (normalize_phone)",
    "mykaarma.customer_warning": "a myKaarma customer-API warning (vendor_code 10001-10016)",
}

register_codes(CODES)

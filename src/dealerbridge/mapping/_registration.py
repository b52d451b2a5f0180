"""The mapping's issue codes and problem families, registered with the core (the catalogue
`dealerbridge.ISSUE_CODES`, problem details) when the package is imported, or when the core
first needs them (entry point ``mapping`` of the group ``dealerbridge.registrations``)."""

from __future__ import annotations

from .._codes import register_codes
from .._errors import register_problem_families

__all__: list[str] = []

#: The codes of `dealerbridge.mapping` (refusals, ``mapping.*``) and of its config files.
CODES: dict[str, str] = {
    "toml.syntax": "the text is not TOML (mapping config files)",
    "mapping.order_number": "the order number is empty or does not fit myKaarma's pattern",
    "mapping.status": "the order's state maps to 'refuse' in the config (e.g. an Estimate)",
    "mapping.date": "a date-time the mapping needs is missing or not a UTC instant",
    "mapping.op_code": "no op code for a service: not in orders.op_codes, no default_op_code",
    "mapping.advisor": "no advisor: serviceWriterId not in orders.advisors and no default",
    "mapping.customer": "no myKaarma customer uuid: not in orders.customers and no default",
    "mapping.unreconciled": "a service's own totals differ from its line items",
    "mapping.negative": "a negative amount, and orders.negative_amounts is 'refuse'",
    "mapping.order_discount": "an order-level discount, and orders.order_discounts is 'refuse'",
    "mapping.transactional_fee": "an order-level card fee, and transactional_fees is 'refuse'",
    "mapping.credit_exceeds_order": "credits exceed every amount they could be allocated to",
    "mapping.too_many_jobs": "more included services than orders.max_jobs",
    "mapping.amount": "an inbound myKaarma amount or quantity cannot be read exactly",
    "mapping.no_order": "the input carries no order (e.g. a read response without one)",
    "mapping.duplicate_service": "the services list holds the same service id twice",
    "mapping.foreign_service": "a service whose orderId is not the order's id",
    "mapping.ambiguous_discount": "a coupon beside a manual order discount, and the order's "
    "total cannot tell whether one includes the other",
    "mapping.voided": "the myKaarma RO is voided (isVoided): nothing of it is mapped",
    "mapping.range": "an inbound amount, hours or quantity outside the bounds the mapping reads",
    "mapping.order_total": "a difference between the order totals that no note explains",
    "mapping.order_category": "a category sum (labor, parts, ... or the RO header's per-payer "
    "sale) that its lines do not give, and no note explains",
    "mapping.customer_name": "a customer with neither first and last name nor a company name",
}

register_codes(CODES)
register_problem_families(
    {
        "toml": ("The file is not TOML", 400),
        "mapping": ("The mapping refused the input", 422),
    }
)

"""myKaarma customer strategies, and the fixups and breakers of the customer data-model rules,
derived from the rules' one definition: the schemas' ``x-rule-name`` entries
(``customer-name-required``, ``business-company-required``, ``vin-or-year-make-model``; see
`dealerbridge.testing._schema_rules`)."""

from __future__ import annotations

from hypothesis import strategies as st

from .._types import JSON
from ._rules import Fillers
from ._schema_rules import breaker, fixup
from ._strategies import ExpectedIssue, payloads, register_breaker, register_fixup

__all__ = [
    "CUSTOMER_REQUESTS",
    "create_customer_requests",
    "customer_rule_breaks",
    "customers_with_vehicles",
]

#: The request schemas whose body holds ``customer`` and ``vehicles``.
CUSTOMER_REQUESTS = (
    "mykaarma/create-customer-request",
    "mykaarma/update-customer-request",
    "mykaarma/matching-customer-request",
)
_VEHICLE_REQUEST = "mykaarma/save-customer-vehicle-request"

#: The values the customer repairs and breaks write (test data).
CUSTOMER_FILLERS = Fillers(
    values={
        "firstName": "Dana",
        "lastName": "Whitaker",
        "company": "Maple Leaf Couriers Ltd.",
        "vin": "1HGCR2F85HA123456",
        "vehicleYear": "2017",
        "vehicleMake": "Honda",
        "vehicleModel": "Accord",
    }
)

for _name in (*CUSTOMER_REQUESTS, _VEHICLE_REQUEST):
    register_fixup(_name, fixup(_name, CUSTOMER_FILLERS))
    register_breaker(_name, breaker(_name, CUSTOMER_FILLERS))


def create_customer_requests(*, max_items: int = 2) -> st.SearchStrategy[JSON]:
    """Valid create-customer requests (JSON), every data-model rule holding."""
    return payloads("mykaarma/create-customer-request", max_items=max_items)


def customers_with_vehicles(*, max_items: int = 2) -> st.SearchStrategy[JSON]:
    """Customers with their vehicles as myKaarma returns them (JSON)."""
    return payloads("mykaarma/customer-with-vehicles", max_items=max_items)


def customer_rule_breaks(
    schema: str = "mykaarma/create-customer-request", *, max_items: int = 2
) -> st.SearchStrategy[tuple[JSON, ExpectedIssue]]:
    """``(body, expected)``: a valid request of *schema* (one of `CUSTOMER_REQUESTS`) breaking
    exactly one data-model rule, and the issue `dealerbridge.errors` reports for it (its
    ``rule`` is the rule's name)."""
    return payloads(schema, max_items=max_items).flatmap(breaker(schema, CUSTOMER_FILLERS))

"""myKaarma customer rules for the generators: fixups and breakers from their one definition
(`dealerbridge.mykaarma.CUSTOMER_RULES`, `VEHICLE_RULE`), and customer strategies."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st

from .._rules import Rule
from ..mykaarma._customers import CUSTOMER_RULES, VEHICLE_RULE
from ._strategies import Breaker, ExpectedIssue, Fixup, payloads, register_breaker, register_fixup

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


def _fix(rules: Sequence[Rule[Any]]) -> Fixup:
    def fixup(payload: Any) -> Any:
        if not isinstance(payload, dict):
            return payload
        body = copy.deepcopy(payload)
        for rule in rules:
            if rule.repair is not None and rule.violated(body):
                rule.repair(body)
        return body

    return fixup


def _breaker(rules: Sequence[Rule[Any]]) -> Breaker:
    def breaker(valid: Any) -> st.SearchStrategy[tuple[Any, ExpectedIssue]]:
        options = []
        for rule in rules:
            for broken in rule.breaks(valid):
                # One issue, named by the rule, at the object holding its members.
                (path,) = rule.find(broken)
                options.append((broken, ExpectedIssue(path, rule.code, rule.name)))
        return st.sampled_from(options) if options else st.nothing()

    return breaker


for _name in CUSTOMER_REQUESTS:
    register_fixup(_name, _fix(CUSTOMER_RULES))
    register_breaker(_name, _breaker(CUSTOMER_RULES))
register_fixup(_VEHICLE_REQUEST, _fix((VEHICLE_RULE,)))
register_breaker(_VEHICLE_REQUEST, _breaker((VEHICLE_RULE,)))


def create_customer_requests(*, max_items: int = 2) -> st.SearchStrategy[Any]:
    """Valid create-customer requests (JSON), every data-model rule holding."""
    return payloads("mykaarma/create-customer-request", max_items=max_items)


def customers_with_vehicles(*, max_items: int = 2) -> st.SearchStrategy[Any]:
    """Customers with their vehicles as myKaarma returns them (JSON)."""
    return payloads("mykaarma/customer-with-vehicles", max_items=max_items)


def customer_rule_breaks(
    schema: str = "mykaarma/create-customer-request", *, max_items: int = 2
) -> st.SearchStrategy[tuple[Any, ExpectedIssue]]:
    """``(body, expected)``: a valid request of *schema* (one of `CUSTOMER_REQUESTS`) breaking
    exactly one data-model rule, and the issue `dealerbridge.errors` reports for it (its
    ``rule`` is the rule's name)."""
    breaker = _breaker(CUSTOMER_RULES)
    return payloads(schema, max_items=max_items).flatmap(breaker)

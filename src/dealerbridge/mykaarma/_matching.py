"""myKaarma's customer matching logic, run locally (`match_customer`).

myKaarma runs these steps when a create request has ``searchForDuplicate: true`` (and for
getMatchingCustomer). The public page describes steps 1-4 and was cut off after step 4; how a
name or a communication is compared is not documented. The readings chosen here are in
``notes/decisions-mykaarma-customers.md`` ("Matching").
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from .._errors import ValidationError
from .._generated.mykaarma import CreateCustomerRequest, CustomerWithVehicles
from .._models import Model, dump, load
from ._customers import normalize_phone

__all__ = ["CustomerMatch", "match_customer"]


@attrs.frozen
class CustomerMatch:
    """The outcome of `match_customer`.

    - ``customer``: the chosen candidate itself (the object passed in), or None for no match
      (myKaarma would then create a new customer).
    - ``step``: the number of the step that decided (1-4, see `match_customer`).
    - ``reason``: one sentence saying why.
    """

    customer: object
    step: int
    reason: str

    @property
    def matched(self) -> bool:
        return self.customer is not None


def _text(value: Any) -> str:
    return value.strip().casefold() if isinstance(value, str) else ""


def _phone(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return normalize_phone(value.strip())
    except ValidationError:
        return None


def _vin(value: Any) -> str | None:
    return value.strip().upper() or None if isinstance(value, str) else None


@attrs.frozen
class _Keys:
    phones: frozenset[str]
    emails: frozenset[str]
    vins: frozenset[str]
    name: tuple[str, ...]
    customer_key: str


def _items(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def _keys(customer: Mapping[str, Any], vehicles: Any, business: bool) -> _Keys:
    phones = {_phone(p.get("phoneNumber")) for p in _items(customer.get("phoneNumbers"))}
    emails = {_text(e.get("emailAddress")) for e in _items(customer.get("emails"))}
    vins = {_vin(v.get("vin")) for v in _items(vehicles)}
    name = (
        (_text(customer.get("company")),)
        if business
        else (_text(customer.get("firstName")), _text(customer.get("lastName")))
    )
    key = customer.get("customerKey")
    return _Keys(
        frozenset(p for p in phones if p),
        frozenset(e for e in emails if e),
        frozenset(v for v in vins if v),
        name,
        key.strip() if isinstance(key, str) else "",
    )


def _json(value: Any, cls: type[Model]) -> Any:
    if isinstance(value, Model):
        value = dump(value, validate=False)  # load() below validates it, against *cls*
    with warnings.catch_warnings():
        # An enum value beyond the documented ones does not matter for matching.
        warnings.simplefilter("ignore")
        load(cls, value)
    return value


def match_customer(request: object, candidates: Iterable[object]) -> CustomerMatch:
    """Run myKaarma's documented matching steps for a create-customer *request* against
    *candidates* (customers with their vehicles, in the ``customerWithVehicles`` shape of a
    read response: ``{"customer": {...}, "vehicles": [...]}``). Both may be models or JSON
    values; each is validated as `dealerbridge.load` does (`ValidationError` when invalid).

    1. Keep the candidates sharing a communication with the request (phones compared in E.164,
       emails ignoring case and surrounding spaces) or a VIN (ignoring case and spaces).
       None left: no match.
    2. Keep those with the request's name: first and last name, or the company when the
       request is a business with a company (trimmed, ignoring case). None left: no match
       (matching stops); one left: that customer.
    3. When the request has a customerKey, keep those with the same key (trimmed). One left:
       that customer; none left: the list of step 2 is kept.
    4. Keep those sharing both a communication and a VIN with the request (a kind the request
       does not carry does not filter). Exactly one left: that customer; otherwise no match,
       because choosing among several would depend on their order.

    The result depends only on the set of candidates, never on their order.
    """
    body = _json(request, CreateCustomerRequest)
    pool = [(c, _json(c, CustomerWithVehicles)) for c in candidates]
    customer = body.get("customer") or {}
    business = customer.get("isBusiness") is True and bool(_text(customer.get("company")))
    want = _keys(customer, body.get("vehicles"), business)

    def keys(data: Any) -> _Keys:
        c = data.get("customer") if isinstance(data, Mapping) else None
        return _keys(c if isinstance(c, Mapping) else {}, data.get("vehicles"), business)

    def shares_comm(k: _Keys) -> bool:
        return bool(k.phones & want.phones or k.emails & want.emails)

    def shares_vin(k: _Keys) -> bool:
        return bool(k.vins & want.vins)

    found = [(c, keys(d)) for c, d in pool]
    step1 = [(c, k) for c, k in found if shares_comm(k) or shares_vin(k)]
    if not step1:
        return CustomerMatch(
            None, 1, "No candidate shares a phone, an email or a VIN with the request."
        )
    step2 = [(c, k) for c, k in step1 if k.name == want.name and any(want.name)]
    what = "company" if business else "first and last name"
    if not step2:
        return CustomerMatch(
            None, 2, f"No candidate sharing a communication or VIN has the request's {what}."
        )
    if len(step2) == 1:
        return CustomerMatch(
            step2[0][0],
            2,
            f"Exactly one candidate sharing a communication or VIN has the request's {what}.",
        )
    step3 = step2
    if want.customer_key:
        by_key = [(c, k) for c, k in step2 if k.customer_key == want.customer_key]
        if len(by_key) == 1:
            return CustomerMatch(
                by_key[0][0],
                3,
                "Exactly one candidate with the request's name has its customerKey.",
            )
        if by_key:
            step3 = by_key
    step4 = [
        (c, k)
        for c, k in step3
        if (not (want.phones or want.emails) or shares_comm(k)) and (not want.vins or shares_vin(k))
    ]
    if len(step4) == 1:
        return CustomerMatch(
            step4[0][0],
            4,
            "Exactly one remaining candidate shares both a communication and a VIN with the"
            " request.",
        )
    if not step4:
        return CustomerMatch(
            None,
            4,
            "No remaining candidate shares both a communication and a VIN with the request.",
        )
    return CustomerMatch(
        None,
        4,
        f"{len(step4)} candidates remain after every step, and choosing one would depend on"
        " their order.",
    )

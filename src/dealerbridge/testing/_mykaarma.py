"""myKaarma rules the generic generator cannot know, registered as fixups and breakers."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

from .._models import JSON
from .._rules import blank as _blank
from ..mykaarma._partner_rules import PARTNER_RULES, PartnerSubject
from ._strategies import ExpectedIssue, register_breaker, register_fixup

_ADVISOR_RULE = "advisor-or-assigned-user"


def _advisor_or_user(payload: Any) -> Any:
    """advisorNumber is required (non-blank) when assignedUserUuid is blank, and the reverse."""
    header = payload.get("order", {}).get("header") if isinstance(payload, dict) else None
    if (
        isinstance(header, dict)
        and _blank(header.get("assignedUserUuid"))
        and _blank(header.get("advisorNumber"))
    ):
        payload = copy.deepcopy(payload)
        payload["order"]["header"]["advisorNumber"] = "109162"
    return payload


def _break_advisor_rule(payload: Any) -> st.SearchStrategy[tuple[Any, ExpectedIssue]]:
    """Both advisorNumber and assignedUserUuid blank: one issue, at the header."""
    blanks = st.sampled_from([None, "", "   ", "\t", "<absent>"])

    def build(advisor: Any, user: Any) -> tuple[Any, ExpectedIssue]:
        broken = copy.deepcopy(payload)
        header = broken["order"]["header"]
        for key, value in (("advisorNumber", advisor), ("assignedUserUuid", user)):
            header.pop(key, None)
            if value != "<absent>":
                header[key] = value
        # One issue, named by the rule's x-rule-name, at the header, however it is broken.
        return broken, ExpectedIssue("/order/header", _ADVISOR_RULE, _ADVISOR_RULE)

    return st.builds(build, blanks, blanks)


for _name in ("mykaarma/create-order-request", "mykaarma/update-order-request"):
    register_fixup(_name, _advisor_or_user)
    register_breaker(_name, _break_advisor_rule)


# --------------------------------------------------------------------------- order search

_SEARCH = "mykaarma/search-orders-request"
_SEARCH_RULE = "customer-uuid-or-vin"
_SOME_CUSTOMER = "Hq3mZpT0sYvK8wXbN2cRdLf5jA7gE1uIoP9kVxWy4Bn"


def _customer_or_vin(payload: Any) -> Any:
    """customerUuid and vin are never sent together: keep one of them (which one follows the
    length of the VIN drawn, so both stay reachable alone)."""
    if isinstance(payload, dict) and "customerUuid" in payload and "vin" in payload:
        drop = "customerUuid" if len(str(payload["vin"])) % 2 else "vin"
        payload = {k: v for k, v in payload.items() if k != drop}
    return payload


def _break_customer_or_vin(payload: Any) -> st.SearchStrategy[tuple[Any, ExpectedIssue]]:
    """Both customerUuid and vin: one issue at the body, named by the rule."""
    if not isinstance(payload, dict):
        return st.nothing()
    broken = {"customerUuid": _SOME_CUSTOMER, "vin": "1HGCM82633A004352", **payload}
    return st.just((broken, ExpectedIssue("", _SEARCH_RULE, _SEARCH_RULE)))


register_fixup(_SEARCH, _customer_or_vin)
register_breaker(_SEARCH, _break_customer_or_vin)


# --------------------------------------------------------------------------- partner appointment

_PARTNER = "mykaarma/partner-appointment-request"
_ANY: Any = object()


def _partner_valid(payload: Any) -> Any:
    """Make a schema-valid partner request pass every partner rule too: each rule it breaks is
    repaired, in the order of `PARTNER_RULES`."""
    subject = PartnerSubject(copy.deepcopy(payload))
    for rule in PARTNER_RULES:
        if rule.repair is not None and rule.violated(subject):
            rule.repair(subject)
    return subject.body


def _pickup_without_ride_time(payload: Any) -> Any:
    """The pickup and dropoff trips share one schema shape (``PartnerTripInformation``);
    the pickup refuses its ``rideTime`` beside the ``$ref`` (``"rideTime": false``), which
    the generic generator does not read: drop it."""
    trip = payload.get("pickupTripInformation") if isinstance(payload, dict) else None
    if isinstance(trip, dict) and "rideTime" in trip:
        trip = {k: v for k, v in trip.items() if k != "rideTime"}
        payload = {**payload, "pickupTripInformation": trip}
    return payload


register_fixup(_PARTNER, _pickup_without_ride_time)
register_fixup(_PARTNER, _partner_valid)


def partner_rule_breaks(
    *, source: Any = None, dropoff: bool | None = None, max_items: int = 2
) -> st.SearchStrategy[tuple[Any, str]]:
    """``(request, code)``: a request valid in every other way that breaks exactly one locally
    decidable partner rule, and the code `partner_request_errors` must answer. The request is
    checked with ``dealer_uuid="dealer-0001"`` unless the code is INVALID_DEALER_UUID, for which
    the caller passes a blank dealer UUID. ``source`` and ``dropoff`` narrow the valid
    requests broken, as in `partner_requests` (``source=None`` means any)."""
    base = partner_requests(
        source=_ANY if source is None else source, dropoff=dropoff, max_items=max_items
    )

    return base.flatmap(lambda valid: st.sampled_from(partner_break_options(valid)))


def partner_requests(
    *, source: Any = _ANY, dropoff: bool | None = None, max_items: int = 2
) -> st.SearchStrategy[Any]:
    """Valid partner requests (schema and every partner rule), optionally with a given
    ``source`` (one of the four values, or None) and with (``dropoff=True``) or without
    (``False``) a dropoff trip."""
    from ._strategies import payloads

    def shape(body: Any, drop_time: str) -> Any:
        body = copy.deepcopy(body)
        if source is not _ANY:
            body["source"] = source
        if dropoff is True and not isinstance(body.get("dropTripInformation"), dict):
            body["dropTripInformation"] = {"rideType": "DROPOFF_VEHICLE", "rideTime": drop_time}
        if dropoff is False:
            body.pop("dropTripInformation", None)
        return _partner_valid(body)

    times = st.sampled_from(["2026-04-08T15:00:00-0700", "2026-11-01T09:30:00Z"])
    return st.builds(shape, payloads(_PARTNER, max_items=max_items), times)


def partner_break_options(valid: dict[str, JSON]) -> list[tuple[dict[str, JSON], str]]:
    """Every single-rule break of a valid partner request, with the code it must produce (a
    body breaking INVALID_DEALER_UUID is the valid body itself: the caller passes a blank
    dealer UUID)."""
    subject = PartnerSubject(valid)
    return [(broken.body, rule.code) for rule in PARTNER_RULES for broken in rule.breaks(subject)]

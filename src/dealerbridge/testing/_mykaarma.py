"""myKaarma rules the generic generator cannot know, registered as fixups and breakers: the
order requests' ``advisor-or-assigned-user`` (a schema rule, derived from its entry) and the
partner appointment rules (derived from their one definition, `PARTNER_RULES`)."""

from __future__ import annotations

import copy
from typing import Any, Literal

from hypothesis import strategies as st

from .._models import JSON
from ..mykaarma._partner_rules import PARTNER_RULES, partner_subject
from ._rules import Fillers, breaks, repair
from ._schema_rules import breaker, fixup
from ._strategies import DRAWN, DrawnType, register_breaker, register_fixup

#: The values the repairs and breaks of the order requests' ``advisor-or-assigned-user`` rule
#: write (test data; the rule is the schemas', derived in `dealerbridge.testing._schema_rules`).
ORDER_FILLERS = Fillers(values={"advisorNumber": "109162", "assignedUserUuid": "user-0001"})

for _name in ("mykaarma/create-order-request", "mykaarma/update-order-request"):
    register_fixup(_name, fixup(_name, ORDER_FILLERS))
    register_breaker(_name, breaker(_name, ORDER_FILLERS))


# --------------------------------------------------------------------------- order search

_SEARCH = "mykaarma/search-orders-request"

#: The values the breaks of the search's ``customer-uuid-or-vin`` rule write (the rule is the
#: schema's; its repair leaves out ``vin``, and a drawn body without ``customerUuid`` keeps it).
SEARCH_FILLERS = Fillers(
    values={
        "customerUuid": "Hq3mZpT0sYvK8wXbN2cRdLf5jA7gE1uIoP9kVxWy4Bn",
        "vin": "1HGCM82633A004352",
    }
)

register_fixup(_SEARCH, fixup(_SEARCH, SEARCH_FILLERS))
register_breaker(_SEARCH, breaker(_SEARCH, SEARCH_FILLERS))


# --------------------------------------------------------------------------- partner appointment

_PARTNER = "mykaarma/partner-appointment-request"


_DEALER = "dealer-0001"

#: The test data the partner repairs and breaks write (the rules themselves are
#: `dealerbridge.mykaarma._partner_rules.PARTNER_RULES`).
PARTNER_FILLERS = Fillers(
    values={
        "dealerUuid": _DEALER,
        "appointmentDateTime": "2026-04-06T13:00:00-0700",
        "rideTime": "2026-04-08T15:00:00-0700",
        "creatorUser/uuid": "creator-user-0001",
        "requesterUserUUID": "requester-user-0001",
        "primaryDriverUUID": "driver-1",
    },
    unreadable={
        "appointmentDateTime": (
            "2026-02-30T13:00:00-0700",
            "2026-04-06T13:00-0700",
            "2026-04-06",
        ),
    },
)


def _partner_valid(payload: Any) -> Any:
    """Make a schema-valid partner request pass every partner rule too: each rule it breaks is
    repaired, in the order of `PARTNER_RULES`."""
    subject = partner_subject(copy.deepcopy(payload))
    for rule in PARTNER_RULES:
        if rule.violated(subject):
            repair(rule, subject, PARTNER_FILLERS)
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
    *,
    source: Literal["DEALER_APP", "WEB", "PND_API", "EXTERNAL_CONTROLLER"]
    | DrawnType
    | None = DRAWN,
    dropoff: bool | None = None,
    max_items: int = 2,
) -> st.SearchStrategy[tuple[dict[str, JSON], str]]:
    """``(request, code)``: a request valid in every other way that breaks exactly one locally
    decidable partner rule, and the code `partner_request_errors` must answer. The request is
    checked with ``dealer_uuid="dealer-0001"`` unless the code is INVALID_DEALER_UUID, for which
    the caller passes a blank dealer UUID. ``source`` and ``dropoff`` narrow the valid
    requests broken, as in `partner_requests`: ``source`` is one of the four values, ``None``
    (``"source": null``) or `DRAWN` (the default: drawn from the schema)."""
    base = partner_requests(source=source, dropoff=dropoff, max_items=max_items)

    return base.flatmap(lambda valid: st.sampled_from(partner_break_options(valid)))


def partner_requests(
    *,
    source: Literal["DEALER_APP", "WEB", "PND_API", "EXTERNAL_CONTROLLER"]
    | DrawnType
    | None = DRAWN,
    dropoff: bool | None = None,
    max_items: int = 2,
) -> st.SearchStrategy[dict[str, JSON]]:
    """Valid partner requests (schema and every partner rule). ``source`` is one of the four
    values, ``None`` (the request carries ``"source": null``) or `DRAWN` (the default: drawn
    from the schema, so absent, null or one of the four); ``dropoff=True`` gives every request
    a dropoff trip, ``False`` none, ``None`` either."""
    from ._strategies import payloads

    def shape(body: Any, drop_time: str) -> Any:
        body = copy.deepcopy(body)
        if source is not DRAWN:
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
    subject = partner_subject(valid, _DEALER)
    return [
        (broken.body, rule.code)
        for rule in PARTNER_RULES
        for broken in breaks(rule, subject, PARTNER_RULES, PARTNER_FILLERS)
    ]

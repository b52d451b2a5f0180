"""myKaarma rules the generic generator cannot know, registered as fixups and breakers."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

from ..mykaarma._partner_rules import _blank
from ._strategies import ExpectedIssue, register_breaker, register_fixup


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
    """Both advisorNumber and assignedUserUuid blank: one issue, at advisorNumber."""
    blanks = st.sampled_from([None, "", "   ", "\t", "<absent>"])

    def build(advisor: Any, user: Any) -> tuple[Any, ExpectedIssue]:
        broken = copy.deepcopy(payload)
        header = broken["order"]["header"]
        for key, value in (("advisorNumber", advisor), ("assignedUserUuid", user)):
            header.pop(key, None)
            if value != "<absent>":
                header[key] = value
        code = (
            "required" if advisor == "<absent>" else ("pattern" if advisor is not None else "type")
        )
        return broken, ExpectedIssue(
            "/order/header/advisorNumber", code, "advisorNumber or assignedUserUuid"
        )

    return st.builds(build, blanks, blanks)


for _name in ("mykaarma/create-order-request", "mykaarma/update-order-request"):
    register_fixup(_name, _advisor_or_user)
    register_breaker(_name, _break_advisor_rule)


# --------------------------------------------------------------------------- partner appointment

_PARTNER = "mykaarma/partner-appointment-request"
_ANY: Any = object()
_WHEN = "2026-04-06T13:00:00-0700"


def _partner_valid(payload: Any) -> Any:
    """Make a schema-valid partner request pass every partner rule too."""
    from dealerbridge.mykaarma import split_appointment_datetime

    body = copy.deepcopy(payload)
    for key in ("customerUUID", "dealerDepartmentUUID"):
        if _blank(body.get(key)):
            body[key] = f"{key}-0001"
    try:
        split_appointment_datetime(body["appointmentDateTime"])
    except Exception:
        body["appointmentDateTime"] = _WHEN
    for key, ride in (
        ("pickupTripInformation", "PICKUP_VEHICLE"),
        ("dropTripInformation", "DROPOFF_VEHICLE"),
    ):
        trip = body.get(key)
        if not isinstance(trip, dict):
            continue
        if trip.get("rideType") is not None:
            trip["rideType"] = ride
        if trip.get("loanerVehicleRequired") is True and trip.get("isDropCar") is True:
            trip["isDropCar"] = False
        first = trip.get("primaryDriverUUID")
        if not _blank(first) and first == trip.get("secondaryDriverUUID"):
            trip["secondaryDriverUUID"] = f"{first}-2"
        if key == "dropTripInformation" and _blank(trip.get("rideTime")):
            trip["rideTime"] = "2026-04-08T15:00:00-0700"
    not_web = body.get("source") != "WEB"
    appointment = body["appointmentInformation"]
    if not_web:
        creator = appointment.get("creatorUser")
        if not isinstance(creator, dict):
            creator = appointment["creatorUser"] = {}
        if _blank(creator.get("uuid")):
            creator["uuid"] = "creator-user-0001"
    if (
        not_web
        and isinstance(body.get("dropTripInformation"), dict)
        and _blank(body.get("requesterUserUUID"))
    ):
        body["requesterUserUUID"] = "requester-user-0001"
    return body


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


def partner_break_options(valid: Any) -> list[tuple[Any, str]]:
    """Every single-rule break of a valid partner request, with the code it must produce."""

    def edit(fn: Any, code: str) -> tuple[Any, str]:
        body = copy.deepcopy(valid)
        fn(body)
        return body, code

    options: list[tuple[Any, str]] = [
        ({**valid}, "INVALID_DEALER_UUID"),
        edit(lambda b: b.pop("dealerDepartmentUUID"), "INVALID_DEPT_UUID"),
        edit(lambda b: b.__setitem__("customerUUID", "  "), "CUSTOMER_INFO_MISSING"),
        edit(lambda b: b.pop("appointmentDateTime"), "PARTNER_APPOINTMENT_DATETIME_REQUIRED"),
        edit(
            lambda b: b.__setitem__("appointmentDateTime", "2026-02-30T13:00:00-0700"),
            "MISSING_START_TIME",
        ),
        edit(lambda b: b.pop("pickupTripInformation"), "PARTNER_TRIP_INFORMATION_REQUIRED"),
        edit(
            lambda b: b["pickupTripInformation"].__setitem__("rideType", "DROPOFF_VEHICLE"),
            "PICKUP_RIDE_TYPE_MUST_BE_PICKUP_VEHICLE",
        ),
        edit(
            lambda b: b["pickupTripInformation"].update(loanerVehicleRequired=True, isDropCar=True),
            "LOANER_AND_DROP_CAR_CANNOT_BOTH_BE_TRUE",
        ),
        edit(
            lambda b: b["pickupTripInformation"].update(
                primaryDriverUUID="driver-1", secondaryDriverUUID="driver-1"
            ),
            "PRIMARY_AND_SECONDARY_DRIVER_CANNOT_BE_SAME",
        ),
    ]
    options.append(
        edit(lambda b: b.pop("appointmentInformation"), "INVALID_APPOINTMENT_INFORMATION")
    )
    if valid.get("source") != "WEB":
        options.append(
            edit(
                lambda b: b["appointmentInformation"].__setitem__("creatorUser", None),
                "VALID_CREATOR_USER_UUID_REQUIRED",
            )
        )
    drop = valid.get("dropTripInformation")
    if isinstance(drop, dict):
        options.append(
            edit(
                lambda b: b["dropTripInformation"].__setitem__("rideType", "PICKUP_VEHICLE"),
                "DROPOFF_RIDE_TYPE_MUST_BE_DROPOFF_VEHICLE",
            )
        )
        options.append(
            edit(lambda b: b["dropTripInformation"].pop("rideTime"), "DROPOFF_RIDE_TIME_REQUIRED")
        )
        if valid.get("source") != "WEB":
            options.append(edit(lambda b: b.pop("requesterUserUUID"), "USER_TOKEN_IS_BLANK"))
    return options

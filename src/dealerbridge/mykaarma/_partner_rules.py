"""Partner appointment-with-trip: the endpoint's validation codes and the defaults it applies.

`partner_request_errors` reports, with the page's exact codes and descriptions, every partner
validation error that can be decided from the request body (and the path's dealer UUID when
given). These rules live here, not in the schema, because they answer with the vendor's own
codes; run `dealerbridge.validate(body, "mykaarma/partner-appointment-request")` as well for the
field rules.

Not decidable locally (the server decides them from data the request does not carry):
`UNDECIDABLE_CODES` lists them with the reason.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import attrs

from .._errors import ValidationError
from .._json import check_value
from ._appointment_time import split_appointment_datetime

__all__ = [
    "PARTNER_ERROR_CODES",
    "UNDECIDABLE_CODES",
    "PartnerError",
    "apply_partner_defaults",
    "partner_request_errors",
]


@attrs.frozen
class PartnerError:
    """One error the partner endpoint would answer, as its ``errors[]`` item would carry it."""

    code: str
    description: str
    path: str
    """JSON Pointer of the member the rule is about (``""`` for the path's dealer UUID)."""
    http_status: int = 400

    def to_dict(self) -> dict[str, Any]:
        return {"errorCode": self.code, "errorDescription": self.description}


#: Code -> the page's error description (partner table) or "when it happens" text (downstream
#: table, which has no description column).
PARTNER_ERROR_CODES: dict[str, str] = {
    "INVALID_DEALER_UUID": "Invalid dealer UUID is provided in the request",
    "INVALID_DEPT_UUID": "Invalid dealer department UUID is provided in the request",
    "CUSTOMER_INFO_MISSING": (
        "minimum info required to match customer: (FirstName OR LastName) AND At least any one "
        "Customer Communication (phone/email) OR (FirstName AND LastName) OR VIN(FirstName OR "
        "LastName)"
    ),
    "PARTNER_APPOINTMENT_DATETIME_REQUIRED": (
        "appointmentDateTime is required in the partner appointment request"
    ),
    "INVALID_APPOINTMENT_INFORMATION": "Invalid request. appointmentInformation is blank.",
    "PARTNER_TRIP_INFORMATION_REQUIRED": (
        "pickupTripInformation is required in the partner appointment request"
    ),
    "PICKUP_RIDE_TYPE_MUST_BE_PICKUP_VEHICLE": "Pickup trip rideType must be PICKUP_VEHICLE",
    "DROPOFF_RIDE_TYPE_MUST_BE_DROPOFF_VEHICLE": "Dropoff trip rideType must be DROPOFF_VEHICLE",
    "DROPOFF_RIDE_TIME_REQUIRED": "dropTripInformation.rideTime is required for dropoff ride types",
    "VALID_CREATOR_USER_UUID_REQUIRED": (
        "appointmentInformation.creatorUser.uuid is required when source is not WEB"
    ),
    "LOANER_AND_DROP_CAR_CANNOT_BOTH_BE_TRUE": (
        "loanerVehicleRequired and isDropCar cannot both be true"
    ),
    "PRIMARY_AND_SECONDARY_DRIVER_CANNOT_BE_SAME": (
        "primaryDriverUUID and secondaryDriverUUID cannot be the same"
    ),
    "MISSING_START_TIME": "The pickup trip request does not contain a valid appointmentTime.",
    "USER_TOKEN_IS_BLANK": (
        "source is not WEB (or is null) and the top-level requesterUserUUID is missing. The "
        "downstream PnD service requires requesterUserUUID for non-WEB sources on the "
        "with-dropoff flow (dropTripInformation present)."
    ),
}

#: Codes the page lists that no local check can decide, and why.
UNDECIDABLE_CODES: dict[str, str] = {
    "UNAUTHORIZED": "depends on the credentials, not the request body",
    "FORBIDDEN": "depends on the client's scopes",
    "PICKUP_AND_DELIVERY_TRANSPORT_OPTION_REQUIRED": (
        "the server resolves whether appointmentInformation.transportOption is "
        "pickup-and-delivery from its transportOptionUuid; the page's own complete example "
        "sends transportation: null with a UUID, so no check by name is possible"
    ),
    "INVALID_CREATE_EVENT_REQUEST": "about the server's transformed trip payload",
    "MISSING_DEALER_UUID": "about the server's transformed trip payload (dealerUuid is a path "
    "parameter; a blank one is INVALID_DEALER_UUID, which is decided)",
    "MISSING_ASSIGNED_BY_DEALER_ASSOCIATE_UUID": (
        "surfaces only when the partner gate is bypassed; the same request gets "
        "VALID_CREATOR_USER_UUID_REQUIRED here"
    ),
    "DROP_CAR_AND_LOANER_REQUESTED_BOTH_CAN_NOT_TRUE": (
        "surfaces only when the partner gate is bypassed; the same request gets "
        "LOANER_AND_DROP_CAR_CANNOT_BOTH_BE_TRUE here"
    ),
    "INTERNAL_ERROR": "server failure",
    "INTERNAL_SERVER_ERROR": "server failure",
}

_NON_BLANK = re.compile(r"[^ \t\n\r\f\v]")
_TRIPS = (("pickupTripInformation", "PICKUP_VEHICLE"), ("dropTripInformation", "DROPOFF_VEHICLE"))


def _blank(value: Any) -> bool:
    """Absent, null, empty or only whitespace (Java's isBlank, ASCII)."""
    return not isinstance(value, str) or _NON_BLANK.search(value) is None


def _obj(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def partner_request_errors(payload: Any, *, dealer_uuid: str | None = None) -> list[PartnerError]:
    """Every locally decidable partner validation error of the request, in the page's order.

    *payload* is the JSON body (a dict) or a `PartnerAppointmentRequest`; *dealer_uuid* is the
    URL path's dealer UUID, checked when given. An empty list means the request passes every
    local check (see `UNDECIDABLE_CODES` for what only the server can decide).
    """
    body = _as_body(payload)
    found: list[PartnerError] = []

    def add(code: str, path: str) -> None:
        found.append(PartnerError(code, PARTNER_ERROR_CODES[code], path))

    if dealer_uuid is not None and _blank(dealer_uuid):
        add("INVALID_DEALER_UUID", "")
    if _blank(body.get("dealerDepartmentUUID")):
        add("INVALID_DEPT_UUID", "/dealerDepartmentUUID")
    if _blank(body.get("customerUUID")):
        add("CUSTOMER_INFO_MISSING", "/customerUUID")
    when = body.get("appointmentDateTime")
    if _blank(when):
        add("PARTNER_APPOINTMENT_DATETIME_REQUIRED", "/appointmentDateTime")
    appointment = _obj(body.get("appointmentInformation"))
    if appointment is None:
        add("INVALID_APPOINTMENT_INFORMATION", "/appointmentInformation")
    pickup = _obj(body.get("pickupTripInformation"))
    if pickup is None:
        add("PARTNER_TRIP_INFORMATION_REQUIRED", "/pickupTripInformation")
    drop = _obj(body.get("dropTripInformation"))
    if pickup is not None and pickup.get("rideType") not in (None, "PICKUP_VEHICLE"):
        add("PICKUP_RIDE_TYPE_MUST_BE_PICKUP_VEHICLE", "/pickupTripInformation/rideType")
    if drop is not None and drop.get("rideType") not in (None, "DROPOFF_VEHICLE"):
        add("DROPOFF_RIDE_TYPE_MUST_BE_DROPOFF_VEHICLE", "/dropTripInformation/rideType")
    if drop is not None and _blank(drop.get("rideTime")):
        add("DROPOFF_RIDE_TIME_REQUIRED", "/dropTripInformation/rideTime")
    not_web = body.get("source") != "WEB"
    if appointment is not None and not_web:
        creator = _obj(appointment.get("creatorUser")) or {}
        if _blank(creator.get("uuid")):
            add("VALID_CREATOR_USER_UUID_REQUIRED", "/appointmentInformation/creatorUser/uuid")
    for key, trip in (("pickupTripInformation", pickup), ("dropTripInformation", drop)):
        if (
            trip is not None
            and trip.get("loanerVehicleRequired") is True
            and (trip.get("isDropCar") is True)
        ):
            add("LOANER_AND_DROP_CAR_CANNOT_BOTH_BE_TRUE", f"/{key}/isDropCar")
    for key, trip in (("pickupTripInformation", pickup), ("dropTripInformation", drop)):
        if trip is None:
            continue
        first, second = trip.get("primaryDriverUUID"), trip.get("secondaryDriverUUID")
        if not _blank(first) and first == second:
            add("PRIMARY_AND_SECONDARY_DRIVER_CANNOT_BE_SAME", f"/{key}/secondaryDriverUUID")
    # Downstream trip service, tied to request content by the page:
    if isinstance(when, str) and not _blank(when) and pickup is not None:
        try:
            split_appointment_datetime(when)
        except ValidationError:
            add("MISSING_START_TIME", "/appointmentDateTime")
    if not_web and drop is not None and _blank(body.get("requesterUserUUID")):
        add("USER_TOKEN_IS_BLANK", "/requesterUserUUID")
    return found


def _as_body(payload: Any) -> dict[str, Any]:
    if isinstance(payload, dict):
        return payload
    from .._models import Model, dump

    if isinstance(payload, Model):
        value = dump(payload, validate=False)
        if isinstance(value, dict):
            return value
    from .._errors import issue

    raise ValidationError(
        [issue("", "type", f"the request must be a JSON object, got {type(payload).__name__}")]
    )


def apply_partner_defaults(request: Any) -> Any:
    """The request as the server will see it (the documented defaults and overrides applied).

    - ``pickupTripInformation.rideType`` defaults to ``PICKUP_VEHICLE`` and
      ``dropTripInformation.rideType`` to ``DROPOFF_VEHICLE``;
    - each trip's ``isDropCar`` defaults to ``false``;
    - each trip's ``sendMessageToCustomer`` and ``isValid`` are forced to ``false``;
    - ``appointmentInformation.pushToDms`` defaults to ``true``,
      ``overrideExistingAppointment`` to ``true`` and ``errorOnDuplicate`` to ``false``.

    A member counts as unset when absent or null. Accepts and returns a JSON dict, or a
    `PartnerAppointmentRequest` (returning a new one). ``source`` gets no default: the page
    says none is applied.
    """
    from .._models import Model, dump, load

    if isinstance(request, Model):
        body = dump(request, validate=False)
        return load(type(request), apply_partner_defaults(body))
    if too_deep := check_value(_as_body(request)):  # deepcopy recurses: refuse deep values
        raise ValidationError(too_deep)
    body = copy.deepcopy(_as_body(request))
    for key, ride in _TRIPS:
        trip = _obj(body.get(key))
        if trip is None:
            continue
        if trip.get("rideType") is None:
            trip["rideType"] = ride
        if trip.get("isDropCar") is None:
            trip["isDropCar"] = False
        trip["sendMessageToCustomer"] = False
        trip["isValid"] = False
    appointment = _obj(body.get("appointmentInformation"))
    if appointment is not None:
        for name, value in (
            ("pushToDms", True),
            ("overrideExistingAppointment", True),
            ("errorOnDuplicate", False),
        ):
            if appointment.get(name) is None:
                appointment[name] = value
    return body

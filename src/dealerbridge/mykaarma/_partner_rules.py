"""Partner appointment-with-trip: the endpoint's validation codes and the defaults it applies.

`partner_request_errors` reports every partner validation error that can be decided from the
request body (and the path's dealer UUID when given) as `dealerbridge.Issue` values: ``code``
and ``vendor_code`` are the page's error code, ``vendor_text`` its description, ``rule`` the
rule's kebab-case name and ``message`` the same in a sentence naming the member and the value
found. These rules live here, not in the schema, because they answer with the vendor's own
codes; run `dealerbridge.validate(body, "mykaarma/partner-appointment-request")` as well for the
field rules.

Each rule is defined once, in `PARTNER_RULES` (a `dealerbridge._rules.Rule` per code, in the
page's order): `partner_request_errors` reports from it, and `dealerbridge.testing` repairs
generated requests and breaks valid ones from the same definitions.

Not decidable locally (the server decides them from data the request does not carry):
`UNDECIDABLE_CODES` lists them with the reason.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, overload

import attrs

from .._errors import Issue, ValidationError, issue
from .._generated.mykaarma import PartnerAppointmentRequest
from .._json import check_value
from .._models import Model, dump, load
from .._registry import default_registry
from .._render import redact_names, render_value
from .._rules import ABSENT, Rule, set_member
from .._rules import blank as _blank
from .._schema_model import personal_at
from ._appointment_time import split_appointment_datetime

__all__ = [
    "PARTNER_ERROR_CODES",
    "UNDECIDABLE_CODES",
    "apply_partner_defaults",
    "partner_request_errors",
]


_TRIPS = (("pickupTripInformation", "PICKUP_VEHICLE"), ("dropTripInformation", "DROPOFF_VEHICLE"))
_WHEN = "2026-04-06T13:00:00-0700"
_RIDE_TIME = "2026-04-08T15:00:00-0700"


def _obj(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


@attrs.define
class PartnerSubject:
    """What the partner rules read: the JSON body and the URL path's dealer UUID (None when
    not given, and then not checked)."""

    body: dict[str, Any]
    dealer_uuid: str | None = None

    def but(self, edit: Callable[[dict[str, Any]], object]) -> PartnerSubject:
        """A deep copy with *edit* applied to the copy's body."""
        body = copy.deepcopy(self.body)
        edit(body)
        return PartnerSubject(body, self.dealer_uuid)

    def trip(self, key: str) -> dict[str, Any] | None:
        return _obj(self.body.get(key))

    @property
    def not_web(self) -> bool:
        return self.body.get("source") != "WEB"


_Rule = Rule[PartnerSubject]
_BLANKS: tuple[Any, ...] = (ABSENT, None, "", "  \t")


def _put(key: str, value: Any, inside: str | None = None) -> Callable[[dict[str, Any]], None]:
    """An edit setting body[key] (or body[inside][key]) to *value*, or removing it for ABSENT."""

    def edit(body: dict[str, Any]) -> None:
        set_member(body if inside is None else body[inside], key, value)

    return edit


# ----------------------------------------------------------------------- one rule per field set


def _required_text(code: str, key: str, filler: str, description: str) -> _Rule:
    """A top-level member that must be a non-blank string."""
    path = f"/{key}"

    def repair(s: PartnerSubject) -> None:
        s.body[key] = filler

    def breaks(s: PartnerSubject) -> list[PartnerSubject]:
        return [s.but(_put(key, v)) for v in _BLANKS]

    return Rule(
        name=_name(code),
        code=code,
        description=description,
        paths=(path,),
        find=lambda s: [path] if _blank(s.body.get(key)) else [],
        repair=repair,
        breaks=breaks,
    )


def _required_object(code: str, key: str, description: str) -> _Rule:
    """A top-level member that must be an object (the schema requires it, so no repair)."""
    path = f"/{key}"
    return Rule(
        name=_name(code),
        code=code,
        description=description,
        paths=(path,),
        find=lambda s: [path] if _obj(s.body.get(key)) is None else [],
        breaks=lambda s: [s.but(_put(key, v)) for v in (ABSENT, None)],
    )


def _ride_type(code: str, key: str, ride: str, wrong: tuple[str, ...], description: str) -> _Rule:
    """A trip's rideType, when sent, must be *ride* (absent or null gets it as the default)."""
    path = f"/{key}/rideType"

    def find(s: PartnerSubject) -> list[str]:
        trip = s.trip(key)
        return [path] if trip is not None and trip.get("rideType") not in (None, ride) else []

    def repair(s: PartnerSubject) -> None:
        s.body[key]["rideType"] = ride

    def breaks(s: PartnerSubject) -> list[PartnerSubject]:
        if s.trip(key) is None:
            return []
        return [s.but(_put("rideType", v, key)) for v in wrong]

    return Rule(
        name=_name(code),
        code=code,
        description=description,
        paths=(path,),
        find=find,
        repair=repair,
        breaks=breaks,
    )


def _dealer_uuid() -> _Rule:
    code = "INVALID_DEALER_UUID"

    def repair(s: PartnerSubject) -> None:
        s.dealer_uuid = "dealer-0001"

    def breaks(s: PartnerSubject) -> list[PartnerSubject]:
        return [PartnerSubject(copy.deepcopy(s.body), v) for v in ("", "  ")]

    return Rule(
        name=_name(code),
        code=code,
        description="Invalid dealer UUID is provided in the request",
        paths=("",),
        find=lambda s: [""] if s.dealer_uuid is not None and _blank(s.dealer_uuid) else [],
        repair=repair,
        breaks=breaks,
    )


def _ride_time() -> _Rule:
    code, key = "DROPOFF_RIDE_TIME_REQUIRED", "dropTripInformation"
    path = f"/{key}/rideTime"

    def find(s: PartnerSubject) -> list[str]:
        trip = s.trip(key)
        return [path] if trip is not None and _blank(trip.get("rideTime")) else []

    def repair(s: PartnerSubject) -> None:
        s.body[key]["rideTime"] = _RIDE_TIME

    def breaks(s: PartnerSubject) -> list[PartnerSubject]:
        if s.trip(key) is None:
            return []
        return [s.but(_put("rideTime", v, key)) for v in _BLANKS]

    return Rule(
        name=_name(code),
        code=code,
        description="dropTripInformation.rideTime is required for dropoff ride types",
        paths=(path,),
        find=find,
        repair=repair,
        breaks=breaks,
    )


def _creator_user() -> _Rule:
    code, path = "VALID_CREATOR_USER_UUID_REQUIRED", "/appointmentInformation/creatorUser/uuid"

    def find(s: PartnerSubject) -> list[str]:
        appointment = _obj(s.body.get("appointmentInformation"))
        if appointment is None or not s.not_web:
            return []
        creator = _obj(appointment.get("creatorUser")) or {}
        return [path] if _blank(creator.get("uuid")) else []

    def repair(s: PartnerSubject) -> None:
        appointment = s.body["appointmentInformation"]
        if not isinstance(appointment.get("creatorUser"), dict):
            appointment["creatorUser"] = {}
        appointment["creatorUser"]["uuid"] = "creator-user-0001"

    def breaks(s: PartnerSubject) -> list[PartnerSubject]:
        if _obj(s.body.get("appointmentInformation")) is None or not s.not_web:
            return []
        out = [s.but(_put("creatorUser", v, "appointmentInformation")) for v in (ABSENT, None)]

        def blank_uuid(b: dict[str, Any]) -> None:
            b["appointmentInformation"]["creatorUser"] = {"uuid": "   "}

        return [*out, s.but(blank_uuid)]

    return Rule(
        name=_name(code),
        code=code,
        description="appointmentInformation.creatorUser.uuid is required when source is not WEB",
        paths=("/source", "/appointmentInformation/creatorUser/uuid"),
        find=find,
        repair=repair,
        breaks=breaks,
    )


def _per_trip(
    code: str,
    member: str,
    reads: tuple[str, ...],
    broken: Callable[[dict[str, Any]], bool],
    fix: Callable[[dict[str, Any]], None],
    break_trip: Callable[[dict[str, Any]], None],
    description: str,
) -> _Rule:
    """A rule inside each trip; reported at ``/<trip>/<member>``, pickup first."""
    keys = [key for key, _ in _TRIPS]

    def find(s: PartnerSubject) -> list[str]:
        return [f"/{k}/{member}" for k in keys if (t := s.trip(k)) is not None and broken(t)]

    def repair(s: PartnerSubject) -> None:
        for key in keys:
            trip = s.trip(key)
            if trip is not None and broken(trip):
                fix(trip)

    def breaks(s: PartnerSubject) -> list[PartnerSubject]:
        return [s.but(_in_trip(k, break_trip)) for k in keys if s.trip(k) is not None]

    paths = tuple(f"/{k}/{r}" for k in keys for r in reads)
    return Rule(
        name=_name(code),
        code=code,
        description=description,
        paths=paths,
        find=find,
        repair=repair,
        breaks=breaks,
    )


def _in_trip(key: str, edit: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    return lambda body: edit(body[key])


def _loaner_and_drop_car(trip: dict[str, Any]) -> bool:
    return trip.get("loanerVehicleRequired") is True and trip.get("isDropCar") is True


def _same_drivers(trip: dict[str, Any]) -> bool:
    first = trip.get("primaryDriverUUID")
    return not _blank(first) and first == trip.get("secondaryDriverUUID")


def _start_time() -> _Rule:
    code, path = "MISSING_START_TIME", "/appointmentDateTime"

    def unreadable(when: Any) -> bool:
        try:
            split_appointment_datetime(when)
        except ValidationError:
            return True
        return False

    def find(s: PartnerSubject) -> list[str]:
        when = s.body.get("appointmentDateTime")
        if not isinstance(when, str) or _blank(when) or s.trip("pickupTripInformation") is None:
            return []
        return [path] if unreadable(when) else []

    def repair(s: PartnerSubject) -> None:
        s.body["appointmentDateTime"] = _WHEN

    def breaks(s: PartnerSubject) -> list[PartnerSubject]:
        if s.trip("pickupTripInformation") is None:
            return []
        wrong = ("2026-02-30T13:00:00-0700", "2026-04-06T13:00-0700", "2026-04-06")
        return [s.but(_put("appointmentDateTime", v)) for v in wrong]

    return Rule(
        name=_name(code),
        code=code,
        description="The pickup trip request does not contain a valid appointmentTime.",
        paths=("/appointmentDateTime", "/pickupTripInformation"),
        find=find,
        repair=repair,
        breaks=breaks,
    )


def _user_token() -> _Rule:
    code, path = "USER_TOKEN_IS_BLANK", "/requesterUserUUID"

    def applies(s: PartnerSubject) -> bool:
        return s.not_web and s.trip("dropTripInformation") is not None

    def repair(s: PartnerSubject) -> None:
        s.body["requesterUserUUID"] = "requester-user-0001"

    def breaks(s: PartnerSubject) -> list[PartnerSubject]:
        if not applies(s):
            return []
        return [s.but(_put("requesterUserUUID", v)) for v in _BLANKS]

    return Rule(
        name=_name(code),
        code=code,
        description=(
            "source is not WEB (or is null) and the top-level requesterUserUUID is missing. The "
            "downstream PnD service requires requesterUserUUID for non-WEB sources on the "
            "with-dropoff flow (dropTripInformation present)."
        ),
        paths=("/source", "/dropTripInformation", path),
        find=lambda s: [path] if applies(s) and _blank(s.body.get("requesterUserUUID")) else [],
        repair=repair,
        breaks=breaks,
    )


def _name(code: str) -> str:
    return code.lower().replace("_", "-")


#: Every locally decidable partner rule, in the page's order (the order of the errors found).
#: Each is defined once here; `partner_request_errors` reports from it, and the strategies in
#: `dealerbridge.testing` repair and break payloads from it.
PARTNER_RULES: tuple[Rule[PartnerSubject], ...] = (
    _dealer_uuid(),
    _required_text(
        "INVALID_DEPT_UUID",
        "dealerDepartmentUUID",
        "dealerDepartmentUUID-0001",
        "Invalid dealer department UUID is provided in the request",
    ),
    _required_text(
        "CUSTOMER_INFO_MISSING",
        "customerUUID",
        "customerUUID-0001",
        "minimum info required to match customer: (FirstName OR LastName) AND At least any one "
        "Customer Communication (phone/email) OR (FirstName AND LastName) OR VIN(FirstName OR "
        "LastName)",
    ),
    _required_text(
        "PARTNER_APPOINTMENT_DATETIME_REQUIRED",
        "appointmentDateTime",
        _WHEN,
        "appointmentDateTime is required in the partner appointment request",
    ),
    _required_object(
        "INVALID_APPOINTMENT_INFORMATION",
        "appointmentInformation",
        "Invalid request. appointmentInformation is blank.",
    ),
    _required_object(
        "PARTNER_TRIP_INFORMATION_REQUIRED",
        "pickupTripInformation",
        "pickupTripInformation is required in the partner appointment request",
    ),
    _ride_type(
        "PICKUP_RIDE_TYPE_MUST_BE_PICKUP_VEHICLE",
        "pickupTripInformation",
        "PICKUP_VEHICLE",
        ("DROPOFF_VEHICLE", "pickup_vehicle", ""),
        "Pickup trip rideType must be PICKUP_VEHICLE",
    ),
    _ride_type(
        "DROPOFF_RIDE_TYPE_MUST_BE_DROPOFF_VEHICLE",
        "dropTripInformation",
        "DROPOFF_VEHICLE",
        ("PICKUP_VEHICLE", "LOANER_SWAP", ""),
        "Dropoff trip rideType must be DROPOFF_VEHICLE",
    ),
    _ride_time(),
    _creator_user(),
    _per_trip(
        "LOANER_AND_DROP_CAR_CANNOT_BOTH_BE_TRUE",
        "isDropCar",
        ("loanerVehicleRequired", "isDropCar"),
        _loaner_and_drop_car,
        lambda trip: trip.__setitem__("isDropCar", False),
        lambda trip: trip.update(loanerVehicleRequired=True, isDropCar=True),
        "loanerVehicleRequired and isDropCar cannot both be true",
    ),
    _per_trip(
        "PRIMARY_AND_SECONDARY_DRIVER_CANNOT_BE_SAME",
        "secondaryDriverUUID",
        ("primaryDriverUUID", "secondaryDriverUUID"),
        _same_drivers,
        lambda trip: trip.__setitem__("secondaryDriverUUID", f"{trip['primaryDriverUUID']}-2"),
        lambda trip: trip.update(primaryDriverUUID="driver-1", secondaryDriverUUID="driver-1"),
        "primaryDriverUUID and secondaryDriverUUID cannot be the same",
    ),
    # Downstream trip service, tied to request content by the page:
    _start_time(),
    _user_token(),
)

#: Code -> the page's error description (partner table) or "when it happens" text (downstream
#: table, which has no description column).
PARTNER_ERROR_CODES: dict[str, str] = {rule.code: rule.description for rule in PARTNER_RULES}

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


def partner_request_errors(
    payload: dict[str, object] | PartnerAppointmentRequest, *, dealer_uuid: str | None = None
) -> list[Issue]:
    """Every locally decidable partner validation error of the request, in the page's order.

    *payload* is the JSON body (a dict) or a `PartnerAppointmentRequest`; *dealer_uuid* is the
    URL path's dealer UUID, checked when given. Each error is an `Issue` whose ``code`` (and
    ``vendor_code``) is the page's error code and ``vendor_text`` the page's description; raise
    them with ``dealerbridge.ValidationError(issues)``. An empty list means the request passes
    every local check (see `UNDECIDABLE_CODES` for what only the server can decide).
    """
    subject = PartnerSubject(_as_body(payload), dealer_uuid)
    return [_issue(rule, path, subject) for rule in PARTNER_RULES for path in rule.find(subject)]


def _issue(rule: Rule[PartnerSubject], path: str, subject: PartnerSubject) -> Issue:
    value: object
    personal = False
    if path == "":
        where, value = "the dealer UUID of the URL path", subject.dealer_uuid
    else:
        parts = path.strip("/").split("/")
        value = subject.body
        for part in parts:
            value = value.get(part) if isinstance(value, dict) else None
        where = f"'{parts[-1]}'" + (f" in '{parts[-2]}'" if len(parts) > 1 else "")
        model = default_registry().model("mykaarma/partner-appointment-request").root
        personal = personal_at(model, tuple(parts))
    return Issue(
        path=path,
        code=rule.code,
        message=f"{where} breaks the partner rule {rule.code}: {rule.description}; "
        f"found {render_value(value, personal=personal) if value is not None else 'nothing'}"
        + (" (absent or null)" if value is None else ""),
        value=value,
        personal=personal,
        rule=rule.name,
        vendor_code=rule.code,
        vendor_text=rule.description,
    )


def _as_body(payload: object) -> dict[str, Any]:
    if isinstance(payload, dict):
        return payload
    if isinstance(payload, Model):
        value = dump(payload, validate=False)
        if isinstance(value, dict):
            return value
    raise ValidationError(
        [issue("", "type", f"the request must be a JSON object, got {type(payload).__name__}")]
    )


@overload
def apply_partner_defaults(request: dict[str, object]) -> dict[str, object]: ...
@overload
def apply_partner_defaults(request: PartnerAppointmentRequest) -> PartnerAppointmentRequest: ...
def apply_partner_defaults(
    request: dict[str, object] | PartnerAppointmentRequest,
) -> dict[str, object] | PartnerAppointmentRequest:
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
    if isinstance(request, Model):
        return load(type(request), apply_partner_defaults(_as_body(request)))
    given = _as_body(request)
    if too_deep := check_value(given):  # deepcopy recurses: refuse deep values
        # names no schema defines are personal data: hidden in the paths, as errors() does
        raise ValidationError(redact_names(too_deep, given, default_registry().member_names))
    body = copy.deepcopy(given)
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

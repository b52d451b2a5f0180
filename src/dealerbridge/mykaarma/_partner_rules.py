"""Partner appointment-with-trip: the endpoint's validation codes and the defaults it applies.

`partner_request_errors` reports every partner validation error that can be decided from the
request body (and the path's dealer UUID when given) as `dealerbridge.Issue` values: ``code``
and ``vendor_code`` are the page's error code, ``vendor_text`` its description, ``rule`` the
rule's kebab-case name and ``message`` the same in a sentence naming the member and the value
found. These rules live here, not in the schema, because they answer with the vendor's own
codes; run `dealerbridge.validate(body, "mykaarma/partner-appointment-request")` as well for the
field rules.

Each rule is defined once, in `PARTNER_RULES` (a declarative `dealerbridge._rules.Rule` per
code, in the page's order: the member checked, what must hold there and when): the runtime only
detects (`partner_request_errors`); `dealerbridge.testing` derives its repairs of generated
requests and single-rule breaks of valid ones from the same definitions, with its own filler
values (test data stays out of the runtime).

Not decidable locally (the server decides them from data the request does not carry):
`UNDECIDABLE_CODES` lists them with the reason.
"""

from __future__ import annotations

import copy
from typing import Any, overload

from .._errors import Issue, ValidationError, issue
from .._generated.mykaarma import PartnerAppointmentRequest
from .._json import check_value
from .._models import Model, dump, load
from .._registry import default_registry
from .._render import redact_names, render_value
from .._rules import (
    AbsentOr,
    Check,
    DiffersFrom,
    IsObject,
    NonBlank,
    NotBothTrue,
    NotEqual,
    Parses,
    Present,
    Rule,
    Subject,
)
from .._schema_model import personal_at
from ._appointment_time import split_appointment_datetime

__all__ = [
    "PARTNER_ERROR_CODES",
    "UNDECIDABLE_CODES",
    "apply_partner_defaults",
    "partner_request_errors",
]


_PICKUP, _DROP = "pickupTripInformation", "dropTripInformation"
_TRIPS = ((_PICKUP, "PICKUP_VEHICLE"), (_DROP, "DROPOFF_VEHICLE"))
_NOT_WEB = NotEqual("source", "WEB")


def _obj(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def _rule(code: str, description: str, member: str, check: Check, **where: Any) -> Rule:
    """The rule answering *code*; its name is the code in kebab case."""
    return Rule(
        name=code.lower().replace("_", "-"),
        code=code,
        description=description,
        member=member,
        check=check,
        **where,
    )


def _appointment_time(text: str) -> object:
    return split_appointment_datetime(text)


#: Every locally decidable partner rule, in the page's order (the order of the errors found).
#: Each is defined once here, declaratively (`dealerbridge._rules.Rule`): `partner_request_errors`
#: reports from it, and the strategies in `dealerbridge.testing` derive their repairs and
#: single-rule breaks from the same definitions.
PARTNER_RULES: tuple[Rule, ...] = (
    _rule(
        "INVALID_DEALER_UUID",
        "Invalid dealer UUID is provided in the request",
        "dealerUuid",
        NonBlank(),
        parameter=True,
    ),
    _rule(
        "INVALID_DEPT_UUID",
        "Invalid dealer department UUID is provided in the request",
        "dealerDepartmentUUID",
        NonBlank(),
    ),
    _rule(
        "CUSTOMER_INFO_MISSING",
        "minimum info required to match customer: (FirstName OR LastName) AND At least any one "
        "Customer Communication (phone/email) OR (FirstName AND LastName) OR VIN(FirstName OR "
        "LastName)",
        "customerUUID",
        NonBlank(),
    ),
    _rule(
        "PARTNER_APPOINTMENT_DATETIME_REQUIRED",
        "appointmentDateTime is required in the partner appointment request",
        "appointmentDateTime",
        NonBlank(),
    ),
    _rule(
        "INVALID_APPOINTMENT_INFORMATION",
        "Invalid request. appointmentInformation is blank.",
        "appointmentInformation",
        IsObject(),
    ),
    _rule(
        "PARTNER_TRIP_INFORMATION_REQUIRED",
        "pickupTripInformation is required in the partner appointment request",
        _PICKUP,
        IsObject(),
    ),
    _rule(
        "PICKUP_RIDE_TYPE_MUST_BE_PICKUP_VEHICLE",
        "Pickup trip rideType must be PICKUP_VEHICLE",
        "rideType",
        AbsentOr("PICKUP_VEHICLE"),
        inside=(_PICKUP,),
    ),
    _rule(
        "DROPOFF_RIDE_TYPE_MUST_BE_DROPOFF_VEHICLE",
        "Dropoff trip rideType must be DROPOFF_VEHICLE",
        "rideType",
        AbsentOr("DROPOFF_VEHICLE"),
        inside=(_DROP,),
    ),
    _rule(
        "DROPOFF_RIDE_TIME_REQUIRED",
        "dropTripInformation.rideTime is required for dropoff ride types",
        "rideTime",
        NonBlank(),
        inside=(_DROP,),
    ),
    _rule(
        "VALID_CREATOR_USER_UUID_REQUIRED",
        "appointmentInformation.creatorUser.uuid is required when source is not WEB",
        "creatorUser/uuid",
        NonBlank(),
        inside=("appointmentInformation",),
        when=(_NOT_WEB,),
    ),
    _rule(
        "LOANER_AND_DROP_CAR_CANNOT_BOTH_BE_TRUE",
        "loanerVehicleRequired and isDropCar cannot both be true",
        "isDropCar",
        NotBothTrue("loanerVehicleRequired"),
        inside=(_PICKUP, _DROP),
    ),
    _rule(
        "PRIMARY_AND_SECONDARY_DRIVER_CANNOT_BE_SAME",
        "primaryDriverUUID and secondaryDriverUUID cannot be the same",
        "secondaryDriverUUID",
        DiffersFrom("primaryDriverUUID"),
        inside=(_PICKUP, _DROP),
    ),
    # Downstream trip service, tied to request content by the page:
    _rule(
        "MISSING_START_TIME",
        "The pickup trip request does not contain a valid appointmentTime.",
        "appointmentDateTime",
        Parses(_appointment_time, "an appointment date-time"),
        when=(Present(_PICKUP),),
    ),
    _rule(
        "USER_TOKEN_IS_BLANK",
        "source is not WEB (or is null) and the top-level requesterUserUUID is missing. The "
        "downstream PnD service requires requesterUserUUID for non-WEB sources on the "
        "with-dropoff flow (dropTripInformation present).",
        "requesterUserUUID",
        NonBlank(),
        when=(_NOT_WEB, Present(_DROP)),
    ),
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
    subject = partner_subject(_as_body(payload), dealer_uuid)
    return [_issue(rule, path, subject) for rule in PARTNER_RULES for path in rule.find(subject)]


def partner_subject(body: dict[str, Any], dealer_uuid: str | None = None) -> Subject:
    """What the partner rules read: the body and the URL path's dealer UUID (None: not given,
    not checked)."""
    return Subject(body, {"dealerUuid": dealer_uuid})


def _issue(rule: Rule, path: str, subject: Subject) -> Issue:
    value: object
    personal = False
    if path == "":
        where, value = "the dealer UUID of the URL path", subject.parameters.get(rule.member)
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

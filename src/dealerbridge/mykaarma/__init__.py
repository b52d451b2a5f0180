"""myKaarma: repair orders, customers and vehicles, webhooks, partner appointments with trips.

Models are generated from ``schemas/mykaarma``; the functions here implement what the schemas
cannot express (signatures, vocabularies, time-zone rules, the partner validation codes).
"""

# The generated classes report this package as their module (`_public_home`), and their
# annotations stay strings: these are the names they use besides the classes themselves, so
# `typing.get_type_hints` resolves them here when asked (resolving all at import was slow).
from collections.abc import Mapping  # noqa: F401
from typing import ClassVar, Literal  # noqa: F401

from .. import _public_home
from .._generated import mykaarma as _models
from .._generated.mykaarma import *  # noqa: F403  (the generated model classes)
from .._models import JSON, SchemaRef, UnsetType  # noqa: F401  (annotations, see above)
from . import _registration  # noqa: F401  (registers the myKaarma issue codes)
from ._appointment_time import AppointmentTimes, appointment_datetime, split_appointment_datetime
from ._customers import (
    CUSTOMER_WARNING_CODES,
    UNDECIDABLE_WARNINGS,
    VinCheck,
    customer_request_warnings,
    normalize_phone,
    search_query_warnings,
    vin_check,
)
from ._events import EVENT_MODELS, parse_event
from ._matching import CustomerMatch, match_customer
from ._order_requests import (
    RequestFromOrder,
    create_request_from_order,
    update_request_from_order,
)
from ._orders import SAME_ORDER_WINDOW, letter_to_status, same_order, status_to_letter
from ._partner_rules import (
    PARTNER_ERROR_CODES,
    UNDECIDABLE_CODES,
    apply_partner_defaults,
    partner_request_errors,
)
from ._webhook import (
    event_key,
    parse_order_event,
    verify_authorization_token,
    verify_webhook_signature,
)

__all__ = [
    *_models.__all__,
    "CUSTOMER_WARNING_CODES",
    "EVENT_MODELS",
    "UNDECIDABLE_WARNINGS",
    "CustomerMatch",
    "VinCheck",
    "customer_request_warnings",
    "match_customer",
    "normalize_phone",
    "parse_event",
    "search_query_warnings",
    "vin_check",
    "PARTNER_ERROR_CODES",
    "SAME_ORDER_WINDOW",
    "UNDECIDABLE_CODES",
    "AppointmentTimes",
    "apply_partner_defaults",
    "partner_request_errors",
    "RequestFromOrder",
    "create_request_from_order",
    "update_request_from_order",
    "appointment_datetime",
    "event_key",
    "letter_to_status",
    "parse_order_event",
    "same_order",
    "split_appointment_datetime",
    "status_to_letter",
    "verify_authorization_token",
    "verify_webhook_signature",
]

_public_home(globals(), __name__, generated=_models.__name__)

"""`FakeMyKaarma`: the myKaarma order, order-search, partner-appointment and customer APIs,
in process.

Every request body is checked with the functions a user calls (`dealerbridge.errors` on our
request schemas, `mk.partner_request_errors`, `mk.customer_request_warnings`,
`mk.search_query_warnings`, `mk.same_order`); every response is read with `dealerbridge.load`
before it is sent, so the fake cannot answer what our response schemas refuse. Error codes
the fake invents (myKaarma publishes none for these cases) start with ``FAKE_`` or are the
ones the notes record (``ORDER_NOT_FOUND``, ``ORDER_ALREADY_EXISTS``); see docs/fakes.md.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import datetime as dt
import hashlib
import hmac
import json
import re
from collections.abc import Callable, Mapping
from typing import cast

from .. import mykaarma as mk
from .._errors import Issue, ValidationError
from .._json import parse_json
from .._models import JSON, Model, dump, load
from .._validation import errors
from ._core import Delivery, FakeVendor, Incoming, Mode, Reply

__all__ = ["FakeMyKaarma"]

_DEPT = r"/(?:order|customer)/v2/department/(?P<dept>[^/]+)"
_STATUS_LETTERS = {"OPENED": "O", "PRE-INVOICED": "P", "CLOSED": "C"}
#: The page size of an order search that sends no ``size`` (myKaarma documents no default;
#: notes/decisions-fakes.md "Order search").
SEARCH_PAGE_SIZE = 100
#: The order search's equality filters: request member -> where the stored order keeps it.
_SEARCH_EQUALS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("orderStatus", ("header", "status")),
    ("orderType", ("type",)),
    ("tagNumber", ("header", "tagNumber")),
    ("userUuid", ("header", "dealerAssociateUuid")),
    ("customerUuid", ("customer", "uuid")),
)


def _hex64(fake: FakeVendor) -> str:
    return "".join(fake._random.choice("0123456789abcdef") for _ in range(64))


def _error(code: str, title: str, description: str) -> dict[str, JSON]:
    return {"errorCode": code, "errorTitle": title, "errorDescription": description}


def _error_item(path: str, code: str, title: str, text: str) -> dict[str, JSON]:
    """One error in the envelope of the API *path* belongs to: the customer API numbers its
    errors (``{errorCode: int, errorTitle, errorMessage}``, docs/vendor/mykaarma-customers.md §1),
    the order and appointment APIs name them (``{errorCode, errorTitle, errorDescription}``)."""
    if path.startswith("/customer/"):
        status = {"UNAUTHORIZED": 401, "FORBIDDEN": 403, "NOT_FOUND": 404}.get(code, 400)
        return {"errorCode": status, "errorTitle": code, "errorMessage": f"{title}: {text}"}
    return _error(code, title, text)


class FakeMyKaarma(FakeVendor):
    """A stateful in-process myKaarma: orders (create, read, update with the read checksum,
    the ±30-day same-order rule, search with filters and pages), partner appointments with
    trip (the documented local error codes) and customers (create, update, read, search;
    warnings inside a 200).

    Serve it with ``httpx.Client(transport=fake.transport)`` (or `async_transport`, or the
    ASGI app `asgi`); the clients in `dealerbridge.clients` accept ``transport=``.
    """

    def __init__(
        self,
        *,
        mode: Mode = "strict",
        seed: int = 0,
        username: str = "fake-mykaarma-user",
        password: str = "fake-mykaarma-password",
        department_uuid: str | None = None,
        dealer_uuid: str | None = None,
        base_url: str = "https://api.mykaarma.com",
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        super().__init__(mode=mode, seed=seed, base_url=base_url)
        self.username = username
        self.password = password
        self.department_uuid = department_uuid or _hex64(self)
        self.dealer_uuid = dealer_uuid or _hex64(self)
        self.webhook_secret = username
        """The key of the ``mykaarma-signature-token`` HMAC: today myKaarma uses the partner's
        Basic-auth username (docs: signature verification page)."""
        self.webhook_token = "myKaarma_" + self.new_uuid()
        """The static ``x-authorization-token`` sent with every delivery."""
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self.orders: dict[str, dict[str, JSON]] = {}
        """Orders as read (the inner ``{type, header, ...}``), by order uuid."""
        self.checksums: dict[str, str] = {}
        """The current ``orderReadChecksum`` of each order."""
        self.order_dates: dict[str, tuple[str, str]] = {}
        """``(created, updated)`` of each order, yyyy-MM-dd in UTC: what the search's
        ``CREATED_DATE`` and ``UPDATED_DATE`` filters compare."""
        self.customers: dict[str, dict[str, JSON]] = {}
        """``customerWithVehicles`` objects, by customer uuid."""
        self._last_stamp = 0
        self.appointments: dict[str, dict[str, JSON]] = {}
        """Partner appointment requests as stored (myKaarma's defaults applied), by uuid."""
        self._routes = [
            ("PUT", re.compile(_DEPT + r"/order/?"), self._create_order),
            ("GET", re.compile(_DEPT + r"/global_order/(?P<uuid>[^/]+)"), self._read_order),
            # before the update route, whose {orderUUID} would match "specificSearch"
            ("POST", re.compile(_DEPT + r"/order/specificSearch"), self._search_orders),
            ("POST", re.compile(_DEPT + r"/order/(?P<uuid>[^/]+)"), self._update_order),
            (
                "POST",
                re.compile(
                    r"/appointment/v2/dealers/(?P<dealer>[^/]+)/partner-appointments-with-trip"
                ),
                self._partner_appointment,
            ),
            ("POST", re.compile(_DEPT + r"/customer/?"), self._create_customer),
            ("PUT", re.compile(_DEPT + r"/customer/?"), self._create_customer),
            ("GET", re.compile(_DEPT + r"/customer/list(?:Minimal)?"), self._search_customers),
            ("GET", re.compile(_DEPT + r"/customer/(?P<uuid>[^/]+)"), self._read_customer),
            ("PUT", re.compile(_DEPT + r"/customer/(?P<uuid>[^/]+)"), self._update_customer),
            ("POST", re.compile(_DEPT + r"/customer/(?P<uuid>[^/]+)"), self._update_customer),
        ]

    # ------------------------------------------------------------------ seeding

    def add_order(self, order: mk.ReadOrderResponse | mk.Order | Mapping[str, JSON]) -> str:
        """Store an order as read and return its uuid: a `ReadOrderResponse` (or its JSON),
        whose ``order.uuid`` is kept, or the inner order (`mk.Order` or JSON), which gets a new
        uuid. No delivery is queued."""
        value = dump(order, validate=False) if isinstance(order, Model) else copy.deepcopy(order)
        assert isinstance(value, dict)
        if "header" in value:
            inner, uuid = load(mk.Order, value), self.new_id()
        else:
            read = load(mk.ReadOrderResponse, value)
            envelope = read.order
            assert isinstance(envelope, mk.ReadOrderEnvelope), "the read response has no order"
            inner, uuid = envelope.order, envelope.uuid
        as_json = dump(inner, validate=False)
        assert isinstance(as_json, dict)
        self.orders[uuid] = as_json
        self.checksums[uuid] = self._checksum(uuid, as_json)
        header = cast(dict[str, JSON], as_json.get("header") or {})
        created = header.get("mykCreatedDate") or header.get("orderDate")
        today = self._today()
        self.order_dates[uuid] = (created[:10] if isinstance(created, str) else today, today)
        return uuid

    def add_customer(self, customer: Mapping[str, JSON] | mk.CustomerWithVehicles) -> str:
        """Store a customer (``customerWithVehicles`` JSON or model) and return its uuid (its
        ``customer.customerUuid`` when set, else a new one)."""
        value = (
            dump(customer, validate=False)
            if isinstance(customer, Model)
            else copy.deepcopy(dict(customer))
        )
        checked = load(mk.CustomerWithVehicles, value)
        as_json = dump(checked, validate=False)
        assert isinstance(as_json, dict)
        inner = as_json.get("customer")
        uuid = inner.get("customerUuid") if isinstance(inner, dict) else None
        if not isinstance(uuid, str):
            uuid = self.new_id()
            if isinstance(inner, dict):
                inner["customerUuid"] = uuid
        self.customers[uuid] = as_json
        return uuid

    # ------------------------------------------------------------------ plumbing

    def error_body(self, status: int, message: str, path: str = "") -> JSON:
        code = {401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND", 429: "TOO_MANY_REQUESTS"}
        name = code.get(status, "INTERNAL_ERROR" if status >= 500 else "BAD_REQUEST")
        return {
            "statusCode": status,
            "errors": [_error_item(path, name, name.replace("_", " ").title(), message or name)],
            "warnings": [],
        }

    def _reply(self, model: type[Model], status: int, value: dict[str, JSON]) -> Reply:
        load(model, value)  # the fake's own answers must pass our response schemas
        return Reply.of_json(status, value)

    def _denied(self, request: Incoming, dept: str | None = None) -> Reply | None:
        expected = "Basic " + base64.b64encode(f"{self.username}:{self.password}".encode()).decode(
            "ascii"
        )
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), expected.encode()):
            self.violate(request, "auth", "missing or wrong Basic credentials")
            return Reply.of_json(401, self.error_body(401, "Unauthorized", request.path))
        if dept is not None and dept != self.department_uuid:
            self.violate(request, "department", "the path names another department")
            return Reply.of_json(403, self.error_body(403, "ApiScope does not exist", request.path))
        return None

    def _body(self, request: Incoming) -> tuple[JSON, Reply | None]:
        try:  # the strict reader a user calls: duplicate keys, lone surrogates, depth
            return cast(JSON, parse_json(request.body or b"null")), None
        except ValidationError as exc:
            self.violate(request, "json", "the body is not strict JSON", list(exc.issues))
            return None, Reply.of_json(
                400, self.error_body(400, "Malformed JSON body", request.path)
            )

    def _checked(
        self, request: Incoming, dept: str, schema: str, empty: dict[str, JSON]
    ) -> tuple[dict[str, JSON], None] | tuple[None, Reply]:
        """The body of a write once it passes what every write is checked for, in order
        (credentials and department, the strict reader, its request schema), or the reply
        refusing it (recorded as a violation)."""
        denied = self._denied(request, dept)
        if denied:
            return None, denied
        body, bad = self._body(request)
        if bad:
            return None, bad
        issues = errors(body, schema)
        if issues:
            return None, self._refused(request, schema, issues, empty)
        assert isinstance(body, dict)  # every request schema is an object
        return body, None

    def _refused(
        self, request: Incoming, rule: str, issues: list[Issue], body: dict[str, JSON]
    ) -> Reply:
        self.violate(request, rule, f"{len(issues)} issue(s)", issues)
        body = {
            **body,
            "statusCode": 400,
            "errors": [
                _error_item(
                    request.path,
                    i.vendor_code or (rule if rule.startswith("FAKE_") else "INVALID_REQUEST_DATA"),
                    i.code,
                    f"{i.path or '/'}: {i.message}",
                )
                for i in issues
            ],
            "warnings": [],
        }
        return Reply.of_json(400, body)

    def _today(self) -> str:
        return self._clock().astimezone(dt.UTC).date().isoformat()

    def _checksum(self, uuid: str, order: JSON) -> str:
        text = json.dumps([uuid, order, self._random.random()], sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def _queue_event(
        self, kind: str, key: str, payload: JSON, department: str | None = None
    ) -> None:
        # strictly increasing, so events of one fake always order as they were written
        stamp = max(int(self._clock().timestamp() * 1000), self._last_stamp + 1)
        self._last_stamp = stamp
        event: dict[str, JSON] = {
            "id": self.new_uuid(),
            "timestamp": stamp,
            "dealeruuid": self.dealer_uuid,
            "departmentuuid": department or self.department_uuid,
            "type": kind,
            "payload": json.dumps(payload),
        }
        body = json.dumps(event, separators=(",", ":")).encode()
        mk.parse_event(body)  # a delivery must pass our own receiving code
        self.queue(Delivery(body, self.sign(body), key))

    def _queue_order_event(self, uuid: str) -> None:
        self._queue_event("service-orders", uuid, {"uuid": uuid, "order": self.orders[uuid]})

    def _queue_customer_event(self, uuid: str) -> None:
        """Customer events carry the customer's final state (myKaarma's indexer sends one per
        second: myKaarma's customer-event page,
        https://docs.mykaarma.com/mykaarmaWebhooks/events/customer-event)."""
        self._queue_event("customers", uuid, {"customerWithVehicles": self.customers[uuid]})

    def _queue_appointment_event(self, uuid: str, stored: dict[str, JSON]) -> None:
        """An ``appointments`` event for a created partner appointment, whose payload holds
        only the members the appointment-event page names and whose values the fake knows:
        ``uuid``, ``departmentUuid``, ``event: "CREATED"`` and, when the request named its
        user, ``updatedByUserUuid``. The rest (``appointmentInfoResponse``, the loaner
        bookings, ``subscriberName``, ``eventCreationDateTime``) is left out rather than
        invented, and no second, DMS-acknowledged ``UPDATED`` event follows (there is no DMS):
        notes/decisions-fakes.md "Appointment deliveries"."""
        department = cast(str, stored["dealerDepartmentUUID"])
        payload: dict[str, JSON] = {"uuid": uuid, "departmentUuid": department, "event": "CREATED"}
        user = stored.get("requesterUserUUID")
        if isinstance(user, str):
            payload["updatedByUserUuid"] = user
        self._queue_event("appointments", uuid, payload, department)

    def sign(self, body: bytes, *, forged: bool = False, stale: bool = False) -> dict[str, str]:
        key = (self.webhook_secret + ("-forged" if forged else "")).encode()
        digest = hmac.new(key, body, hashlib.sha256).hexdigest()
        return {
            "content-type": "text/plain",
            "mykaarma-signature-token": f"sha256={digest}",
            "x-authorization-token": self.webhook_token,
        }

    # ------------------------------------------------------------------ orders

    def _create_order(self, request: Incoming, match: re.Match[str]) -> Reply:
        empty: dict[str, JSON] = {"orderUUID": None}
        body, refused = self._checked(
            request, match["dept"], "mykaarma/create-order-request", empty
        )
        if refused:
            return refused
        assert body is not None
        order = _as_read(cast(dict[str, JSON], body["order"]))
        header = cast(dict[str, JSON], order["header"])
        number = cast(str, header["orderNumber"])
        created = (cast(str, header["orderDate"]), cast(str, header["orderTime"]))
        for uuid, stored in self.orders.items():
            other = cast(dict[str, JSON], stored.get("header") or {})
            when = (other.get("orderDate"), other.get("orderTime"))
            if not all(isinstance(x, str) for x in when):
                continue
            if mk.same_order(number, created, cast(str, other.get("orderNumber")), when):  # type: ignore[arg-type]
                self.violate(
                    request,
                    "ORDER_ALREADY_EXISTS",
                    f"order {number} exists within 30 days ({uuid}); update it instead",
                )
                error = _error(
                    "ORDER_ALREADY_EXISTS",
                    "Order already exists",
                    f"Order {number} already exists within 30 days; closest order uuid {uuid}. "
                    "Use the update API.",
                )
                return self._reply(
                    mk.CreateOrderResponse,
                    400,
                    {"errors": [error], "warnings": [], "orderUUID": None, "statusCode": 400},
                )
        uuid = self.new_id()
        self.orders[uuid] = order
        self.checksums[uuid] = self._checksum(uuid, order)
        self.order_dates[uuid] = (self._today(), self._today())
        self._queue_order_event(uuid)
        value: dict[str, JSON] = {
            "errors": [],
            "warnings": [],
            "orderUUID": uuid,
            "statusCode": 200,
        }
        return self._reply(mk.CreateOrderResponse, 200, value)

    def _not_found(self, uuid: str) -> dict[str, JSON]:
        return {
            "statusCode": 400,
            "orderReadChecksum": None,
            "errors": [
                _error("ORDER_NOT_FOUND", "Order not found", f"No order found for orderUUID {uuid}")
            ],
            "warnings": None,
            "order": None,
        }

    def _read_order(self, request: Incoming, match: re.Match[str]) -> Reply:
        denied = self._denied(request, match["dept"])
        if denied:
            return denied
        uuid = match["uuid"]
        if uuid not in self.orders:
            return self._reply(mk.ReadOrderResponse, 400, self._not_found(uuid))
        value: dict[str, JSON] = {
            "statusCode": 200,
            "orderReadChecksum": self.checksums[uuid],
            "errors": [],
            "warnings": [],
            "order": {"uuid": uuid, "order": copy.deepcopy(self.orders[uuid])},
        }
        return self._reply(mk.ReadOrderResponse, 200, value)

    def _update_order(self, request: Incoming, match: re.Match[str]) -> Reply:
        denied = self._denied(request, match["dept"])
        if denied:
            return denied
        uuid = match["uuid"]
        empty: dict[str, JSON] = {"orderUUID": None}
        headers = {k: v for k, v in request.headers.items() if k.lower() == "orderreadchecksum"}
        checksum = next(iter(headers.values()), None)
        header_issues = errors(
            {"orderReadChecksum": checksum} if checksum is not None else {},
            "mykaarma/update-order-headers",
        )
        if header_issues:
            misspelled = "orderreadorderreadchecksum" in request.headers
            rule = "FAKE_CHECKSUM_MISSPELLED" if misspelled else "FAKE_CHECKSUM_MISSING"
            return self._refused(request, rule, header_issues, empty)
        body, bad = self._body(request)
        if bad:
            return bad
        issues = errors(body, "mykaarma/update-order-request")
        if issues:
            return self._refused(request, "mykaarma/update-order-request", issues, empty)
        if uuid not in self.orders:
            self.violate(request, "ORDER_NOT_FOUND", f"no order {uuid}")
            error = _error("ORDER_NOT_FOUND", "Order not found", f"No order found for {uuid}")
            value: dict[str, JSON] = {
                "errors": [error],
                "warnings": [],
                "orderUUID": None,
                "statusCode": 400,
            }
            return self._reply(mk.CreateOrderResponse, 400, value)
        if checksum != self.checksums[uuid]:
            self.violate(request, "FAKE_STALE_CHECKSUM", "the order changed since it was read")
            error = _error(
                "FAKE_STALE_CHECKSUM",
                "Order changed since it was read",
                "orderReadChecksum does not match the order's current checksum; read it again",
            )
            value = {"errors": [error], "warnings": [], "orderUUID": None, "statusCode": 409}
            return self._reply(mk.CreateOrderResponse, 409, value)
        assert isinstance(body, dict)
        order = _as_read(cast(dict[str, JSON], body["order"]))
        self.orders[uuid] = order
        self.checksums[uuid] = self._checksum(uuid, order)
        created = self.order_dates.get(uuid, (self._today(), ""))[0]
        self.order_dates[uuid] = (created, self._today())
        self._queue_order_event(uuid)
        value = {"errors": [], "warnings": [], "orderUUID": uuid, "statusCode": 200}
        return self._reply(mk.CreateOrderResponse, 200, value)

    def _search_orders(self, request: Incoming, match: re.Match[str]) -> Reply:
        empty: dict[str, JSON] = {"orders": None, "totalCount": None}
        query, refused = self._checked(
            request, match["dept"], "mykaarma/search-orders-request", empty
        )
        if refused:
            return refused
        assert query is not None
        found = [uuid for uuid, order in self.orders.items() if self._matches(uuid, order, query)]
        size = cast(int, query.get("size", SEARCH_PAGE_SIZE))
        start = cast(int, query.get("pageNo", 0)) * size
        items: list[JSON] = []
        for uuid in found[start : start + size]:
            item: dict[str, JSON] = {"orderUuid": uuid}
            for key in ("customer", "vehicle"):
                if key in self.orders[uuid]:
                    item[key] = copy.deepcopy(self.orders[uuid][key])
            items.append(item)
        value: dict[str, JSON] = {
            "statusCode": 200,
            "errors": [],
            "warnings": [],
            "orders": items,
            "totalCount": len(found),
        }
        return self._reply(mk.SearchOrdersResponse, 200, value)

    def _matches(self, uuid: str, order: dict[str, JSON], query: dict[str, JSON]) -> bool:
        """Whether the stored *order* passes every filter of the search *query* (each filter
        sent must hold; see docs/fakes.md for where each one looks)."""
        if "orderUuid" in query and query["orderUuid"] != uuid:
            return False
        for key, where in _SEARCH_EQUALS:
            if key in query and _at(order, where) != query[key]:
                return False
        vin = _at(order, ("vehicle", "vin"))
        wanted = query.get("vin")
        if isinstance(wanted, str) and (not isinstance(vin, str) or vin.upper() != wanted.upper()):
            return False
        prefix = query.get("orderNumberPrefix")
        number = _at(order, ("header", "orderNumber"))
        if prefix and not (isinstance(number, str) and number.startswith(cast(str, prefix))):
            return False
        low, high = query.get("fromOrderDate"), query.get("toOrderDate")
        if low is None and high is None:
            return True
        day = self._date_of(uuid, order, cast(str, query.get("dateFilterType", "ORDER_DATE")))
        if day is None:
            return False
        return (low is None or day >= cast(str, low)) and (high is None or day <= cast(str, high))

    def _date_of(self, uuid: str, order: dict[str, JSON], kind: str) -> str | None:
        """The yyyy-MM-dd date of *order* a search's ``dateFilterType`` *kind* compares."""
        created, updated = self.order_dates.get(uuid, (None, None))
        if kind == "UPDATED_DATE":
            return updated
        if kind == "CREATED_DATE":
            return created
        field = "closeDate" if kind == "CLOSE_DATE" else "orderDate"
        value = _at(order, ("header", field))
        return value[:10] if isinstance(value, str) and value else None

    # ------------------------------------------------------------------ appointments

    def _partner_appointment(self, request: Incoming, match: re.Match[str]) -> Reply:
        denied = self._denied(request)
        if denied:
            return denied
        body, bad = self._body(request)
        if bad:
            return bad
        empty: dict[str, JSON] = {
            "eventUUID": None,
            "pickupEventUUID": None,
            "dropoffEventUUID": None,
            "appointmentUUID": None,
        }
        issues = errors(body, "mykaarma/partner-appointment-request")
        if not issues:
            issues = mk.partner_request_errors(
                cast(dict[str, object], body), dealer_uuid=match["dealer"]
            )
        if issues:
            rule = issues[0].vendor_code or "mykaarma/partner-appointment-request"
            return self._refused(request, rule, issues, empty)
        stored = mk.apply_partner_defaults(cast(dict[str, object], body))
        uuid = self.new_uuid()
        self.appointments[uuid] = cast(dict[str, JSON], stored)
        self._queue_appointment_event(uuid, self.appointments[uuid])
        drop = cast(dict[str, JSON], body).get("dropTripInformation")
        value: dict[str, JSON] = {
            "eventUUID": self.new_uuid(),
            "pickupEventUUID": self.new_uuid(),
            "dropoffEventUUID": self.new_uuid() if drop else None,
            "appointmentUUID": uuid,
            "statusCode": 200,
            "errors": None,
            "warnings": None,
        }
        return self._reply(mk.PartnerAppointmentResponse, 200, value)

    # ------------------------------------------------------------------ customers

    def _warnings(self, issues: list[Issue]) -> list[JSON]:
        return [
            {
                "warningCode": int(i.vendor_code or 0),
                "warningTitle": i.vendor_text or i.code,
                "warningMessage": i.message,
            }
            for i in issues
        ]

    def _create_customer(self, request: Incoming, match: re.Match[str]) -> Reply:
        empty: dict[str, JSON] = {"customerUuid": None}
        body, refused = self._checked(
            request, match["dept"], "mykaarma/create-customer-request", empty
        )
        if refused:
            return refused
        assert body is not None
        warned = mk.customer_request_warnings(body)
        uuid = self.new_id()
        self.customers[uuid] = _customer_as_read(body, uuid, warned)
        self._queue_customer_event(uuid)
        value: dict[str, JSON] = {
            "errors": [],
            "warnings": self._warnings(warned),
            "customerUuid": uuid,
            "customerId": str(len(self.customers)),
        }
        return self._reply(mk.CreateCustomerResponse, 200, value)

    def _update_customer(self, request: Incoming, match: re.Match[str]) -> Reply:
        body, refused = self._checked(
            request, match["dept"], "mykaarma/update-customer-request", {}
        )
        if refused:
            return refused
        assert body is not None
        uuid = match["uuid"]
        if uuid not in self.customers:
            self.violate(request, "CUSTOMER_NOT_FOUND", f"no customer {uuid}")
            error: dict[str, JSON] = {
                "errorCode": 404,
                "errorTitle": "CUSTOMER_NOT_FOUND",
                "errorMessage": "No customer found",
            }
            return self._reply(mk.UpdateCustomerResponse, 404, {"errors": [error], "warnings": []})
        assert isinstance(body, dict)
        warned = mk.customer_request_warnings(body, update=True)
        self.customers[uuid] = _customer_as_read(body, uuid, warned)
        self._queue_customer_event(uuid)
        value: dict[str, JSON] = {"errors": [], "warnings": self._warnings(warned)}
        return self._reply(mk.UpdateCustomerResponse, 200, value)

    def _read_customer(self, request: Incoming, match: re.Match[str]) -> Reply:
        denied = self._denied(request, match["dept"])
        if denied:
            return denied
        uuid = match["uuid"]
        stored = self.customers.get(uuid)
        if stored is None:
            error: dict[str, JSON] = {
                "errorCode": 404,
                "errorTitle": "CUSTOMER_NOT_FOUND",
                "errorMessage": "No customer found",
            }
            value: dict[str, JSON] = {
                "errors": [error],
                "warnings": [],
                "customerWithVehicles": None,
            }
            return self._reply(mk.ReadCustomerResponse, 404, value)
        found = copy.deepcopy(stored)
        if request.query.get("excludeVehicles", "false").lower() == "true":
            found.pop("vehicles", None)
        value = {"errors": [], "warnings": [], "customerWithVehicles": found}
        return self._reply(mk.ReadCustomerResponse, 200, value)

    def _search_customers(self, request: Incoming, match: re.Match[str]) -> Reply:
        denied = self._denied(request, match["dept"])
        if denied:
            return denied
        query: dict[str, JSON] = dict(request.query)
        if "maxResults" in query:
            with contextlib.suppress(ValueError):
                query["maxResults"] = int(cast(str, query["maxResults"]))
        issues = errors(query, "mykaarma/search-customers-query")
        if issues:
            return self._refused(request, "mykaarma/search-customers-query", issues, {})
        warned = mk.search_query_warnings(query)
        term = cast(str, query["searchTerm"])[:150].lower()
        limit = query.get("maxResults", 100)
        if not isinstance(limit, int) or not 1 <= limit <= 100:
            limit = 100
        found = [c for c in self.customers.values() if term in _searchable(c)]
        value: dict[str, JSON] = {
            "errors": [],
            "warnings": self._warnings(warned),
            "matchingCount": len(found),
            "matchingCustomers": [copy.deepcopy(c) for c in found[:limit]],
        }
        return self._reply(mk.SearchCustomersResponse, 200, value)


def _at(value: JSON, path: tuple[str, ...]) -> JSON:
    """The member of *value* at *path* (``None`` when any step is missing or not an object)."""
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _as_read(created: dict[str, JSON]) -> dict[str, JSON]:
    """A create or update request's ``order`` as myKaarma reads it back: ``createDate`` and
    ``createTime`` become ``orderDate``/``orderTime``, the status word its letter, a job's
    ``techNo`` its ``techNos`` (the create and read pages name each differently; reading
    them as one field is our decision, notes/decisions-mykaarma-orders.md)."""
    order = copy.deepcopy(created)
    header = cast(dict[str, JSON], order["header"])
    for old, new in (("createDate", "orderDate"), ("createTime", "orderTime")):
        if old in header:
            header[new] = header.pop(old)
    status = header.get("status")
    if isinstance(status, str):
        header["status"] = _STATUS_LETTERS.get(status, status)
    for job in cast(list[dict[str, JSON]], order.get("jobs") or []):
        if "techNo" in job:
            job["techNos"] = job.pop("techNo")
    load(mk.Order, order)
    return order


def _customer_as_read(body: dict[str, JSON], uuid: str, warned: list[Issue]) -> dict[str, JSON]:
    """The stored ``customerWithVehicles`` of a create or update request: the request's
    customer and vehicles, with the items the warnings say are dropped left out."""
    customer = copy.deepcopy(cast(dict[str, JSON], body["customer"]))
    dropped = {i.path for i in warned}
    for key in ("phoneNumbers", "emails"):
        items = customer.get(key)
        if isinstance(items, list):
            customer[key] = [
                item
                for n, item in enumerate(items)
                if f"/customer/{key}/{n}" not in dropped
                and not any(p.startswith(f"/customer/{key}/{n}/") for p in dropped)
            ]
    customer["customerUuid"] = uuid
    vehicles = copy.deepcopy(body.get("vehicles") or [])
    value: dict[str, JSON] = {"customer": customer, "vehicles": vehicles}
    return value


def _searchable(stored: dict[str, JSON]) -> str:
    customer = stored.get("customer")
    parts: list[str] = []
    if isinstance(customer, dict):
        for key in ("firstName", "lastName", "company", "customerKey"):
            value = customer.get(key)
            if isinstance(value, str):
                parts.append(value)
        for key, member in (("phoneNumbers", "phoneNumber"), ("emails", "emailAddress")):
            for item in cast(list[JSON], customer.get(key) or []):
                if isinstance(item, dict) and isinstance(item.get(member), str):
                    parts.append(cast(str, item[member]))
    for vehicle in cast(list[JSON], stored.get("vehicles") or []):
        if isinstance(vehicle, dict) and isinstance(vehicle.get("vin"), str):
            parts.append(cast(str, vehicle["vin"]))
    return "\n".join(parts).lower()

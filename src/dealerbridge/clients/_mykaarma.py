"""`MyKaarmaClient` and `AsyncMyKaarmaClient`: orders, partner appointments, customers."""

from __future__ import annotations

import base64
import re
from collections.abc import Awaitable, Callable
from typing import Literal, TypeVar, cast

import attrs
import httpx

from .. import mykaarma as mk
from .._errors import DealerbridgeUsageError, Issue, ValidationError
from .._models import JSON, Model, dump, load
from ._engine import (
    AsyncEngine,
    Call,
    Operation,
    Outcome,
    Page,
    PlannedRequest,
    Policy,
    SyncEngine,
    every_page,
)
from ._errors import UncertainWrite, VendorError

__all__ = ["MYKAARMA_BASE_URL", "AsyncMyKaarmaClient", "MyKaarmaClient"]

#: The documented host; each API adds its prefix (``/order/v2``, ``/customer/v2``,
#: ``/appointment/v2``): ``mkauth.py.sample`` and the README of myKaarma's example code,
#: https://github.com/mykaarma/order-api-example, and the appointment API's docs pages.
MYKAARMA_BASE_URL = "https://api.mykaarma.com"
#: The page size `MyKaarmaClient.search_all_orders` asks for when the request sets none
#: (myKaarma documents no default or maximum; public scripts ask for 100 and 150).
SEARCH_PAGE_SIZE = 100


M = TypeVar("M", bound=Model)
#: A myKaarma order or customer uuid inside an error's words (43-45 base64url characters in
#: every example in myKaarma's docs; no format is documented, so the range is our inference).
_UUID_IN_TEXT = re.compile(r"(?<![A-Za-z0-9_-])([A-Za-z0-9_-]{40,64})(?![A-Za-z0-9_-])")


def _issues(errors: object) -> list[Issue]:
    out = []
    for item in errors if isinstance(errors, list) else ():
        code = getattr(item, "error_code", None)
        text = (
            getattr(item, "error_description", None)
            or getattr(item, "error_message", None)
            or getattr(item, "error_title", None)
        )
        code_text = None if code is None or not isinstance(code, str | int) else str(code)
        out.append(
            Issue(
                "",
                "vendor.error",
                f"myKaarma refused the request: {code_text}",
                severity="error",
                vendor_code=code_text,
                vendor_text=text if isinstance(text, str) else None,
            )
        )
    return out


def _answer(call: Call, outcome: Outcome, model: type[M]) -> M:
    """The response read as *model*; `VendorError` for an error status or a non-empty
    ``errors`` list (myKaarma sometimes answers errors with 200)."""
    response = outcome.response
    assert response is not None
    url = str(response.request.url) if response.request is not None else call.path
    request_id = response.headers.get("x-request-id")
    try:
        parsed = load(model, response.content)
    except ValidationError as exc:
        raise VendorError(
            f"the answer is not a valid {model.__name__}",
            method=call.method,
            url=url,
            status=response.status_code,
            issues=exc.issues,
            request_id=request_id,
        ) from exc
    issues = _issues(getattr(parsed, "errors", None))
    if response.status_code >= 400 or issues:
        first = issues[0] if issues else None
        raise VendorError(
            "myKaarma answered an error",
            method=call.method,
            url=url,
            status=response.status_code,
            vendor_code=first.vendor_code if first else None,
            vendor_text=first.vendor_text if first else None,
            issues=issues,
            request_id=request_id,
        )
    return parsed


def _body(request: Model) -> JSON:
    return dump(request)  # validates: a request our schema refuses is never sent


class _Operations:
    """The operations, written once as generators (see `_engine`)."""

    def __init__(
        self,
        *,
        username: str,
        password: str,
        department_uuid: str,
        dealer_uuid: str | None,
        checksum_header: str,
        create_customer_method: str,
        update_customer_method: str,
    ) -> None:
        token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
        self.auth = {"authorization": f"Basic {token}"}
        self.department_uuid = department_uuid
        self.dealer_uuid = dealer_uuid
        self.checksum_header = checksum_header
        self.create_customer_method = create_customer_method
        self.update_customer_method = update_customer_method

    @property
    def orders(self) -> str:
        return f"/order/v2/department/{self.department_uuid}"

    @property
    def customers(self) -> str:
        return f"/customer/v2/department/{self.department_uuid}/customer"

    def _call(self, method: str, path: str, **kwargs: object) -> Call:
        headers = {**self.auth, **cast(dict[str, str], kwargs.pop("headers", {}))}
        return Call(method, path, headers=headers, **kwargs)  # type: ignore[arg-type]

    # ---------------------------------------------------------------- orders

    def read_order(self, order_uuid: str) -> Operation[mk.ReadOrderResponse]:
        call = self._call("GET", f"{self.orders}/global_order/{order_uuid}", idempotent=True)
        outcome = yield call
        return _answer(call, outcome, mk.ReadOrderResponse)

    def create_order(self, request: mk.CreateOrderRequest) -> Operation[mk.CreateOrderResponse]:
        body = _body(request)
        call = self._call(
            "PUT",
            f"{self.orders}/order",
            body=body,
            send_body=True,
            write=True,
            dry_answer={"errors": [], "warnings": []},
        )
        outcome = yield call
        if outcome.uncertain is None:
            return _answer(call, outcome, mk.CreateOrderResponse)
        # The answer was lost. Re-sending is safe: myKaarma refuses the same order number
        # within ±30 days, naming the order; read that order back and compare.
        again = yield call
        if again.uncertain is not None:
            raise UncertainWrite(
                "the create was sent twice without an answer",
                method=call.method,
                url=call.path,
                cause=again.uncertain,
            )
        try:
            return _answer(call, again, mk.CreateOrderResponse)
        except VendorError as exc:
            uuid = _existing_uuid(exc)
            if uuid is None:
                raise
        read = yield from self.read_order(uuid)
        if _same_request(read, body, mk.create_request_from_order):
            return load(mk.CreateOrderResponse, {"orderUUID": uuid, "errors": [], "warnings": []})
        raise UncertainWrite(
            f"order {uuid} exists with the same number but other contents",
            method=call.method,
            url=call.path,
            cause=outcome.uncertain,
        )

    def update_order(
        self, order_uuid: str, request: mk.UpdateOrderRequest, checksum: str | None = None
    ) -> Operation[mk.CreateOrderResponse]:
        body = _body(request)
        if checksum is None:
            read = yield from self.read_order(order_uuid)
            found = read.order_read_checksum
            if not isinstance(found, str):
                raise DealerbridgeUsageError(f"the read of {order_uuid} carries no checksum")
            checksum = found
        call = self._call(
            "POST",
            f"{self.orders}/order/{order_uuid}",
            headers={self.checksum_header: checksum},
            body=body,
            send_body=True,
            write=True,
            dry_answer={"errors": [], "warnings": []},
        )
        outcome = yield call
        if outcome.uncertain is None:
            return _answer(call, outcome, mk.CreateOrderResponse)
        read = yield from self.read_order(order_uuid)
        if _same_request(read, body, mk.update_request_from_order):
            return load(
                mk.CreateOrderResponse, {"orderUUID": order_uuid, "errors": [], "warnings": []}
            )
        if read.order_read_checksum == checksum:  # nothing changed: the update did not apply
            again = yield call
            if again.uncertain is None:
                return _answer(call, again, mk.CreateOrderResponse)
        raise UncertainWrite(
            "the order changed, but not into the update sent",
            method=call.method,
            url=call.path,
            cause=outcome.uncertain,
        )

    def search_orders(self, request: mk.SearchOrdersRequest) -> Operation[mk.SearchOrdersResponse]:
        # A POST that changes nothing: retried like a read, and sent even in a dry run.
        call = self._call(
            "POST",
            f"{self.orders}/order/specificSearch",
            body=_body(request),
            send_body=True,
            idempotent=True,
        )
        outcome = yield call
        return _answer(call, outcome, mk.SearchOrdersResponse)

    def search_all_orders(
        self, request: mk.SearchOrdersRequest
    ) -> Operation[list[mk.SearchOrdersItem]]:
        size = request.size if isinstance(request.size, int) else SEARCH_PAGE_SIZE
        first = request.page_no if isinstance(request.page_no, int) else 0

        def read(number: int) -> Operation[Page[mk.SearchOrdersItem]]:
            asked = attrs.evolve(request, page_no=first + number, size=size)
            answer = yield from self.search_orders(asked)
            items = answer.orders if isinstance(answer.orders, list) else []
            total = answer.total_count if isinstance(answer.total_count, int) else None
            return Page(items, total)

        # myKaarma says nothing of a last page: a page adding nothing new ends the walk too.
        return every_page(
            read,
            size=size,
            key=lambda item: item.order_uuid if isinstance(item.order_uuid, str) else None,
            shortfall="found {found} distinct orders but myKaarma reported {total}",
            stop_when_complete=True,
        )

    def upsert_order(self, request: mk.CreateOrderRequest) -> Operation[mk.CreateOrderResponse]:
        try:
            return (yield from self.create_order(request))
        except VendorError as exc:
            uuid = _existing_uuid(exc)
            if uuid is None:
                raise
        update = load(mk.UpdateOrderRequest, dump(request))
        return (yield from self.update_order(uuid, update))

    # ---------------------------------------------------------------- appointments

    def create_partner_appointment(
        self,
        request: mk.PartnerAppointmentRequest,
        query: mk.PartnerAppointmentQuery | None = None,
    ) -> Operation[mk.PartnerAppointmentResponse]:
        if self.dealer_uuid is None:
            raise DealerbridgeUsageError("create_partner_appointment needs dealer_uuid")
        body = _body(request)
        found = mk.partner_request_errors(request, dealer_uuid=self.dealer_uuid)
        if found:
            raise ValidationError(found, schema="mykaarma/partner-appointment-request")
        params = cast(dict[str, str], dump(query)) if query is not None else {}
        call = self._call(
            "POST",
            f"/appointment/v2/dealers/{self.dealer_uuid}/partner-appointments-with-trip",
            params=params,
            body=body,
            send_body=True,
            write=True,
            dry_answer={"errors": None, "warnings": None},
        )
        outcome = yield call
        if outcome.uncertain is not None:
            raise UncertainWrite(
                "myKaarma offers no read of a partner appointment to settle it",
                method=call.method,
                url=call.path,
                cause=outcome.uncertain,
            )
        return _answer(call, outcome, mk.PartnerAppointmentResponse)

    # ---------------------------------------------------------------- customers

    def create_customer(
        self, request: mk.CreateCustomerRequest
    ) -> Operation[mk.CreateCustomerResponse]:
        call = self._call(
            self.create_customer_method,
            self.customers,
            body=_body(request),
            send_body=True,
            write=True,
            dry_answer={"errors": [], "warnings": []},
        )
        outcome = yield call
        if outcome.uncertain is not None:
            raise UncertainWrite(
                "search for the customer (search_customers) before creating it again",
                method=call.method,
                url=call.path,
                cause=outcome.uncertain,
            )
        return _answer(call, outcome, mk.CreateCustomerResponse)

    def update_customer(
        self, customer_uuid: str, request: mk.UpdateCustomerRequest
    ) -> Operation[mk.UpdateCustomerResponse]:
        call = self._call(
            self.update_customer_method,
            f"{self.customers}/{customer_uuid}",
            body=_body(request),
            send_body=True,
            write=True,
            idempotent=True,  # the whole customer is replaced: sending it twice is harmless
            dry_answer={"errors": [], "warnings": []},
        )
        outcome = yield call
        return _answer(call, outcome, mk.UpdateCustomerResponse)

    def read_customer(
        self, customer_uuid: str, *, exclude_vehicles: bool = False
    ) -> Operation[mk.ReadCustomerResponse]:
        call = self._call(
            "GET",
            f"{self.customers}/{customer_uuid}",
            params={"excludeVehicles": "true" if exclude_vehicles else "false"},
            idempotent=True,
        )
        outcome = yield call
        return _answer(call, outcome, mk.ReadCustomerResponse)

    def search_customers(
        self, query: mk.SearchCustomersQuery
    ) -> Operation[mk.SearchCustomersResponse]:
        params = {k: str(v) for k, v in cast(dict[str, JSON], dump(query)).items()}
        call = self._call("GET", f"{self.customers}/list", params=params, idempotent=True)
        outcome = yield call
        return _answer(call, outcome, mk.SearchCustomersResponse)


def _existing_uuid(error: VendorError) -> str | None:
    """The uuid an ``ORDER_ALREADY_EXISTS`` error names, when it names exactly one."""
    if error.vendor_code != "ORDER_ALREADY_EXISTS":
        return None
    found = set(_UUID_IN_TEXT.findall(error.vendor_text or ""))
    return found.pop() if len(found) == 1 else None


def _same_request(
    read: mk.ReadOrderResponse,
    body: JSON,
    build: Callable[[mk.ReadOrderResponse], mk.RequestFromOrder[mk.CreateOrderRequest]]
    | Callable[[mk.ReadOrderResponse], mk.RequestFromOrder[mk.UpdateOrderRequest]],
) -> bool:
    """Whether the order read back is the one *body* asked for (read -> request -> JSON)."""
    try:
        return dump(build(read).request) == body
    except (ValidationError, DealerbridgeUsageError):
        return False


#: Where the notes disagree on a verb or a spelling, the choice is a keyword
#: (notes/decisions-clients.md).
CustomerVerb = Literal["POST", "PUT"]


class MyKaarmaClient:
    """A typed client of the myKaarma order, partner-appointment and customer APIs.

    Basic auth with the ServiceSubscriber *username* and *password*; every request is
    validated (`dealerbridge.dump`) before it is sent and every answer read with
    `dealerbridge.load`. Errors raise `VendorError`; warnings inside a 200 stay on the
    returned response (``.warnings``). Reads and idempotent writes are retried (*retries*
    times) on connection errors, 429 (honouring ``Retry-After``) and 5xx, with jittered
    exponential backoff; a write whose answer was lost is read back before anything is sent
    again, or raised as `UncertainWrite`. ``dry_run=True`` validates and records writes in
    `planned` without sending them (reads are sent). Pass ``transport=fake.transport`` in
    tests.
    """

    def __init__(
        self,
        *,
        username: str,
        password: str,
        department_uuid: str,
        dealer_uuid: str | None = None,
        base_url: str = MYKAARMA_BASE_URL,
        transport: httpx.BaseTransport | None = None,
        retries: int = 2,
        dry_run: bool = False,
        timeout: float = 30.0,
        checksum_header: str = "orderReadChecksum",
        create_customer_method: CustomerVerb = "POST",
        update_customer_method: CustomerVerb = "PUT",
        backoff: float = 0.5,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self._ops = _Operations(
            username=username,
            password=password,
            department_uuid=department_uuid,
            dealer_uuid=dealer_uuid,
            checksum_header=checksum_header,
            create_customer_method=create_customer_method,
            update_customer_method=update_customer_method,
        )
        self._http = httpx.Client(transport=transport, timeout=timeout)
        policy = Policy(retries=retries, backoff=backoff, dry_run=dry_run)
        self._engine = SyncEngine(self._http, base_url, policy, sleep)

    @property
    def planned(self) -> list[PlannedRequest]:
        """The writes a dry run validated and did not send, in order."""
        return self._engine.planned

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> MyKaarmaClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def create_order(self, request: mk.CreateOrderRequest) -> mk.CreateOrderResponse:
        """``PUT /order/v2/department/{dept}/order``. A lost answer is settled by sending it
        again: myKaarma refuses the same order within ±30 days naming it, and the order read
        back must be the one sent."""
        return self._engine.run(self._ops.create_order(request))

    def read_order(self, order_uuid: str) -> mk.ReadOrderResponse:
        """``GET …/global_order/{order_uuid}``: the order and its ``orderReadChecksum``."""
        return self._engine.run(self._ops.read_order(order_uuid))

    def update_order(
        self, order_uuid: str, request: mk.UpdateOrderRequest, *, checksum: str | None = None
    ) -> mk.CreateOrderResponse:
        """Read the order for its checksum (unless *checksum* is given), then ``POST …/order/
        {order_uuid}`` with it in the checksum header. A stale checksum is a `VendorError`."""
        return self._engine.run(self._ops.update_order(order_uuid, request, checksum))

    def upsert_order(self, request: mk.CreateOrderRequest) -> mk.CreateOrderResponse:
        """Create the order, or, when myKaarma answers that the same order number exists
        within ±30 days (naming it), update that order with the same body."""
        return self._engine.run(self._ops.upsert_order(request))

    def search_orders(self, request: mk.SearchOrdersRequest) -> mk.SearchOrdersResponse:
        """``POST …/order/specificSearch``: one page of the orders matching *request*
        (``.orders``, each naming its order) and ``.total_count`` over all pages. Retried
        like a read (it changes nothing)."""
        return self._engine.run(self._ops.search_orders(request))

    def search_all_orders(self, request: mk.SearchOrdersRequest) -> list[mk.SearchOrdersItem]:
        """Every order matching *request*: `search_orders` page after page (from the
        request's ``page_no``, 0 by default, ``size`` 100 by default) until a short or empty
        page or ``totalCount`` orders, de-duplicated by ``orderUuid``; warns
        `IncompleteListWarning` when fewer distinct orders came than ``totalCount``."""
        return self._engine.run(self._ops.search_all_orders(request))

    def create_partner_appointment(
        self,
        request: mk.PartnerAppointmentRequest,
        query: mk.PartnerAppointmentQuery | None = None,
    ) -> mk.PartnerAppointmentResponse:
        """``POST /appointment/v2/dealers/{dealer_uuid}/partner-appointments-with-trip``;
        the page's locally decidable codes are checked first (`ValidationError`)."""
        return self._engine.run(self._ops.create_partner_appointment(request, query))

    def create_customer(self, request: mk.CreateCustomerRequest) -> mk.CreateCustomerResponse:
        """Create a customer (verb: ``create_customer_method``); warnings stay on the answer."""
        return self._engine.run(self._ops.create_customer(request))

    def update_customer(
        self, customer_uuid: str, request: mk.UpdateCustomerRequest
    ) -> mk.UpdateCustomerResponse:
        """Replace a customer (verb: ``update_customer_method``)."""
        return self._engine.run(self._ops.update_customer(customer_uuid, request))

    def read_customer(
        self, customer_uuid: str, *, exclude_vehicles: bool = False
    ) -> mk.ReadCustomerResponse:
        """``GET …/customer/{customer_uuid}?excludeVehicles=…``."""
        return self._engine.run(
            self._ops.read_customer(customer_uuid, exclude_vehicles=exclude_vehicles)
        )

    def search_customers(self, query: mk.SearchCustomersQuery) -> mk.SearchCustomersResponse:
        """``GET …/customer/list`` with the query's parameters."""
        return self._engine.run(self._ops.search_customers(query))


class AsyncMyKaarmaClient:
    """The async twin of `MyKaarmaClient` (same arguments; ``transport`` is an
    `httpx.AsyncBaseTransport`, ``sleep`` a coroutine function)."""

    def __init__(
        self,
        *,
        username: str,
        password: str,
        department_uuid: str,
        dealer_uuid: str | None = None,
        base_url: str = MYKAARMA_BASE_URL,
        transport: httpx.AsyncBaseTransport | None = None,
        retries: int = 2,
        dry_run: bool = False,
        timeout: float = 30.0,
        checksum_header: str = "orderReadChecksum",
        create_customer_method: CustomerVerb = "POST",
        update_customer_method: CustomerVerb = "PUT",
        backoff: float = 0.5,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        self._ops = _Operations(
            username=username,
            password=password,
            department_uuid=department_uuid,
            dealer_uuid=dealer_uuid,
            checksum_header=checksum_header,
            create_customer_method=create_customer_method,
            update_customer_method=update_customer_method,
        )
        self._http = httpx.AsyncClient(transport=transport, timeout=timeout)
        policy = Policy(retries=retries, backoff=backoff, dry_run=dry_run)
        self._engine = AsyncEngine(self._http, base_url, policy, sleep)

    @property
    def planned(self) -> list[PlannedRequest]:
        """The writes a dry run validated and did not send, in order."""
        return self._engine.planned

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncMyKaarmaClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def create_order(self, request: mk.CreateOrderRequest) -> mk.CreateOrderResponse:
        """See `MyKaarmaClient.create_order`."""
        return await self._engine.run(self._ops.create_order(request))

    async def read_order(self, order_uuid: str) -> mk.ReadOrderResponse:
        """See `MyKaarmaClient.read_order`."""
        return await self._engine.run(self._ops.read_order(order_uuid))

    async def update_order(
        self, order_uuid: str, request: mk.UpdateOrderRequest, *, checksum: str | None = None
    ) -> mk.CreateOrderResponse:
        """See `MyKaarmaClient.update_order`."""
        return await self._engine.run(self._ops.update_order(order_uuid, request, checksum))

    async def upsert_order(self, request: mk.CreateOrderRequest) -> mk.CreateOrderResponse:
        """See `MyKaarmaClient.upsert_order`."""
        return await self._engine.run(self._ops.upsert_order(request))

    async def search_orders(self, request: mk.SearchOrdersRequest) -> mk.SearchOrdersResponse:
        """See `MyKaarmaClient.search_orders`."""
        return await self._engine.run(self._ops.search_orders(request))

    async def search_all_orders(self, request: mk.SearchOrdersRequest) -> list[mk.SearchOrdersItem]:
        """See `MyKaarmaClient.search_all_orders`."""
        return await self._engine.run(self._ops.search_all_orders(request))

    async def create_partner_appointment(
        self,
        request: mk.PartnerAppointmentRequest,
        query: mk.PartnerAppointmentQuery | None = None,
    ) -> mk.PartnerAppointmentResponse:
        """See `MyKaarmaClient.create_partner_appointment`."""
        return await self._engine.run(self._ops.create_partner_appointment(request, query))

    async def create_customer(self, request: mk.CreateCustomerRequest) -> mk.CreateCustomerResponse:
        """See `MyKaarmaClient.create_customer`."""
        return await self._engine.run(self._ops.create_customer(request))

    async def update_customer(
        self, customer_uuid: str, request: mk.UpdateCustomerRequest
    ) -> mk.UpdateCustomerResponse:
        """See `MyKaarmaClient.update_customer`."""
        return await self._engine.run(self._ops.update_customer(customer_uuid, request))

    async def read_customer(
        self, customer_uuid: str, *, exclude_vehicles: bool = False
    ) -> mk.ReadCustomerResponse:
        """See `MyKaarmaClient.read_customer`."""
        return await self._engine.run(
            self._ops.read_customer(customer_uuid, exclude_vehicles=exclude_vehicles)
        )

    async def search_customers(self, query: mk.SearchCustomersQuery) -> mk.SearchCustomersResponse:
        """See `MyKaarmaClient.search_customers`."""
        return await self._engine.run(self._ops.search_customers(query))

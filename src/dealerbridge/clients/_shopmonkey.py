"""`ShopmonkeyClient` and `AsyncShopmonkeyClient`: orders and order services (v3)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Literal, TypeVar

import httpx

from .. import shopmonkey as sm
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

__all__ = ["SHOPMONKEY_BASE_URL", "AsyncShopmonkeyClient", "ShopmonkeyClient"]

#: The documented API host (every path starts with ``/v3``).
SHOPMONKEY_BASE_URL = "https://api.shopmonkey.cloud"
#: Shopmonkey serves at most this many rows a page, whatever ``limit`` asks.
PAGE_LIMIT = 100

M = TypeVar("M", bound=Model)
#: Items of a POST /v3/order/:id/service body.
ServiceItem = sm.CreateServiceFromCanned | sm.CreateServiceFromDeferred | sm.CreateCustomService


def _error(
    call: Call, response: httpx.Response, message: str, issues: Sequence[Issue] = ()
) -> VendorError:
    code = text = None
    try:
        envelope = load(sm.ErrorResponse, response.content)
    except ValidationError:
        envelope = None
    if envelope is not None:
        code = envelope.code if isinstance(envelope.code, str) else None
        text = envelope.message if isinstance(envelope.message, str) else None
    url = str(response.request.url) if response.request is not None else call.path
    return VendorError(
        message,
        method=call.method,
        url=url,
        status=response.status_code,
        vendor_code=code,
        vendor_text=text,
        issues=issues,
        request_id=response.headers.get("x-request-id"),
    )


def _answer(call: Call, outcome: Outcome, model: type[M]) -> M:
    response = outcome.response
    assert response is not None
    if response.status_code >= 400:
        raise _error(call, response, "Shopmonkey answered an error")
    try:
        parsed = load(model, response.content)
    except ValidationError as exc:
        message = f"the answer is not a valid {model.__name__}"
        raise _error(call, response, message, exc.issues) from exc
    if getattr(parsed, "success", True) is not True:
        raise _error(call, response, "Shopmonkey answered success: false")
    return parsed


class _Operations:
    def __init__(self, *, api_key: str, order_by_param: str) -> None:
        self.auth = {"authorization": f"Bearer {api_key}"}
        self.order_by_param = order_by_param

    def _call(self, method: str, path: str, **kwargs: object) -> Call:
        return Call(method, path, headers=self.auth, **kwargs)  # type: ignore[arg-type]

    def get_order(self, order_id: str) -> Operation[sm.Order]:
        call = self._call("GET", f"/v3/order/{order_id}", idempotent=True)
        return _answer(call, (yield call), sm.GetOrderResponse).data

    def list_orders(self, page_size: int) -> Operation[list[sm.OrderListRow]]:
        if not 1 <= page_size <= PAGE_LIMIT:
            raise DealerbridgeUsageError(
                f"page_size must be within 1-{PAGE_LIMIT}, not {page_size}"
            )

        def read(number: int) -> Operation[Page[sm.OrderListRow]]:
            skip = number * page_size
            params = {"limit": str(page_size), "skip": str(skip), self.order_by_param: "id"}
            call = self._call("GET", "/v3/order", params=params, idempotent=True)
            page = _answer(call, (yield call), sm.ListOrdersResponse)
            meta = page.meta if isinstance(page.meta, sm.ListOrdersMeta) else None
            total = meta.total if meta is not None and isinstance(meta.total, int) else None
            return Page(page.data, total, last=meta is not None and meta.has_more is False)

        return every_page(
            read,
            size=page_size,
            key=lambda order: order.id,
            shortfall="listed {found} distinct orders but Shopmonkey reported {total}",
        )

    def get_services(self, order_id: str) -> Operation[list[sm.Service]]:
        call = self._call("GET", f"/v3/order/{order_id}/service", idempotent=True)
        return _answer(call, (yield call), sm.GetServicesResponse).data

    def create_services(
        self, order_id: str, request: Sequence[ServiceItem], include_order: bool
    ) -> Operation[sm.CreateServicesResponse]:
        body = dump(list(request))
        load(sm.CreateServicesRequest, body)  # the array schema, not only each item's
        # The services before the write, so that a lost answer can be settled by reading back
        # (no vendor offers idempotency keys): one GET per create.
        before = {s.id for s in (yield from self.get_services(order_id))}
        call = self._call(
            "POST",
            f"/v3/order/{order_id}/service",
            params={"includeOrder": "true" if include_order else "false"},
            body=body,
            send_body=True,
            write=True,
            dry_answer={"success": True, "data": {"services": []}},
        )
        outcome = yield call
        if outcome.uncertain is None:
            return _answer(call, outcome, sm.CreateServicesResponse)
        after = yield from self.get_services(order_id)
        new = [s for s in after if s.id not in before]
        if not new:  # nothing was applied: sending it again is safe
            again = yield call
            if again.uncertain is None:
                return _answer(call, again, sm.CreateServicesResponse)
        elif len(new) == len(body if isinstance(body, list) else ()):
            data: JSON = {"services": [dump(s, validate=False) for s in new]}
            return load(sm.CreateServicesResponse, {"success": True, "data": data})
        raise UncertainWrite(
            f"{len(new)} new service(s) on the order after a lost answer to a create of "
            f"{len(body) if isinstance(body, list) else 0}; reconcile before sending again",
            method=call.method,
            url=call.path,
            cause=outcome.uncertain,
        )

    def update_service(
        self, order_id: str, service_id: str, request: sm.UpdateServiceRequest, include_order: bool
    ) -> Operation[sm.UpdateServiceResponse]:
        call = self._call(
            "PUT",
            f"/v3/order/{order_id}/service/{service_id}",
            params={"includeOrder": "true" if include_order else "false"},
            body=dump(request),
            send_body=True,
            write=True,
            idempotent=True,  # the same members set to the same values
            dry_answer={"success": True, "data": {}},
        )
        return _answer(call, (yield call), sm.UpdateServiceResponse)

    def delete_service(
        self, order_id: str, service_id: str, include_order: bool
    ) -> Operation[sm.DeleteServiceResponse]:
        call = self._call(
            "DELETE",
            f"/v3/order/{order_id}/service/{service_id}",
            params={"includeOrder": "true" if include_order else "false"},
            body={},  # Shopmonkey refuses a DELETE without a body (notes: pitfall 6)
            send_body=True,
            write=True,
            idempotent=True,
            dry_answer={"success": True, "data": {}},
        )
        return _answer(call, (yield call), sm.DeleteServiceResponse)


#: Which query parameter carries the sort: the docs' lowercase ``orderby`` (a later, verified
#: note) or camelCase ``orderBy`` (an earlier note); notes/decisions-clients.md.
OrderByParam = Literal["orderby", "orderBy"]


class ShopmonkeyClient:
    """A typed client of Shopmonkey's orders and order services (v3).

    Bearer auth with *api_key*; requests are validated against our closed request schemas
    before they are sent (Shopmonkey silently ignores what it does not know), answers are
    read with `dealerbridge.load`. Errors raise `VendorError`. Reads, service updates and
    deletes are retried on connection errors, 429 (honouring ``Retry-After``) and 5xx; a
    service create whose answer was lost is read back and raised as `UncertainWrite`.
    ``dry_run=True`` validates and records writes in `planned` without sending them.
    """

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str = SHOPMONKEY_BASE_URL,
        transport: httpx.BaseTransport | None = None,
        retries: int = 2,
        dry_run: bool = False,
        timeout: float = 30.0,
        order_by_param: OrderByParam = "orderby",
        backoff: float = 0.5,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self._ops = _Operations(api_key=api_key, order_by_param=order_by_param)
        self._http = httpx.Client(transport=transport, timeout=timeout)
        policy = Policy(retries=retries, backoff=backoff, dry_run=dry_run)
        self._engine = SyncEngine(self._http, base_url, policy, sleep)

    @property
    def planned(self) -> list[PlannedRequest]:
        """The writes a dry run validated and did not send, in order."""
        return self._engine.planned

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ShopmonkeyClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def get_order(self, order_id: str) -> sm.Order:
        """``GET /v3/order/{order_id}``: the order (``data``), read as `sm.Order`."""
        return self._engine.run(self._ops.get_order(order_id))

    def list_orders(self, *, page_size: int = PAGE_LIMIT) -> list[sm.OrderListRow]:
        """Every order, page by page (``limit`` at most 100, ``skip``, sorted by id),
        de-duplicated by id; an `IncompleteListWarning` when fewer distinct orders came than
        ``meta.total`` said. Rows as the list gives them (`sm.OrderListRow`): without the
        joined customer, vehicle, workflowStatus and the like; `get_order` reads them."""
        return self._engine.run(self._ops.list_orders(page_size))

    def get_services(self, order_id: str) -> list[sm.Service]:
        """``GET /v3/order/{order_id}/service``."""
        return self._engine.run(self._ops.get_services(order_id))

    def create_services(
        self, order_id: str, request: Sequence[ServiceItem], *, include_order: bool = True
    ) -> sm.CreateServicesResponse:
        """``POST /v3/order/{order_id}/service`` with the items of *request*."""
        return self._engine.run(self._ops.create_services(order_id, request, include_order))

    def update_service(
        self,
        order_id: str,
        service_id: str,
        request: sm.UpdateServiceRequest,
        *,
        include_order: bool = True,
    ) -> sm.UpdateServiceResponse:
        """``PUT /v3/order/{order_id}/service/{service_id}``."""
        return self._engine.run(
            self._ops.update_service(order_id, service_id, request, include_order)
        )

    def delete_service(
        self, order_id: str, service_id: str, *, include_order: bool = True
    ) -> sm.DeleteServiceResponse:
        """``DELETE /v3/order/{order_id}/service/{service_id}`` (with the body ``{}``)."""
        return self._engine.run(self._ops.delete_service(order_id, service_id, include_order))


class AsyncShopmonkeyClient:
    """The async twin of `ShopmonkeyClient` (same arguments; ``transport`` is an
    `httpx.AsyncBaseTransport`, ``sleep`` a coroutine function)."""

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str = SHOPMONKEY_BASE_URL,
        transport: httpx.AsyncBaseTransport | None = None,
        retries: int = 2,
        dry_run: bool = False,
        timeout: float = 30.0,
        order_by_param: OrderByParam = "orderby",
        backoff: float = 0.5,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        self._ops = _Operations(api_key=api_key, order_by_param=order_by_param)
        self._http = httpx.AsyncClient(transport=transport, timeout=timeout)
        policy = Policy(retries=retries, backoff=backoff, dry_run=dry_run)
        self._engine = AsyncEngine(self._http, base_url, policy, sleep)

    @property
    def planned(self) -> list[PlannedRequest]:
        """The writes a dry run validated and did not send, in order."""
        return self._engine.planned

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncShopmonkeyClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def get_order(self, order_id: str) -> sm.Order:
        """See `ShopmonkeyClient.get_order`."""
        return await self._engine.run(self._ops.get_order(order_id))

    async def list_orders(self, *, page_size: int = PAGE_LIMIT) -> list[sm.OrderListRow]:
        """See `ShopmonkeyClient.list_orders`."""
        return await self._engine.run(self._ops.list_orders(page_size))

    async def get_services(self, order_id: str) -> list[sm.Service]:
        """See `ShopmonkeyClient.get_services`."""
        return await self._engine.run(self._ops.get_services(order_id))

    async def create_services(
        self, order_id: str, request: Sequence[ServiceItem], *, include_order: bool = True
    ) -> sm.CreateServicesResponse:
        """See `ShopmonkeyClient.create_services`."""
        return await self._engine.run(self._ops.create_services(order_id, request, include_order))

    async def update_service(
        self,
        order_id: str,
        service_id: str,
        request: sm.UpdateServiceRequest,
        *,
        include_order: bool = True,
    ) -> sm.UpdateServiceResponse:
        """See `ShopmonkeyClient.update_service`."""
        return await self._engine.run(
            self._ops.update_service(order_id, service_id, request, include_order)
        )

    async def delete_service(
        self, order_id: str, service_id: str, *, include_order: bool = True
    ) -> sm.DeleteServiceResponse:
        """See `ShopmonkeyClient.delete_service`."""
        return await self._engine.run(self._ops.delete_service(order_id, service_id, include_order))

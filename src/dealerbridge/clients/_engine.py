"""One engine for the sync and async clients.

Each client operation is written once, as a generator that yields the `Call`s it needs and
receives each one's `Outcome` (the flows of several requests: read-checksum-update, upsert,
pagination, reading back an uncertain write). `SyncEngine` and `AsyncEngine` drive it, and
own what is the same for every call: retries with jittered backoff, ``Retry-After``, logging,
dry runs. `every_page` is the one paging loop, shared by the vendors' list-everything
operations (each says how to read one page).

Retry policy: connection errors, timeouts, 429 and 5xx are retried for reads and idempotent
writes (``Call.idempotent``); a 429 is retried for every call (the vendor refused it unread).
A write that is not idempotent and whose answer was lost (a transport error or a 5xx) is
*uncertain*: the engine does not re-send it but hands the operation an `Outcome` with
``uncertain`` set, and the operation reads back (or raises `UncertainWrite`).
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import time
import warnings
from collections.abc import Awaitable, Callable, Generator, Mapping, Sequence
from typing import Generic, TypeAlias, TypeVar

import attrs
import httpx

from .._errors import DealerbridgeUsageError
from .._models import JSON
from ._errors import IncompleteListWarning, VendorError, render_url

__all__ = [
    "AsyncEngine",
    "Call",
    "Operation",
    "Outcome",
    "Page",
    "PlannedRequest",
    "SyncEngine",
    "every_page",
]

log = logging.getLogger("dealerbridge.clients")
T = TypeVar("T")
I = TypeVar("I")  # noqa: E741  (the items of a paged list)

#: Status codes retried (for reads and idempotent writes; 429 for every call).
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@attrs.frozen
class Call:
    """One HTTP request an operation needs."""

    method: str
    path: str
    params: Mapping[str, str] = attrs.field(factory=dict)
    headers: Mapping[str, str] = attrs.field(factory=dict)
    body: JSON | None = None
    send_body: bool = False
    idempotent: bool = False
    write: bool = False
    dry_answer: JSON = None
    """What a dry run answers instead of sending a write (an empty, vendor-shaped envelope)."""


@attrs.frozen
class Outcome:
    """The answer to a `Call`: a response, or the failure that left a write uncertain."""

    response: httpx.Response | None
    uncertain: BaseException | None = None
    dry: bool = False


@attrs.frozen
class PlannedRequest:
    """A write a dry run validated and recorded instead of sending."""

    method: str
    url: str
    body: JSON | None


Operation: TypeAlias = Generator[Call, Outcome, T]


@attrs.frozen
class Page(Generic[I]):
    """One page of a vendor's list, as `every_page` reads it."""

    items: Sequence[I]
    total: int | None = None
    """The vendor's count of items over all pages, when this page gives one."""
    last: bool = False
    """The vendor says no page follows (Shopmonkey's ``meta.hasMore: false``)."""


def every_page(
    read: Callable[[int], Operation[Page[I]]],
    *,
    size: int,
    key: Callable[[I], str | None],
    shortfall: str,
    stop_when_complete: bool = False,
) -> Operation[list[I]]:
    """Every item of a paged list, de-duplicated by *key* (an item whose key is None is
    left out), in the order first seen: ``read(n)`` reads the n-th page (0-based from where
    the walk starts) of *size* items.

    The walk stops after a short page (fewer than *size* items) or one the vendor marks
    `Page.last`; with *stop_when_complete*, also after a page that adds no new item (a vendor
    that repeats a page would otherwise be asked forever) or once as many distinct items as
    the vendor's last reported total have come. When fewer distinct items came than that
    total, it logs and warns `IncompleteListWarning` with *shortfall* (a format string given
    ``found`` and ``total``).

    The one paging loop of the clients (myKaarma's order search, Shopmonkey's order list),
    for the sync and the async engine alike: it is an `Operation`, driven like any other."""
    seen: dict[str, I] = {}
    total: int | None = None
    number = 0
    while True:
        page = yield from read(number)
        if page.total is not None:
            total = page.total
        new = 0
        for item in page.items:
            found = key(item)
            if found is not None and found not in seen:
                seen[found] = item
                new += 1
        number += 1
        if len(page.items) < size or page.last:
            break
        if stop_when_complete and (new == 0 or (total is not None and len(seen) >= total)):
            break
    if total is not None and len(seen) < total:
        message = shortfall.format(found=len(seen), total=total)
        log.warning(message)
        # The caller's line: this generator, the engine's `run`, the client's method.
        warnings.warn(message, IncompleteListWarning, stacklevel=4)
    return list(seen.values())


@attrs.define
class Policy:
    retries: int = 2
    backoff: float = 0.5
    max_backoff: float = 30.0
    max_retry_after: float = 60.0
    dry_run: bool = False
    rng: random.Random = attrs.field(factory=random.Random)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.retries, int) or self.retries < 0:
            raise DealerbridgeUsageError(f"retries must be an int >= 0, not {self.retries!r}")

    def delay(self, attempt: int, response: httpx.Response | None) -> float:
        """Seconds to wait before retry *attempt* (1-based): the ``Retry-After`` the vendor
        sent (capped), else full jitter over an exponential backoff."""
        if response is not None:
            after = retry_after(response.headers.get("retry-after"))
            if after is not None:
                return min(after, self.max_retry_after)
        ceiling = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
        return self.rng.uniform(0, ceiling)


def retry_after(value: str | None) -> float | None:
    """``Retry-After`` as seconds: a number of seconds or an HTTP date; None if absent or bad."""
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = when.timestamp() - time.time()
    return max(0.0, seconds) if seconds == seconds else None  # NaN is not a delay


def _should_retry(
    call: Call, response: httpx.Response | None, attempt: int, policy: Policy
) -> bool:
    if attempt > policy.retries:
        return False
    if response is None:
        return call.idempotent
    if response.status_code == 429:
        return True
    return call.idempotent and response.status_code in RETRY_STATUSES


def _uncertain(call: Call, response: httpx.Response | None) -> bool:
    """A non-idempotent write whose answer was lost or is a server error."""
    if not call.write or call.idempotent:
        return False
    return response is None or response.status_code >= 500


def _log_sent(call: Call, url: str, status: int | None, attempt: int, elapsed: float) -> None:
    if log.isEnabledFor(logging.INFO):
        log.info(
            "%s %s -> %s (attempt %d, %.1f ms)",
            call.method,
            render_url(url),
            status if status is not None else "no answer",
            attempt,
            elapsed * 1000,
        )


class _Base:
    def __init__(self, base_url: str, policy: Policy) -> None:
        self.base_url = base_url.rstrip("/")
        self.policy = policy
        self.planned: list[PlannedRequest] = []

    def _dry(self, call: Call) -> Outcome | None:
        if not (self.policy.dry_run and call.write):
            return None
        url = self.base_url + call.path
        self.planned.append(PlannedRequest(call.method, url, call.body))
        log.info("dry run: %s %s not sent", call.method, render_url(url))
        answer = httpx.Response(200, json=call.dry_answer, request=httpx.Request(call.method, url))
        return Outcome(answer, dry=True)

    def _request(self, client: httpx.Client | httpx.AsyncClient, call: Call) -> httpx.Request:
        kwargs: dict[str, object] = {}
        if call.send_body:
            kwargs["json"] = call.body
        return client.build_request(
            call.method,
            self.base_url + call.path,
            params=dict(call.params),
            headers=dict(call.headers),
            **kwargs,  # type: ignore[arg-type]
        )

    def _settle(
        self,
        call: Call,
        request: httpx.Request,
        response: httpx.Response | None,
        error: httpx.TransportError | None,
        attempt: int,
        started: float,
    ) -> Outcome | None:
        """Log one attempt and decide: ``None`` to retry after the policy's delay, else the
        outcome (a response, or an uncertain write); raises when no answer came at all."""
        _log_sent(
            call,
            str(request.url),
            response.status_code if response is not None else None,
            attempt,
            time.perf_counter() - started,
        )
        if _should_retry(call, response, attempt, self.policy):
            return None
        if _uncertain(call, response):
            return Outcome(response, uncertain=error or _status_error(response))
        if error is not None:
            raise _unreachable(call, str(request.url), attempt) from error
        assert response is not None
        return Outcome(response)


class SyncEngine(_Base):
    """Drives operations over an `httpx.Client`."""

    def __init__(
        self,
        client: httpx.Client,
        base_url: str,
        policy: Policy,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        super().__init__(base_url, policy)
        self.client = client
        self.sleep = sleep if sleep is not None else time.sleep

    def send(self, call: Call) -> Outcome:
        dry = self._dry(call)
        if dry is not None:
            return dry
        attempt = 0
        while True:
            attempt += 1
            request = self._request(self.client, call)
            started = time.perf_counter()
            response: httpx.Response | None = None
            error: httpx.TransportError | None = None
            try:
                response = self.client.send(request)
            except httpx.TransportError as exc:
                error = exc
            outcome = self._settle(call, request, response, error, attempt, started)
            if outcome is None:
                self.sleep(self.policy.delay(attempt, response))
                continue
            return outcome

    def run(self, operation: Operation[T]) -> T:
        try:
            call = next(operation)
            while True:
                call = operation.send(self.send(call))
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]


class AsyncEngine(_Base):
    """Drives operations over an `httpx.AsyncClient`."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        base_url: str,
        policy: Policy,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        super().__init__(base_url, policy)
        self.client = client
        self.sleep = sleep if sleep is not None else asyncio.sleep

    async def send(self, call: Call) -> Outcome:
        dry = self._dry(call)
        if dry is not None:
            return dry
        attempt = 0
        while True:
            attempt += 1
            request = self._request(self.client, call)
            started = time.perf_counter()
            response: httpx.Response | None = None
            error: httpx.TransportError | None = None
            try:
                response = await self.client.send(request)
            except httpx.TransportError as exc:
                error = exc
            outcome = self._settle(call, request, response, error, attempt, started)
            if outcome is None:
                await self.sleep(self.policy.delay(attempt, response))
                continue
            return outcome

    async def run(self, operation: Operation[T]) -> T:
        try:
            call = next(operation)
            while True:
                call = operation.send(await self.send(call))
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]


def _unreachable(call: Call, url: str, attempts: int) -> VendorError:
    return VendorError(
        f"no answer after {attempts} attempt{'s' if attempts != 1 else ''}",
        method=call.method,
        url=url,
        status=None,
    )


def _status_error(response: httpx.Response | None) -> BaseException:
    status = response.status_code if response is not None else None
    return RuntimeError(f"HTTP {status}: the write may have been applied")

"""The machinery both fakes share: routing, the httpx transports and the ASGI app over one
state, the request log, violations, scheduled and seeded faults, webhook deliveries.

A fake is an in-process object. Every request, whichever way it arrives (`FakeVendor.transport`,
`FakeVendor.async_transport`, `FakeVendor.asgi`), goes through `FakeVendor.handle`, which
records it, applies the first matching scheduled fault and answers through the vendor's route.
Nothing here opens a socket or starts a process.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import random
import re
import threading
from collections.abc import Awaitable, Callable, Iterable, Mapping, MutableMapping
from typing import Literal, TypeAlias, cast
from urllib.parse import parse_qsl, urlsplit

import attrs
import httpx

from .._errors import DealerbridgeUsageError, Issue
from .._models import JSON

__all__ = [
    "Delivery",
    "DeliveryOrder",
    "DeliveryResult",
    "FakeVendor",
    "Incoming",
    "Mode",
    "RecordedRequest",
    "Reply",
    "Violation",
]

Mode: TypeAlias = Literal["strict", "faithful"]
DeliveryOrder: TypeAlias = Literal["fifo", "shuffled", "duplicated", "stale", "forged"]
FaultKind: TypeAlias = Literal["status", "timeout", "reset", "malformed", "lost"]

#: An ASGI application (``scope, receive, send``).
ASGIApp: TypeAlias = Callable[
    [
        MutableMapping[str, object],
        Callable[[], Awaitable[MutableMapping[str, object]]],
        Callable[[MutableMapping[str, object]], Awaitable[None]],
    ],
    Awaitable[None],
]
#: A webhook receiver: an ASGI app, or a callable taking ``(body, headers)``.
WebhookTarget: TypeAlias = ASGIApp | Callable[[bytes, dict[str, str]], object]


@attrs.frozen
class RecordedRequest:
    """One request the fake received, as received, with the status it answered."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    """Header names lower-cased."""
    body: bytes
    status: int
    """The status answered (0 when a fault answered with no response at all)."""

    def json(self) -> JSON:
        """The body read as JSON (``None`` for an empty body)."""
        return json.loads(self.body) if self.body else None


@attrs.frozen
class Violation:
    """A request the real vendor would reject or silently mangle."""

    method: str
    path: str
    rule: str
    """What was broken: a schema name (``mykaarma/create-order-request``), a vendor code
    (``PARTNER_TRIP_INFORMATION_REQUIRED``) or a fake rule (``auth``, ``checksum``)."""
    message: str
    issues: tuple[Issue, ...] = ()

    def __str__(self) -> str:
        head = f"{self.method} {self.path}: {self.rule}: {self.message}"
        return head + "".join(f"\n    {issue}" for issue in self.issues)


@attrs.frozen
class Delivery:
    """One webhook delivery the fake queued after a write: the exact bytes and headers the
    vendor would send, signed with its scheme."""

    body: bytes
    headers: dict[str, str]
    key: str
    """The record the delivery is about (a myKaarma order uuid, a Shopmonkey row id): the
    ``stale`` order redelivers superseded deliveries of the same key."""


@attrs.frozen
class DeliveryResult:
    """What the target answered to one delivery: the HTTP status for an ASGI app, the return
    value for a callable (``None`` when it raised; then ``error`` holds the exception)."""

    delivery: Delivery
    status: int | None
    value: object = None
    error: BaseException | None = None


@attrs.frozen
class Incoming:
    """A request as a route sees it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes


@attrs.frozen
class Reply:
    """A route's answer."""

    status: int
    body: bytes
    headers: dict[str, str] = attrs.field(factory=dict)

    @classmethod
    def of_json(cls, status: int, value: JSON, headers: Mapping[str, str] = {}) -> Reply:
        data = json.dumps(value, separators=(",", ":")).encode()
        return cls(status, data, {"content-type": "application/json", **headers})


@attrs.define
class _Fault:
    method: str
    path: re.Pattern[str]
    kind: FaultKind
    times: int
    status: int = 500
    body: JSON = None
    retry_after: float | None = None


Route: TypeAlias = Callable[[Incoming, "re.Match[str]"], Reply]


class FakeVendor:
    """Shared base of `FakeMyKaarma` and `FakeShopmonkey` (not used directly)."""

    _routes: list[tuple[str, re.Pattern[str], Route]]

    def __init__(self, *, mode: Mode = "strict", seed: int = 0, base_url: str) -> None:
        if mode not in ("strict", "faithful"):
            raise DealerbridgeUsageError(f"mode must be 'strict' or 'faithful', not {mode!r}")
        self.mode: Mode = mode
        self.seed = seed
        self.base_url = base_url
        self.requests: list[RecordedRequest] = []
        """Every request received, in order."""
        self.violations: list[Violation] = []
        """Requests the real vendor would reject or silently mangle (the pytest fixtures fail
        the test at teardown while this is not empty)."""
        self.deliveries: list[Delivery] = []
        """Webhook deliveries queued by writes, oldest first, not yet delivered."""
        self._random = random.Random(seed)
        self._faults: list[_Fault] = []
        self._lock = threading.RLock()
        self._routes = []

    # ------------------------------------------------------------------ faults

    def fail(
        self,
        method: str,
        path_regex: str,
        *,
        status: int,
        times: int = 1,
        retry_after: float | None = None,
        body: JSON = None,
    ) -> None:
        """Answer the next *times* requests whose method is *method* (``"*"``: any) and whose
        path matches *path_regex* (``re.search``) with *status* and the vendor's error body
        (or *body*), without touching the state; ``retry_after`` adds a ``Retry-After``
        header (seconds)."""
        self._schedule(method, path_regex, "status", times, status, body, retry_after)

    def lose_response(self, method: str, path_regex: str, *, times: int = 1) -> None:
        """The next *times* matching requests are handled (a write commits) but the client
        sees a read timeout instead of the answer."""
        self._schedule(method, path_regex, "lost", times)

    def time_out(self, method: str, path_regex: str, *, times: int = 1) -> None:
        """The next *times* matching requests time out before the fake handles them."""
        self._schedule(method, path_regex, "timeout", times)

    def reset(self, method: str, path_regex: str, *, times: int = 1) -> None:
        """The next *times* matching requests meet a connection reset (not handled)."""
        self._schedule(method, path_regex, "reset", times)

    def malformed(self, method: str, path_regex: str, *, times: int = 1) -> None:
        """The next *times* matching requests are handled but answered 200 with a body that
        is not JSON (cut off mid-document)."""
        self._schedule(method, path_regex, "malformed", times)

    def chaos(
        self,
        rate: float,
        *,
        kinds: Iterable[FaultKind] = ("status", "timeout", "reset", "lost"),
        count: int = 100,
        method: str = "*",
        path_regex: str = "",
    ) -> None:
        """Schedule faults at random, from the fake's seed: each of the next *count* matching
        requests meets one of *kinds* with probability *rate*. The same seed gives the same
        faults on the same requests, so a failing run repeats exactly."""
        if not 0 <= rate <= 1:
            raise DealerbridgeUsageError(f"rate must be within [0, 1], not {rate!r}")
        choices = list(kinds)
        plan: list[FaultKind | None] = [
            self._random.choice(choices) if self._random.random() < rate else None
            for _ in range(count)
        ]
        self._chaos = (method.upper(), re.compile(path_regex), plan)

    _chaos: tuple[str, re.Pattern[str], list[FaultKind | None]] | None = None

    def _schedule(
        self,
        method: str,
        path_regex: str,
        kind: FaultKind,
        times: int,
        status: int = 500,
        body: JSON = None,
        retry_after: float | None = None,
    ) -> None:
        if times < 1:
            raise DealerbridgeUsageError(f"times must be at least 1, not {times!r}")
        if not 100 <= status <= 599:
            raise DealerbridgeUsageError(f"status must be an HTTP status, not {status!r}")
        pattern = re.compile(path_regex)
        self._faults.append(_Fault(method.upper(), pattern, kind, times, status, body, retry_after))

    def _take_fault(self, method: str, path: str) -> _Fault | None:
        for fault in self._faults:
            if fault.method in ("*", method) and fault.path.search(path):
                fault.times -= 1
                if fault.times == 0:
                    self._faults.remove(fault)
                return fault
        if self._chaos is not None:
            chaos_method, pattern, plan = self._chaos
            if chaos_method in ("*", method) and pattern.search(path) and plan:
                kind = plan.pop(0)
                if kind is not None:
                    return _Fault(method, pattern, kind, 1, 503, None, None)
        return None

    # ------------------------------------------------------------------ handling

    def error_body(self, status: int, message: str, path: str = "") -> JSON:
        """The vendor's error envelope for a failure of *status* on *path* (per vendor)."""
        raise NotImplementedError

    def handle(self, method: str, url: str, headers: Mapping[str, str], body: bytes) -> Reply:
        """Answer one request (every transport calls this). Raises `httpx.TimeoutException`
        or `httpx.NetworkError` subclasses for the transport faults (the ASGI app turns them
        into an aborted response)."""
        parts = urlsplit(url)
        path = parts.path
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        lowered = {k.lower(): v for k, v in headers.items()}
        method = method.upper()
        with self._lock:
            fault = self._take_fault(method, path)
            if fault is not None and fault.kind != "lost" and fault.kind != "malformed":
                status = fault.status if fault.kind == "status" else 0
                self.requests.append(RecordedRequest(method, path, query, lowered, body, status))
                if fault.kind == "timeout":
                    raise httpx.ReadTimeout(f"fake timeout on {method} {path}")
                if fault.kind == "reset":
                    raise httpx.RemoteProtocolError(f"fake connection reset on {method} {path}")
                extra = {}
                if fault.retry_after is not None:
                    extra["retry-after"] = _seconds(fault.retry_after)
                value = fault.body if fault.body is not None else self.error_body(status, "", path)
                return Reply.of_json(status, value, extra)
            reply = self._route(Incoming(method, path, query, lowered, body))
            self.requests.append(RecordedRequest(method, path, query, lowered, body, reply.status))
            if fault is not None and fault.kind == "lost":
                raise httpx.ReadTimeout(f"fake lost response on {method} {path} (committed)")
            if fault is not None and fault.kind == "malformed":
                return Reply(200, reply.body[: max(1, len(reply.body) // 2)], reply.headers)
            return reply

    def _route(self, request: Incoming) -> Reply:
        allowed = []
        for method, pattern, route in self._routes:
            match = pattern.fullmatch(request.path)
            if match is None:
                continue
            if method != request.method:
                allowed.append(method)
                continue
            return route(request, match)
        if allowed:
            self.violate(request, "method", f"{request.method} is not served here (use {allowed})")
            return Reply.of_json(405, self.error_body(405, "Method not allowed", request.path))
        self.violate(request, "route", "no such endpoint")
        return Reply.of_json(404, self.error_body(404, "Route not found", request.path))

    def violate(
        self, request: Incoming, rule: str, message: str, issues: Iterable[Issue] = ()
    ) -> None:
        """Record a violation of *rule* by *request*."""
        self.violations.append(
            Violation(request.method, request.path, rule, message, tuple(issues))
        )

    def new_id(self, length: int = 43) -> str:
        """A fresh identifier from the fake's seeded generator (repeatable per seed)."""
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
        return "".join(self._random.choice(alphabet) for _ in range(length))

    def new_uuid(self) -> str:
        """A fresh RFC 4122 version-4 uuid string from the seeded generator."""
        value = self._random.getrandbits(128)
        value = (value & ~(0xF000 << 64)) | (0x4000 << 64)
        value = (value & ~(0xC000 << 48)) | (0x8000 << 48)
        text = f"{value:032x}"
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"

    # ------------------------------------------------------------------ serving

    @property
    def transport(self) -> httpx.BaseTransport:
        """An httpx transport serving this fake: ``httpx.Client(transport=fake.transport)``."""
        return _SyncTransport(self)

    @property
    def async_transport(self) -> httpx.AsyncBaseTransport:
        """The async twin of `transport`, over the same state."""
        return _AsyncTransport(self)

    @property
    def asgi(self) -> ASGIApp:
        """An ASGI app serving this fake, over the same state (for Schemathesis, Starlette's
        ``TestClient``, or ``httpx.ASGITransport``)."""
        return _AsgiApp(self)

    # ------------------------------------------------------------------ webhooks

    def queue(self, delivery: Delivery) -> None:
        """Queue *delivery* (a write calls this)."""
        self.deliveries.append(delivery)

    def sign(self, body: bytes, *, forged: bool = False, stale: bool = False) -> dict[str, str]:
        """The headers the vendor sends with *body* (overridden per vendor)."""
        raise NotImplementedError

    def _arranged(self, order: DeliveryOrder) -> list[Delivery]:
        queued = list(self.deliveries)
        if order == "fifo":
            return queued
        if order == "shuffled":
            self._random.shuffle(queued)
            return queued
        if order == "duplicated":
            return [again for d in queued for again in (d, self.redelivered(d))]
        if order == "stale":
            latest = {d.key: i for i, d in enumerate(queued)}
            superseded = [d for i, d in enumerate(queued) if latest[d.key] != i]
            return queued + [self.redelivered(d, stale=True) for d in superseded]
        if order == "forged":
            return [attrs.evolve(d, headers=self.sign(d.body, forged=True)) for d in queued]
        raise DealerbridgeUsageError(
            f"order must be fifo, shuffled, duplicated, stale or forged, not {order!r}"
        )

    def redelivered(self, delivery: Delivery, *, stale: bool = False) -> Delivery:
        """*delivery* sent again as the vendor retries it (overridden per vendor)."""
        return delivery

    def deliver(
        self, target: WebhookTarget, *, order: DeliveryOrder = "fifo", path: str = "/"
    ) -> list[DeliveryResult]:
        """Send every queued delivery to *target* in *order*, then empty the queue.

        *target* is an ASGI app (each delivery is a ``POST`` to *path* with the vendor's
        headers) or a
        callable taking ``(body: bytes, headers: dict[str, str])``. ``"shuffled"`` permutes
        them with the fake's seed; ``"duplicated"`` sends each twice, the second time as the
        vendor's retry; ``"stale"`` sends them in order, then each one a later delivery
        superseded again, as a late retry; ``"forged"`` signs each with a wrong secret. A
        callable that raises is recorded in the result, not propagated."""
        arranged = self._arranged(order)
        self.deliveries.clear()
        if _is_asgi(target):
            app = target
            return _run(_deliver_asgi(app, arranged, path))  # type: ignore[arg-type]
        results = []
        for delivery in arranged:
            try:
                value = cast(Callable[[bytes, dict[str, str]], object], target)(
                    delivery.body, dict(delivery.headers)
                )
            except Exception as exc:  # the receiver's failure is a result, not ours
                results.append(DeliveryResult(delivery, None, None, exc))
                continue
            status = value if isinstance(value, int) and not isinstance(value, bool) else None
            results.append(DeliveryResult(delivery, status, value))
        return results

    async def adeliver(
        self, target: ASGIApp, *, order: DeliveryOrder = "fifo", path: str = "/"
    ) -> list[DeliveryResult]:
        """`deliver` to an ASGI app from async code (inside a running event loop)."""
        arranged = self._arranged(order)
        self.deliveries.clear()
        return await _deliver_asgi(target, arranged, path)


def _seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _is_asgi(target: object) -> bool:
    call = getattr(target, "__call__", None)  # noqa: B004  (the bound method is inspected)
    return inspect.iscoroutinefunction(target) or inspect.iscoroutinefunction(call)


def _run(awaitable: Awaitable[list[DeliveryResult]]) -> list[DeliveryResult]:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(_as_coroutine(awaitable))
    raise DealerbridgeUsageError(
        "deliver() to an ASGI app was called inside a running event loop; use adeliver()"
    )


async def _as_coroutine(awaitable: Awaitable[list[DeliveryResult]]) -> list[DeliveryResult]:
    return await awaitable


async def _deliver_asgi(
    app: ASGIApp, deliveries: list[Delivery], path: str
) -> list[DeliveryResult]:
    results = []
    for delivery in deliveries:
        status = await _post_asgi(app, path, delivery.body, delivery.headers)
        results.append(DeliveryResult(delivery, status))
    return results


async def _post_asgi(app: ASGIApp, path: str, body: bytes, headers: Mapping[str, str]) -> int:
    scope: MutableMapping[str, object] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
    }
    sent = False
    status = 0

    async def receive() -> MutableMapping[str, object]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: MutableMapping[str, object]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            value = message["status"]
            status = value if isinstance(value, int) else 0

    await app(scope, receive, send)
    return status


class _SyncTransport(httpx.BaseTransport):
    def __init__(self, fake: FakeVendor) -> None:
        self._fake = fake

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        try:
            reply = self._fake.handle(request.method, str(request.url), request.headers, body)
        except httpx.TransportError as exc:
            exc.request = request
            raise
        return httpx.Response(reply.status, headers=reply.headers, content=reply.body)


class _AsyncTransport(httpx.AsyncBaseTransport):
    def __init__(self, fake: FakeVendor) -> None:
        self._fake = fake

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        try:
            reply = self._fake.handle(request.method, str(request.url), request.headers, body)
        except httpx.TransportError as exc:
            exc.request = request
            raise
        return httpx.Response(reply.status, headers=reply.headers, content=reply.body)


class _AsgiApp:
    def __init__(self, fake: FakeVendor) -> None:
        self._fake = fake

    async def __call__(
        self,
        scope: MutableMapping[str, object],
        receive: Callable[[], Awaitable[MutableMapping[str, object]]],
        send: Callable[[MutableMapping[str, object]], Awaitable[None]],
    ) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        chunks = []
        while True:
            message = await receive()
            chunk = message.get("body", b"")
            chunks.append(chunk if isinstance(chunk, bytes) else b"")
            if not message.get("more_body"):
                break
        raw_headers = scope.get("headers") or []
        assert isinstance(raw_headers, Iterable)
        headers = {bytes(k).decode("latin-1"): bytes(v).decode("latin-1") for k, v in raw_headers}
        query = scope.get("query_string") or b""
        assert isinstance(query, bytes)
        path = scope.get("path")
        method = scope.get("method")
        assert isinstance(path, str) and isinstance(method, str)
        url = self._fake.base_url + path + ("?" + query.decode("latin-1") if query else "")
        reply = self._fake.handle(method, url, headers, b"".join(chunks))
        await send(
            {
                "type": "http.response.start",
                "status": reply.status,
                "headers": [(k.encode(), v.encode()) for k, v in reply.headers.items()],
            }
        )
        await send({"type": "http.response.body", "body": reply.body})

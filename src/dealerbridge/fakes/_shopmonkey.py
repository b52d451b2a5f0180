"""`FakeShopmonkey`: Shopmonkey's orders and order services (v3), in process.

Request bodies are checked with `dealerbridge.errors` on our closed request schemas; every
answer is read with `dealerbridge.load` first. Service rows are completed from our response
schema (`_fill`); a written service's EPA, shop supplies and tax are computed (`_charges`,
a reading of ours: notes/decisions-fakes.md "Tax, EPA and shop supplies"), its other
``calculated*Cents`` and ``totalCents`` are set by `sm.service_totals`, and the order's
category totals are the sums of its services', so the order and its services always agree.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import hmac
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import cast

from standardwebhooks.webhooks import Webhook

from .. import shopmonkey as sm
from .._errors import Issue, ValidationError
from .._json import parse_json
from .._models import JSON, Model, dump, load
from .._render import redaction
from .._validation import errors
from ..shopmonkey._totals import ORDER_CATEGORIES, exact
from ._core import Delivery, FakeVendor, Incoming, Mode, Reply
from ._fill import fill_required

__all__ = ["LIST_LIMIT", "FakeShopmonkey"]

#: The page size Shopmonkey clamps ``limit`` to, whatever the request says
#: (notes/decisions-shopmonkey-evidence.md §4 pitfall 3; "Page size is capped at 100" in an
#: integrator's docs/shopmonkey-api-query-grammar.md, in the public repository
#: github.com/ngsalmon/ssw_shopmonkey_scheduler).
LIST_LIMIT = 100

_ORDER = r"/v3/order/(?P<order>[^/]+)"
_LINE_KINDS = ("labors", "parts", "tires", "fees", "subcontracts")
_LINE_SCHEMA = {
    "labors": "shopmonkey/labor",
    "parts": "shopmonkey/part",
    "tires": "shopmonkey/tire",
    "fees": "shopmonkey/fee",
    "subcontracts": "shopmonkey/subcontract",
}
#: What Shopmonkey stores for a line-item member a request leaves out (CJV CHANGELOG 1.1.0:
#: labor "saved with hours: 1" and parts with "retailCostCents: 0").
_LINE_DEFAULTS: dict[str, dict[str, JSON]] = {
    "labors": {"hours": 1, "multiplier": 1, "rateCents": 0},
    "parts": {"quantity": 1, "retailCostCents": 0},
    "tires": {"quantity": 1, "retailCostCents": 0},
    "subcontracts": {"retailCostCents": 0, "costCents": 0},
    "fees": {"amountCents": 0},
}
#: Order category totals -> the service field summed into them.
_ORDER_SUMS = {**dict(ORDER_CATEGORIES), "totalCostCents": "totalCents"}


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{moment.microsecond // 1000:03d}Z"
    )


class FakeShopmonkey(FakeVendor):
    """A stateful in-process Shopmonkey: ``GET /v3/order`` (paginated, ``limit`` capped at
    100), ``GET /v3/order/:id``, and ``GET``/``POST``/``PUT``/``DELETE`` of an order's
    services, with Bearer auth and the ``{success, data}`` envelopes.

    ``mode="strict"`` (default) refuses a body our closed request schemas refuse (400 in
    Shopmonkey's error envelope) and records it; ``mode="faithful"`` answers as Shopmonkey is
    documented to: the offending members are dropped, defaults stored, 200 answered (the
    violation is still recorded), and the last page of a list repeats a row while
    ``meta.total`` over-counts (QUIRKS README; DASH "sweep + union by id").
    """

    def __init__(
        self,
        *,
        mode: Mode = "strict",
        seed: int = 0,
        api_key: str = "fake-shopmonkey-key",
        webhook_secret: str | None = None,
        company_id: str = "5f9c2a7e1d4b3c0012ab34cd",
        location_id: str = "5f9c2a7e1d4b3c0012ab34ce",
        base_url: str = "https://api.shopmonkey.cloud",
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        super().__init__(mode=mode, seed=seed, base_url=base_url)
        self.api_key = api_key
        self.webhook_secret = webhook_secret or "whsec_" + base64.b64encode(
            bytes(self._random.getrandbits(8) for _ in range(24))
        ).decode("ascii")
        """The Standard Webhooks secret (``whsec_<base64>``) deliveries are signed with."""
        self.company_id = company_id
        self.location_id = location_id
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self.orders: dict[str, dict[str, JSON]] = {}
        """Orders as ``GET /v3/order/:id`` answers them (``data``), by id."""
        self.services: dict[str, list[dict[str, JSON]]] = {}
        """Each order's services as ``GET /v3/order/:id/service`` answers them."""
        self.canned_services: dict[str, dict[str, JSON]] = {}
        """Canned services a ``fromCannedServiceId`` item copies, by id."""
        self._routes = [
            ("GET", re.compile(r"/v3/order/?"), self._list_orders),
            ("GET", re.compile(_ORDER + r"/?"), self._get_order),
            ("GET", re.compile(_ORDER + r"/service/?"), self._get_services),
            ("POST", re.compile(_ORDER + r"/service/?"), self._create_services),
            ("PUT", re.compile(_ORDER + r"/service/(?P<service>[^/]+)"), self._update_service),
            ("DELETE", re.compile(_ORDER + r"/service/(?P<service>[^/]+)"), self._delete_service),
        ]

    # ------------------------------------------------------------------ seeding

    def add_order(
        self, order: sm.Order | Mapping[str, JSON], services: Iterable[sm.Service | JSON] = ()
    ) -> str:
        """Store *order* (an `sm.Order` or its JSON) with *services* (models or JSON) and
        return its id. The services' and the order's totals are recomputed so they agree."""
        value = _json(order)
        checked = dump(load(sm.Order, value), validate=False)
        assert isinstance(checked, dict)
        order_id = cast(str, checked["id"])
        self.orders[order_id] = checked
        rows = []
        for service in services:
            row = _json(service)
            row["orderId"] = order_id
            rows.append(self._with_totals(row))
        self.services[order_id] = rows
        self._order_totals(order_id)
        return order_id

    def add_canned_service(self, service: sm.Service | Mapping[str, JSON]) -> str:
        """Store a canned service (a `sm.Service` or its JSON) for ``fromCannedServiceId``."""
        row = _json(service)
        load(sm.Service, row)
        service_id = cast(str, row["id"])
        self.canned_services[service_id] = row
        return service_id

    # ------------------------------------------------------------------ plumbing

    def error_body(self, status: int, message: str, path: str = "") -> JSON:
        text = {
            401: "Unauthorized",
            403: "Forbidden",
            404: "Not found",
            429: "Too many requests",
        }.get(status, "Internal error" if status >= 500 else "Bad request")
        return {"success": False, "message": message or text}

    def _reply(self, model: type[Model], value: dict[str, JSON], status: int = 200) -> Reply:
        load(model, value)
        return Reply.of_json(status, value)

    def _error(self, status: int, message: str, code: str | None = None) -> Reply:
        value: dict[str, JSON] = {"success": False, "message": message}
        if code is not None:
            value["code"] = code
        return self._reply(sm.ErrorResponse, value, status)

    def _denied(self, request: Incoming) -> Reply | None:
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {self.api_key}".encode()):
            self.violate(request, "auth", "missing or wrong Bearer API key")
            return self._error(401, "Unauthorized")
        return None

    def _now(self) -> str:
        return _stamp(self._clock())

    def _body(self, request: Incoming, schema: str) -> tuple[JSON, Reply | None]:
        """The request body checked against *schema*: refused (strict), or with the members
        the issues point at dropped, as Shopmonkey silently ignores them (faithful)."""
        try:  # the strict reader a user calls: duplicate keys, lone surrogates, depth
            body = cast(JSON, parse_json(request.body)) if request.body else None
        except ValidationError as exc:
            self.violate(request, "json", "the body is not strict JSON", list(exc.issues))
            return None, self._error(400, "Invalid JSON body")
        issues = errors(body, schema)
        if not issues:
            return body, None
        self.violate(request, schema, f"{len(issues)} issue(s)", issues)
        if self.mode == "faithful":
            with redaction("off"):  # the paths as data: unknown member names unredacted
                repaired = _drop(body, errors(body, schema))
            if not errors(repaired, schema):
                return repaired, None
        return None, self._error(400, "; ".join(f"{i.path or '/'}: {i.message}" for i in issues))

    def _order(self, request: Incoming, order_id: str) -> Reply | None:
        if order_id in self.orders:
            return None
        self.violate(request, "not-found", f"no order {order_id}")
        return self._error(404, "Order not found")

    def _with_totals(self, row: dict[str, JSON], *, charges: bool = False) -> dict[str, JSON]:
        """*row* with its totals set by `sm.service_totals`; with *charges* (a service written
        through the API) its EPA, shop supplies and tax computed first (`_charges`)."""
        service = load(sm.Service, row)
        if charges:
            row = {**row, **_charges(service)}
            service = load(sm.Service, row)
        totals = sm.service_totals(service).by_field()
        _check_int64(totals.values())
        row = {**row, **totals}
        load(sm.Service, row)
        return row

    def _order_totals(self, order_id: str) -> None:
        order = self.orders[order_id]
        rows = self.services.get(order_id, [])
        sums = {
            key: sum(cast(int, row.get(field) or 0) for row in rows)
            for key, field in _ORDER_SUMS.items()
        }
        paid = order.get("paidCostCents")
        total = sums.get("totalCostCents", cast(int, order["totalCostCents"]))
        remaining = total - (paid if isinstance(paid, int) else 0)
        _check_int64([*sums.values(), remaining])
        order.update(sums)
        order["remainingCostCents"] = remaining
        order["updatedDate"] = self._now()
        load(sm.Order, order)

    def _bad_include(self, request: Incoming) -> Reply | None:
        """``includeOrder`` is ``true`` or ``false`` (shopmonkey/service-query); anything else
        is refused before the request changes anything."""
        flag = request.query.get("includeOrder")
        if flag is None or flag in ("true", "false"):
            return None
        self.violate(request, "schema", f"includeOrder must be true or false, not {flag!r}")
        return self._error(400, "includeOrder must be true or false")

    def _include_order(self, request: Incoming, order_id: str) -> dict[str, JSON]:
        flag = request.query.get("includeOrder", "true").lower()
        return {"order": copy.deepcopy(self.orders[order_id])} if flag != "false" else {}

    # ------------------------------------------------------------------ webhooks

    def _queue_change(
        self, table: str, operation: str, row: dict[str, JSON], diff: Sequence[str] = ()
    ) -> None:
        event: dict[str, JSON] = {
            "apiVersion": "3",
            "operation": operation,
            "table": table,
            "data": copy.deepcopy(row),
        }
        if operation == "UPDATE":
            event["diff"] = list(diff)
        body = json.dumps(event, separators=(",", ":")).encode()
        sm.parse_webhook(body)  # a delivery must pass our own receiving code
        self.queue(Delivery(body, self.sign(body), cast(str, row["id"])))

    def sign(self, body: bytes, *, forged: bool = False, stale: bool = False) -> dict[str, str]:
        moment = self._clock() - (dt.timedelta(minutes=10) if stale else dt.timedelta(0))
        message_id = "msg_" + self.new_id(24)
        secret = self.webhook_secret
        if forged:
            secret = "whsec_" + base64.b64encode(b"forged-" + secret.encode()[-17:]).decode()
        signature = Webhook(secret).sign(message_id, moment, body.decode("utf-8"))
        return {
            "content-type": "application/json",
            "user-agent": "Shopmonkey (+https://shopmonkey.io)",
            "webhook-id": message_id,
            "webhook-timestamp": str(int(moment.timestamp())),
            "webhook-signature": signature,
            "webhook-version": "3",
            "x-attempt": "1",
            "x-request-id": self.new_uuid(),
        }

    def redelivered(self, delivery: Delivery, *, stale: bool = False) -> Delivery:
        """A retry: Shopmonkey gives each attempt its own ``webhook-id``
        (notes/decisions-shopmonkey-webhooks.md) and a fresh signature; ``X-Attempt`` counts
        up."""
        headers = self.sign(delivery.body, stale=stale)
        attempt = int(delivery.headers.get("x-attempt", "1")) + 1
        headers["x-attempt"] = str(attempt)
        return Delivery(delivery.body, headers, delivery.key)

    # ------------------------------------------------------------------ orders

    def _list_orders(self, request: Incoming, match: re.Match[str]) -> Reply:
        denied = self._denied(request)
        if denied:
            return denied
        paging: dict[str, JSON] = {}
        for key in ("limit", "skip", "orderby"):  # as the list-orders-query schema types them
            if key in request.query:
                text = request.query[key]
                number = key != "orderby" and re.fullmatch(r"-?[0-9]{1,30}", text)
                paging[key] = int(text) if number else text
        issues = errors(paging, "shopmonkey/list-orders-query")
        if issues:
            self.violate(request, "shopmonkey/list-orders-query", f"{len(issues)} issue(s)", issues)
            return self._error(400, "; ".join(f"{i.path}: {i.message}" for i in issues))
        limit = cast(int, paging.get("limit", 10))
        skip = cast(int, paging.get("skip", 0))
        if limit > LIST_LIMIT:
            self.violate(request, "limit", f"limit {limit} is silently clamped to {LIST_LIMIT}")
        limit = max(1, min(limit, LIST_LIMIT))
        skip = max(0, skip)
        rows = sorted(self.orders.values(), key=lambda o: cast(str, o["id"]))
        page = [_list_row(o) for o in rows[skip : skip + limit]]
        total = len(rows)
        if self.mode == "faithful" and rows and skip + limit >= total and skip > 0:
            # the tail page repeats the previous page's last row and meta.total over-counts
            page.insert(0, _list_row(rows[skip - 1]))
            total += 1
        value: dict[str, JSON] = {
            "success": True,
            "data": cast(JSON, page),
            "meta": {"total": total, "hasMore": skip + limit < len(rows)},
        }
        return self._reply(sm.ListOrdersResponse, value)

    def _get_order(self, request: Incoming, match: re.Match[str]) -> Reply:
        denied = self._denied(request) or self._order(request, match["order"])
        if denied:
            return denied
        order = copy.deepcopy(self.orders[match["order"]])
        return self._reply(sm.GetOrderResponse, {"success": True, "data": order})

    # ------------------------------------------------------------------ services

    def _get_services(self, request: Incoming, match: re.Match[str]) -> Reply:
        denied = self._denied(request) or self._order(request, match["order"])
        if denied:
            return denied
        rows = copy.deepcopy(self.services.get(match["order"], []))
        return self._reply(sm.GetServicesResponse, {"success": True, "data": cast(JSON, rows)})

    def _new_service(self, order_id: str, item: dict[str, JSON]) -> dict[str, JSON]:
        now = self._now()
        service_id = self.new_uuid()
        common: dict[str, JSON] = {
            "companyId": self.company_id,
            "locationId": self.location_id,
            "orderId": order_id,
            "createdDate": now,
            "updatedDate": now,
        }
        row: dict[str, JSON] = {k: v for k, v in item.items() if k not in _LINE_KINDS}
        row.update(common, id=service_id)
        row.setdefault("name", "")
        for kind in _LINE_KINDS:
            lines = []
            for n, line in enumerate(cast(list[dict[str, JSON]], item.get(kind) or [])):
                full: dict[str, JSON] = {**_LINE_DEFAULTS[kind], **line, **common}
                full.update(id=self.new_uuid(), serviceId=service_id)
                full.setdefault("ordinal", n + 1)
                full.setdefault("name", "")
                lines.append(fill_required(_LINE_SCHEMA[kind], full, new_id=self.new_uuid, now=now))
            row[kind] = cast(JSON, lines)
        for prefix in ("epa", "shopSupplies", "tax"):
            # the input the request set says which applies, when it names no value type
            if f"{prefix}ValueType" not in row and f"{prefix}Cents" in row:
                row[f"{prefix}ValueType"] = "FixedCents"
        row = fill_required("shopmonkey/service", row, new_id=self.new_uuid, now=now)
        return self._with_totals(row, charges=True)

    def _create_services(self, request: Incoming, match: re.Match[str]) -> Reply:
        denied = (
            self._denied(request)
            or self._order(request, match["order"])
            or self._bad_include(request)
        )
        if denied:
            return denied
        order_id = match["order"]
        body, bad = self._body(request, "shopmonkey/create-services-request")
        if bad:
            return bad
        existing = self.services.setdefault(order_id, [])
        before = list(existing)
        try:
            created = self._add_services(request, order_id, existing, body)
        except _TotalsOverflow as exc:
            existing[:] = before
            return self._error(400, str(exc))
        if isinstance(created, Reply):
            return created
        for row in created:
            self._queue_change("service", "INSERT", row)
        self._queue_change("order", "UPDATE", self.orders[order_id], list(_ORDER_SUMS))
        data: dict[str, JSON] = {"services": cast(JSON, copy.deepcopy(created))}
        data.update(self._include_order(request, order_id))
        return self._reply(sm.CreateServicesResponse, {"success": True, "data": data})

    def _add_services(
        self, request: Incoming, order_id: str, existing: list[dict[str, JSON]], body: JSON
    ) -> list[dict[str, JSON]] | Reply:
        created = []
        for item in cast(list[dict[str, JSON]], body):
            canned = item.get("fromCannedServiceId")
            deferred = item.get("fromDeferredServiceId")
            if isinstance(canned, str):
                if canned not in self.canned_services:
                    self.violate(request, "not-found", f"no canned service {canned}")
                    return self._error(404, f"Canned service {canned} not found")
                source = {
                    k: v
                    for k, v in self.canned_services[canned].items()
                    if k not in ("id", "orderId", "createdDate", "updatedDate")
                }
                source["ordinal"] = item.get("ordinal", len(existing) + 1)
                row = self._new_service(order_id, source)
            elif isinstance(deferred, str):
                found = [s for rows in self.services.values() for s in rows if s["id"] == deferred]
                if not found:
                    self.violate(request, "not-found", f"no deferred service {deferred}")
                    return self._error(404, f"Deferred service {deferred} not found")
                source = {
                    k: v
                    for k, v in found[0].items()
                    if k not in ("id", "orderId", "createdDate", "updatedDate")
                }
                source.update(revived=True, revivedFromId=deferred, deferredReason=None)
                row = self._new_service(order_id, source)
            else:
                item = {**item}
                item.setdefault("ordinal", len(existing) + 1)
                row = self._new_service(order_id, item)
            existing.append(row)
            created.append(row)
        self._order_totals(order_id)
        return created

    def _find_service(
        self, request: Incoming, order_id: str, service_id: str
    ) -> tuple[int, Reply | None]:
        for n, row in enumerate(self.services.get(order_id, [])):
            if row["id"] == service_id:
                return n, None
        self.violate(request, "not-found", f"no service {service_id} on order {order_id}")
        return -1, self._error(404, "Service not found")

    def _update_service(self, request: Incoming, match: re.Match[str]) -> Reply:
        order_id, service_id = match["order"], match["service"]
        denied = (
            self._denied(request) or self._order(request, order_id) or self._bad_include(request)
        )
        if denied:
            return denied
        index, missing = self._find_service(request, order_id, service_id)
        if missing:
            return missing
        body, bad = self._body(request, "shopmonkey/update-service-request")
        if bad:
            return bad
        changes = {k: v for k, v in cast(dict[str, JSON], body).items() if k != "orderId"}
        rows = self.services[order_id]
        row = {**rows[index], **changes, "updatedDate": self._now()}
        previous = rows[index]
        try:
            rows[index] = self._with_totals(row, charges=True)
            self._order_totals(order_id)
        except _TotalsOverflow as exc:
            rows[index] = previous
            return self._error(400, str(exc))
        self._queue_change("service", "UPDATE", rows[index], sorted(changes))
        data = self._include_order(request, order_id)
        return self._reply(sm.UpdateServiceResponse, {"success": True, "data": data})

    def _delete_service(self, request: Incoming, match: re.Match[str]) -> Reply:
        order_id, service_id = match["order"], match["service"]
        denied = (
            self._denied(request) or self._order(request, order_id) or self._bad_include(request)
        )
        if denied:
            return denied
        if not request.body.strip():
            # SSW shopmonkey_client.py L407-408: a DELETE with an empty body is rejected
            self.violate(request, "empty-body", "DELETE needs the body {}")
            return self._error(400, "Body cannot be empty when content-type is set")
        _, bad = self._body(request, "shopmonkey/delete-service-request")
        if bad:
            return bad
        index, missing = self._find_service(request, order_id, service_id)
        if missing:
            return missing
        row = self.services[order_id].pop(index)
        self._order_totals(order_id)
        self._queue_change("service", "DELETE", row)
        data = self._include_order(request, order_id)
        return self._reply(sm.DeleteServiceResponse, {"success": True, "data": data})


#: The joined records a live list row leaves out (QUIRKS 09; shopmonkey/order-list-row).
_LIST_JOINS = frozenset(
    {
        "customer",
        "vehicle",
        "workflowStatus",
        "paymentTerm",
        "automatedCampaign",
        "oneTimeCampaign",
        "couponOrderDiscount",
        "files",
    }
)


def _list_row(order: dict[str, JSON]) -> JSON:
    """*order* as GET /v3/order lists it: without the joined records."""
    return {k: copy.deepcopy(v) for k, v in order.items() if k not in _LIST_JOINS}


_WIDE = Context(prec=100)


def _charge(value_type: str, cents: int, percent: float, base: int, where: str) -> int | None:
    """A Cents/Percent pair's amount: the cents for ``FixedCents``; *percent* of *base*,
    rounded half up to a cent, for ``Percent``; ``None`` for a value type we do not know."""
    if value_type == "FixedCents":
        return cents
    if value_type != "Percent":
        return None
    try:
        rate = exact(percent, where)  # bounded before any arithmetic
    except ValidationError as exc:
        raise _TotalsOverflow(str(exc)) from exc
    amount = _WIDE.divide(_WIDE.multiply(rate, Decimal(base)), Decimal(100))
    return int(amount.to_integral_value(rounding=ROUND_HALF_UP))


def _charges(service: sm.Service) -> dict[str, JSON]:
    """``calculatedEpaCents``, ``calculatedShopSuppliesCents`` and ``calculatedTaxCents`` of a
    written service. No source gives the formula (notes/decisions-fakes.md "Tax, EPA and shop
    supplies"); the fake's reading: each is its ``*Cents`` when its value type is FixedCents,
    else its ``*Percent`` of a base: labor + parts for EPA and shop supplies, and for tax the
    taxable labor, part, tire and subcontract lines plus the shop supplies (the pre-tax
    subtotal a third party validated penny-exact). A value type outside the list keeps the
    amount the row had."""
    totals = sm.service_totals(service)
    base = totals.labor + totals.parts
    out: dict[str, JSON] = {}
    epa = _charge(
        service.epa_value_type, service.epa_cents, service.epa_percent, base, "/epaPercent"
    )
    if epa is not None:
        out["calculatedEpaCents"] = epa
    supplies = _charge(
        service.shop_supplies_value_type,
        service.shop_supplies_cents,
        service.shop_supplies_percent,
        base,
        "/shopSuppliesPercent",
    )
    if supplies is not None:
        out["calculatedShopSuppliesCents"] = supplies
    taxed_lines = sum(
        cents
        for kind, items in (
            ("labors", service.labors),
            ("parts", service.parts),
            ("tires", service.tires),
            ("subcontracts", service.subcontracts),
        )
        for cents, line in zip(totals.lines[kind], items, strict=True)
        if getattr(line, "taxable", False) is True
    )
    taxable = taxed_lines + (
        supplies if supplies is not None else service.calculated_shop_supplies_cents
    )
    tax = _charge(
        service.tax_value_type, service.tax_cents, service.tax_percent, taxable, "/taxPercent"
    )
    if tax is not None:
        out["calculatedTaxCents"] = tax
    _check_int64(out.values())
    return out


def _json(value: object) -> dict[str, JSON]:
    out = dump(value, validate=False) if isinstance(value, Model) else copy.deepcopy(value)
    if not isinstance(out, dict):
        raise TypeError(f"expected a model or a JSON object, got {type(value).__name__}")
    return out


def _drop(body: JSON, issues: Sequence[Issue]) -> JSON:
    """*body* without the members *issues* point at (what Shopmonkey silently ignores)."""
    out = copy.deepcopy(body)
    for issue in sorted(issues, key=lambda i: i.path, reverse=True):
        parts = [p.replace("~1", "/").replace("~0", "~") for p in issue.path.split("/")[1:]]
        if not parts:
            continue
        parent: JSON = out
        for part in parts[:-1]:
            if isinstance(parent, dict):
                parent = parent.get(part)
            elif isinstance(parent, list) and part.isdigit() and int(part) < len(parent):
                parent = parent[int(part)]
            else:
                parent = None
        last = parts[-1]
        if isinstance(parent, dict):
            parent.pop(last, None)
            if issue.code == "additionalProperties" and isinstance(issue.value, str):
                parent.pop(issue.value, None)
    return out


class _TotalsOverflow(Exception):
    """A service's or the order's totals would leave the signed 64-bit range Shopmonkey's
    integers have: the request is refused (400) and nothing is stored."""


def _check_int64(values: Iterable[object]) -> None:
    for value in values:
        if isinstance(value, int) and not -(2**63) <= value < 2**63:
            raise _TotalsOverflow(f"a total of {value} cents is outside the 64-bit range")

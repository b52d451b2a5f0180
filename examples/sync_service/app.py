"""A small sync service on dealerbridge: Shopmonkey orders become myKaarma repair orders.

Run it with any ASGI server (``uvicorn app:create_app --factory`` after filling in the
credentials); its tests (``tests/test_example_sync_service.py``) run it against the
dealerbridge fakes.

- ``POST /webhooks/shopmonkey``: the Standard Webhooks signature is checked on the raw bytes
  (`sm.verify_webhook`: a forged or stale delivery is refused with 401), the body read
  (`sm.parse_webhook`), a change already handled is acknowledged and skipped (de-duplicated
  on the change: table, row id, operation, updatedDate; never on ``webhook-id``, which is new
  on every attempt). The delivery is only a trigger: the order and its services are read again
  through the client, mapped (`mapping.shopmonkey_to_mykaarma`) and written with
  `upsert_order`, so a delivery that arrives late or out of order never writes old data.
- ``POST /webhooks/mykaarma``: the HMAC signature and the static token are checked, the event
  read (`mk.parse_order_event`), de-duplicated on ``(id, type)`` (`mk.event_key`), ordered
  by its ``timestamp`` (an older event for an order already seen newer is skipped), and the
  order read again through the client and kept in ``app.state.mykaarma_orders``.

A vendor failure answers 502 and an uncertain write 503, so the vendor retries the delivery.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

import dealerbridge as db
from dealerbridge import mapping
from dealerbridge import mykaarma as mk
from dealerbridge import shopmonkey as sm
from dealerbridge.clients import (
    AsyncMyKaarmaClient,
    AsyncShopmonkeyClient,
    UncertainWrite,
    VendorError,
)

log = logging.getLogger("sync_service")

#: Tables whose rows belong to an order: a change to any of them re-syncs the order.
ORDER_TABLES = {"order", "service", "labor", "part", "tire", "fee", "subcontract"}


def create_app(
    *,
    shopmonkey: AsyncShopmonkeyClient,
    mykaarma: AsyncMyKaarmaClient,
    shopmonkey_webhook_secret: str,
    mykaarma_webhook_secret: str,
    mykaarma_webhook_token: str,
    config: mapping.MappingConfig,
) -> Starlette:
    """The service, wired to its two clients, its webhook secrets and its mapping config."""
    seen_changes: set[tuple[str, str, str, str]] = set()
    seen_events: set[tuple[str, str]] = set()
    latest: dict[str, int] = {}

    async def shopmonkey_webhook(request: Request) -> JSONResponse:
        body = await request.body()
        if not sm.verify_webhook(body, request.headers, shopmonkey_webhook_secret):
            return JSONResponse({"error": "bad signature"}, status_code=401)
        try:
            change = sm.parse_webhook(body)
        except db.ValidationError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        if change.table not in ORDER_TABLES:
            return JSONResponse({"skipped": change.table})
        row: Any = change.data
        order_id = row.id if change.table == "order" else row.order_id
        key = (change.table, row.id, change.operation, str(getattr(row, "updated_date", "")))
        if key in seen_changes:
            return JSONResponse({"duplicate": True})
        try:
            uuid = await sync_order(order_id)
        except (UncertainWrite, VendorError) as exc:
            log.warning("sync of %s failed: %s", order_id, exc)
            status = 503 if isinstance(exc, UncertainWrite) else 502
            return JSONResponse({"error": type(exc).__name__}, status_code=status)
        except mapping.MappingError as exc:
            return JSONResponse({"refused": [i.code for i in exc.issues]}, status_code=422)
        seen_changes.add(key)
        return JSONResponse({"orderUUID": uuid})

    async def sync_order(order_id: str) -> str | None:
        order = await shopmonkey.get_order(order_id)
        services = await shopmonkey.get_services(order_id)
        mapped = mapping.shopmonkey_to_mykaarma(order, services, config)
        answer = await mykaarma.upsert_order(mapped.value)
        uuid = answer.order_uuid
        if isinstance(uuid, str):
            app.state.links[order_id] = uuid
            return uuid
        return None

    async def mykaarma_webhook(request: Request) -> JSONResponse:
        body = await request.body()
        signature = request.headers.get("mykaarma-signature-token", "")
        token = request.headers.get("x-authorization-token")
        if not (
            mk.verify_webhook_signature(body, signature, mykaarma_webhook_secret)
            and mk.verify_authorization_token(token, mykaarma_webhook_token)
        ):
            return JSONResponse({"error": "bad signature"}, status_code=401)
        try:
            event = mk.parse_order_event(body)
        except db.ValidationError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        key = mk.event_key(event)
        if key in seen_events:
            return JSONResponse({"duplicate": True})
        uuid = event.payload.uuid
        if event.timestamp < latest.get(uuid, -1):
            seen_events.add(key)
            return JSONResponse({"stale": True})
        try:
            read = await mykaarma.read_order(uuid)
        except VendorError as exc:
            log.warning("read of %s failed: %s", uuid, exc)
            return JSONResponse({"error": "VendorError"}, status_code=502)
        latest[uuid] = event.timestamp
        app.state.mykaarma_orders[uuid] = read
        seen_events.add(key)
        return JSONResponse({"read": uuid})

    app = Starlette(
        routes=[
            Route("/webhooks/shopmonkey", shopmonkey_webhook, methods=["POST"]),
            Route("/webhooks/mykaarma", mykaarma_webhook, methods=["POST"]),
        ]
    )
    app.state.links = {}
    app.state.mykaarma_orders = {}
    return app

"""examples/sync_service (issue 22 item 5): the worked sync service, run against the fakes.

Shopmonkey changes are made through a client, the fake queues its signed deliveries, and they
reach the service's ASGI app shuffled, duplicated, stale or forged while myKaarma answers a
429 or loses a response. Whatever happens, myKaarma ends with exactly one RO per Shopmonkey
order, carrying the order's current services.
"""

from __future__ import annotations

import asyncio
import copy
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest

import dealerbridge as db
from dealerbridge import mapping
from dealerbridge import shopmonkey as sm
from dealerbridge.clients import AsyncMyKaarmaClient, AsyncShopmonkeyClient, ShopmonkeyClient
from dealerbridge.fakes import FakeMyKaarma, FakeShopmonkey

pytest.importorskip("starlette")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def _app_module() -> Any:
    spec = importlib.util.spec_from_file_location(
        "sync_service_app", EXAMPLES / "sync_service" / "app.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


APP = _app_module()
ORDER = json.loads((EXAMPLES / "shopmonkey-order.json").read_text())
SERVICES = json.loads((EXAMPLES / "shopmonkey-services.json").read_text())["data"]
CONFIG = mapping.load_config(EXAMPLES / "mapping-config.toml")
OIL = db.load(
    sm.CreateServicesRequest,
    [
        {
            "name": "Oil Change",
            "authorizationStatus": "Authorized",
            "labors": [{"name": "Oil change", "hours": 0.5, "rateCents": 12000}],
        }
    ],
)


async def _nap(seconds: float) -> None:
    return None


class World:
    """Both fakes, the service wired to them, and a Shopmonkey user's client."""

    def __init__(self) -> None:
        self.shop = FakeShopmonkey()
        self.dealer = FakeMyKaarma()
        self.order_id = self.shop.add_order(ORDER, SERVICES[:1])
        self.app = APP.create_app(
            shopmonkey=AsyncShopmonkeyClient(
                api_key=self.shop.api_key, transport=self.shop.async_transport, sleep=_nap
            ),
            mykaarma=AsyncMyKaarmaClient(
                username=self.dealer.username,
                password=self.dealer.password,
                department_uuid=self.dealer.department_uuid,
                transport=self.dealer.async_transport,
                sleep=_nap,
            ),
            shopmonkey_webhook_secret=self.shop.webhook_secret,
            mykaarma_webhook_secret=self.dealer.webhook_secret,
            mykaarma_webhook_token=self.dealer.webhook_token,
            config=CONFIG,
        )
        self.user = ShopmonkeyClient(api_key=self.shop.api_key, transport=self.shop.transport)

    def deliver_shopmonkey(self, order: Any) -> list[int | None]:
        results = self.shop.deliver(self.app, order=order, path="/webhooks/shopmonkey")
        return [r.status for r in results]

    def only_ro(self) -> dict[str, Any]:
        (ro,) = self.dealer.orders.values()
        return ro

    def expected_jobs(self) -> list[str]:
        order = self.user.get_order(self.order_id)
        services = self.user.get_services(self.order_id)
        mapped = mapping.shopmonkey_to_mykaarma(order, services, CONFIG).value
        return [j["laborOpCode"] for j in db.dump(mapped)["order"]["jobs"]]  # type: ignore[index]

    def settle(self) -> None:
        """The refused creates of upsert (same order within 30 days) are the expected path."""
        assert {v.rule for v in self.dealer.violations} <= {"ORDER_ALREADY_EXISTS"}
        assert self.shop.violations == []
        self.dealer.violations.clear()


def test_shuffled_and_duplicated_deliveries_give_one_current_ro() -> None:
    world = World()
    world.user.create_services(world.order_id, OIL)
    world.user.create_services(world.order_id, OIL)
    statuses = world.deliver_shopmonkey("shuffled")
    assert statuses and all(s == 200 for s in statuses)
    ro = world.only_ro()
    assert [j["laborOpCode"] for j in ro["jobs"]] == world.expected_jobs()
    assert len(ro["jobs"]) == 3
    (service,) = world.user.get_services(world.order_id)[-1:]
    world.user.delete_service(world.order_id, service.id)
    statuses = world.deliver_shopmonkey("duplicated")
    assert all(s == 200 for s in statuses)
    assert len(world.only_ro()["jobs"]) == 2
    world.settle()


def test_stale_and_forged_deliveries_are_refused() -> None:
    world = World()
    world.user.create_services(world.order_id, OIL)
    world.user.create_services(world.order_id, OIL)
    assert all(s == 401 for s in world.deliver_shopmonkey("forged"))
    assert world.dealer.orders == {}
    world.user.create_services(world.order_id, OIL)
    statuses = world.deliver_shopmonkey("stale")
    # in order first (all accepted), then the superseded order rows again, 10 minutes old
    assert statuses[:2] == [200, 200] and statuses[2:] == [401] * (len(statuses) - 2)
    assert len(world.only_ro()["jobs"]) == 4
    world.settle()


def test_a_429_and_a_lost_response_from_mykaarma() -> None:
    world = World()
    world.user.create_services(world.order_id, OIL)
    world.dealer.fail("PUT", r"/order$", status=429, retry_after=1)
    world.dealer.lose_response("PUT", r"/order$")
    statuses = world.deliver_shopmonkey("fifo")
    assert all(s == 200 for s in statuses)
    ro = world.only_ro()  # the lost create was read back, never duplicated
    assert [j["laborOpCode"] for j in ro["jobs"]] == world.expected_jobs()
    world.settle()


def test_mykaarma_events_are_verified_deduplicated_and_ordered() -> None:
    world = World()
    world.user.create_services(world.order_id, OIL)
    world.deliver_shopmonkey("fifo")
    world.user.create_services(world.order_id, OIL)
    world.deliver_shopmonkey("fifo")
    events = copy.deepcopy(world.dealer.deliveries)
    # one event per write of the RO: each Shopmonkey change (service and order rows) synced it
    assert len(events) == 4
    reads = len([r for r in world.dealer.requests if r.method == "GET"])
    results = world.dealer.deliver(world.app, order="duplicated", path="/webhooks/mykaarma")
    assert [r.status for r in results] == [200] * 8
    # the service read the RO once per event, not per delivery
    assert len([r for r in world.dealer.requests if r.method == "GET"]) == reads + 4
    world.dealer.deliveries.extend(events)
    reads += 4
    stale = world.dealer.deliver(world.app, order="stale", path="/webhooks/mykaarma")
    assert [r.status for r in stale] == [200] * 7  # 4 already seen, then 3 superseded ones
    assert len([r for r in world.dealer.requests if r.method == "GET"]) == reads
    (uuid,) = world.app.state.mykaarma_orders
    assert world.app.state.mykaarma_orders[uuid].order_read_checksum == world.dealer.checksums[uuid]
    world.dealer.deliveries.extend(events)
    forged = world.dealer.deliver(world.app, order="forged", path="/webhooks/mykaarma")
    assert [r.status for r in forged] == [401] * 4
    world.settle()


def test_the_app_runs_under_an_asgi_client() -> None:
    httpx = pytest.importorskip("httpx")
    world = World()

    async def go() -> int:
        transport = httpx.ASGITransport(app=world.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            answer = await client.post("/webhooks/shopmonkey", content=b"{}")
        return answer.status_code

    assert asyncio.run(go()) == 401


def test_an_older_mykaarma_event_after_a_newer_one_is_skipped() -> None:
    world = World()
    for _ in range(2):
        world.user.create_services(world.order_id, OIL)
        world.deliver_shopmonkey("fifo")
    world.dealer.deliveries.reverse()  # newest first: every later one is older
    reads = len([r for r in world.dealer.requests if r.method == "GET"])
    results = world.dealer.deliver(world.app, path="/webhooks/mykaarma")
    assert [r.status for r in results] == [200] * len(results)
    assert len([r for r in world.dealer.requests if r.method == "GET"]) == reads + 1
    world.settle()

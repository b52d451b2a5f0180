"""Cost of the vendor fakes and of a client round trip against them.

    python benchmarks/fakes.py [--quick]

Module interface (benchmarks/run.py): ``main(quick: bool = False) -> None`` prints its table.
Rows (median microseconds per call of interleaved rounds, see ``_common.interleaved``):

- httpx GET over ``httpx.MockTransport`` answering a fixed 200 (the unit: httpx alone),
- httpx GET of an order from ``FakeMyKaarma.transport`` (the fake's overhead per request is
  this row minus the unit: routing, auth, the request log, building the answer and reading it
  with ``dealerbridge.load``),
- httpx GET of an order's services from ``FakeShopmonkey.transport`` (a two-service order),
- ``MyKaarmaClient.create_order`` then ``read_order`` (a round trip: two requests, the
  request validated, both answers loaded; the order is then dropped from the fake so the
  ±30-day scan stays one order long),
- ``ShopmonkeyClient.create_services`` then ``get_services`` (a round trip of three requests:
  the client reads the services before a create, see notes/decisions-clients.md),
- ``MyKaarmaClient.search_orders`` of one page of 100 closed orders among 1,000 stored
  (the fake filters every stored order; the answer's 100 items are loaded).

Round trips per second are printed below the table.
"""

from __future__ import annotations

import copy
import itertools
import json
import sys
from pathlib import Path

import httpx
from _common import interleaved, is_quick, print_table

import dealerbridge as db
from dealerbridge import mykaarma as mk
from dealerbridge import shopmonkey as sm
from dealerbridge.clients import MyKaarmaClient, ShopmonkeyClient
from dealerbridge.fakes import FakeMyKaarma, FakeShopmonkey

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"


def _fixture(name: str) -> object:
    return json.loads((FIXTURES / name).read_text())


def main(quick: bool = False) -> None:
    create_json = _fixture("mykaarma/create-order-request/valid-minimal-advisor-number.json")
    assert isinstance(create_json, dict)
    numbers = itertools.count()

    mk_fake = FakeMyKaarma()
    mk_client = MyKaarmaClient(
        username=mk_fake.username,
        password=mk_fake.password,
        department_uuid=mk_fake.department_uuid,
        transport=mk_fake.transport,
    )
    seeded = mk_fake.add_order(_fixture("mykaarma/read-order-response/valid-closed-order.json"))  # type: ignore[arg-type]
    raw_mk = httpx.Client(
        transport=mk_fake.transport,
        base_url="https://api.mykaarma.com",
        auth=(mk_fake.username, mk_fake.password),
    )
    read_path = f"/order/v2/department/{mk_fake.department_uuid}/global_order/{seeded}"

    sm_fake = FakeShopmonkey()
    order_id = sm_fake.add_order(
        _fixture("shopmonkey/order/valid-live-detail-shape.json"),  # type: ignore[arg-type]
        _fixture("shopmonkey/get-services-response/valid-two-services.json")["data"],  # type: ignore[index]
    )
    raw_sm = httpx.Client(
        transport=sm_fake.transport,
        base_url="https://api.shopmonkey.cloud",
        headers={"authorization": f"Bearer {sm_fake.api_key}"},
    )
    sm_client = ShopmonkeyClient(api_key=sm_fake.api_key, transport=sm_fake.transport)
    brakes = db.load(
        sm.CreateServicesRequest,
        _fixture("shopmonkey/create-services-request/valid-custom-brake-job.json"),
    )
    baseline = len(sm_fake.services[order_id])

    search_fake = FakeMyKaarma()
    read = _fixture("mykaarma/read-order-response/valid-closed-order.json")
    assert isinstance(read, dict)
    for n in range(1000):
        stored = copy.deepcopy(read)
        stored["order"]["uuid"] = f"bench-order-{n:04d}"
        stored["order"]["order"]["header"]["status"] = "C" if n % 2 else "O"
        search_fake.add_order(stored)
    search_client = MyKaarmaClient(
        username=search_fake.username,
        password=search_fake.password,
        department_uuid=search_fake.department_uuid,
        transport=search_fake.transport,
    )
    closed_page = mk.SearchOrdersRequest(order_status="C", page_no=1, size=100)

    def mk_search() -> None:
        found = search_client.search_orders(closed_page)
        assert found.total_count == 500
        search_fake.requests.clear()

    echo = httpx.Client(
        transport=httpx.MockTransport(lambda request: httpx.Response(200, content=b"{}")),
        base_url="https://api.example",
    )

    def mk_round_trip() -> None:
        body = copy.deepcopy(create_json)
        body["order"]["header"]["orderNumber"] = f"B{next(numbers)}"
        uuid = mk_client.create_order(db.load(mk.CreateOrderRequest, body)).order_uuid
        assert isinstance(uuid, str)
        mk_client.read_order(uuid)
        del mk_fake.orders[uuid]
        mk_fake.deliveries.clear()
        mk_fake.requests.clear()

    def sm_round_trip() -> None:
        sm_client.create_services(order_id, brakes)
        sm_client.get_services(order_id)
        del sm_fake.services[order_id][baseline:]
        sm_fake.deliveries.clear()
        sm_fake.requests.clear()

    def mk_get() -> None:
        raw_mk.get(read_path)
        mk_fake.requests.clear()

    def sm_get() -> None:
        raw_sm.get(f"/v3/order/{order_id}/service")
        sm_fake.requests.clear()

    cases = {
        "httpx over MockTransport (unit)": lambda: echo.get("/x"),
        "GET order, FakeMyKaarma": mk_get,
        "GET 2 services, FakeShopmonkey": sm_get,
        "myKaarma create + read (client)": mk_round_trip,
        "Shopmonkey create + get (client)": sm_round_trip,
        "myKaarma search page of 100 in 1,000 (client)": mk_search,
    }
    timings = interleaved(cases, quick=quick, rounds=3 if quick else 9)
    print_table("per call", timings, "httpx over MockTransport (unit)")
    unit = timings.median("httpx over MockTransport (unit)")
    for label in ("GET order, FakeMyKaarma", "GET 2 services, FakeShopmonkey"):
        print(f"{label}: fake overhead {timings.median(label) - unit:.0f} us per request")
    for label in ("myKaarma create + read (client)", "Shopmonkey create + get (client)"):
        print(f"{label}: {1e6 / timings.median(label):.0f} round trips per second")
    search = timings.median("myKaarma search page of 100 in 1,000 (client)")
    print(f"myKaarma search page of 100 in 1,000 (client): {1e6 / search:.0f} pages per second")
    assert mk_fake.violations == [] and sm_fake.violations == [] and search_fake.violations == []


if __name__ == "__main__":
    main(quick=is_quick(sys.argv[1:]))

"""myKaarma order search (``POST …/order/specificSearch``): the request's rules, the fake's
filters and pages, and the clients' one-page and every-page calls (issue 22). Expected orders
are written by hand from the seeded orders below, not computed by the code under test."""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

import dealerbridge as db
from dealerbridge import JSON
from dealerbridge import mykaarma as mk
from dealerbridge.clients import AsyncMyKaarmaClient, IncompleteListWarning, MyKaarmaClient
from dealerbridge.fakes import FakeMyKaarma

FIXTURES = Path(__file__).parent / "fixtures"
SEARCH = "mykaarma/search-orders-request"
CUSTOMER = "Xk4pR8sTvW2yZbNc6DfGhJm9LqA3eUoI7tCwBnEy5Ha"
ADVISOR = "8d3f1a6c2e9b4d7f0a5c8e1b3d6f9a2c4e7b0d3f6a9c2e5b8d1f4a7c0e3b6d9f"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def create(number: str, date: str) -> Any:
    body = copy.deepcopy(fixture("mykaarma/create-order-request/valid-minimal-advisor-number.json"))
    body["order"]["header"].update(orderNumber=number, createDate=date)
    return db.load(mk.CreateOrderRequest, body)


#: A parts order as read (create requests are repair orders with a customer): seeded.
PARTS = {
    "type": "PO",
    "header": {
        "orderNumber": "PO-7",
        "status": "O",
        "orderDate": "2025-03-18",
        "mykCreatedDate": "2025-03-25 23:59:00",
    },
}


class Seeded:
    """Three orders, written on three days (the fake's clock):

    | order | number | type | status | orderDate | closeDate | created | updated | customer | VIN |
    |---|---|---|---|---|---|---|---|---|---|
    | closed | RO-48213 | RO | C | 2025-03-14 | 2025-03-14 | 2025-03-14 | 2025-03-20 | CUSTOMER | 1GCUYDED5RZ123456 |
    | opened | RO-48300 | RO | O | 2025-03-15 | - | 2025-03-20 | 2025-03-27 | CUSTOMER | - |
    | parts | PO-7 | PO | O | 2025-03-18 | - | 2025-03-25 | 2025-03-25 | - | - |
    """

    def __init__(self) -> None:
        self.now = dt.datetime(2025, 3, 20, 10, 0, tzinfo=dt.UTC)
        self.fake = FakeMyKaarma(clock=lambda: self.now)
        self.client = MyKaarmaClient(
            username=self.fake.username,
            password=self.fake.password,
            department_uuid=self.fake.department_uuid,
            transport=self.fake.transport,
            sleep=lambda _: None,
        )
        self.closed = self.fake.add_order(
            fixture("mykaarma/read-order-response/valid-closed-order.json")
        )
        self.opened = self.client.create_order(create("RO-48300", "2025-03-15")).order_uuid
        self.now = dt.datetime(2025, 3, 25, 23, 59, tzinfo=dt.UTC)
        self.parts = self.fake.add_order(PARTS)
        self.now = dt.datetime(2025, 3, 27, 8, 0, tzinfo=dt.UTC)
        assert isinstance(self.opened, str)
        self.client.update_order(
            self.opened, db.load(mk.UpdateOrderRequest, db.dump(create("RO-48300", "2025-03-15")))
        )

    def found(self, **query: Any) -> list[str | None]:
        answer = self.client.search_orders(db.load(mk.SearchOrdersRequest, query))
        assert isinstance(answer.orders, list)
        return [item.order_uuid for item in answer.orders]


@pytest.fixture(scope="module")
def seeded() -> Seeded:
    return Seeded()


def test_each_filter_keeps_the_orders_it_names(seeded: Seeded) -> None:
    closed, opened, parts = seeded.closed, seeded.opened, seeded.parts
    assert seeded.found() == [closed, opened, parts]
    assert seeded.found(orderStatus="C") == [closed]
    assert seeded.found(orderStatus="O") == [opened, parts]
    assert seeded.found(orderStatus="P") == []
    assert seeded.found(orderType="PO") == [parts]
    assert seeded.found(customerUuid=CUSTOMER) == [closed, opened]
    assert seeded.found(vin="1gcuyded5rz123456") == [closed]  # VINs compare without case
    assert seeded.found(orderNumberPrefix="RO-") == [closed, opened]
    assert seeded.found(orderNumberPrefix="RO-483") == [opened]
    assert seeded.found(orderNumberPrefix="") == [closed, opened, parts]
    assert seeded.found(tagNumber="T318") == [closed]
    assert seeded.found(userUuid=ADVISOR) == [closed]
    assert seeded.found(orderUuid=parts) == [parts]
    assert seeded.found(orderType="RO", orderStatus="O", customerUuid=CUSTOMER) == [opened]


def test_the_date_range_bounds_the_date_the_filter_type_names(seeded: Seeded) -> None:
    closed, opened, parts = seeded.closed, seeded.opened, seeded.parts
    # ORDER_DATE when no type is sent; both bounds inclusive
    assert seeded.found(fromOrderDate="2025-03-15", toOrderDate="2025-03-18") == [opened, parts]
    assert seeded.found(dateFilterType="ORDER_DATE", toOrderDate="2025-03-14") == [closed]
    # an order not closed has no close date: it never matches a close-date range
    assert seeded.found(dateFilterType="CLOSE_DATE", fromOrderDate="2000-01-01") == [closed]
    assert seeded.found(dateFilterType="CREATED_DATE", toOrderDate="2025-03-20") == [closed, opened]
    assert seeded.found(dateFilterType="CREATED_DATE", fromOrderDate="2025-03-21") == [parts]
    assert seeded.found(dateFilterType="UPDATED_DATE", fromOrderDate="2025-03-26") == [opened]
    assert seeded.found(dateFilterType="UPDATED_DATE", toOrderDate="2025-03-25") == [closed, parts]


def test_pages_and_the_total_over_all_pages(seeded: Seeded) -> None:
    def page(number: int) -> tuple[list[str | None], int | None]:
        query = db.load(mk.SearchOrdersRequest, {"pageNo": number, "size": 2})
        answer = seeded.client.search_orders(query)
        assert isinstance(answer.orders, list)
        assert answer.total_count is None or isinstance(answer.total_count, int)
        return [i.order_uuid for i in answer.orders], answer.total_count

    assert page(0) == ([seeded.closed, seeded.opened], 3)
    assert page(1) == ([seeded.parts], 3)
    assert page(7) == ([], 3)


def test_an_item_names_its_order_customer_and_vehicle(seeded: Seeded) -> None:
    answer = seeded.client.search_orders(db.load(mk.SearchOrdersRequest, {}))
    assert isinstance(answer.orders, list)
    first, _, parts = answer.orders
    assert isinstance(first.customer, mk.OrderCustomer) and first.customer.uuid == CUSTOMER
    assert isinstance(first.vehicle, mk.OrderVehicle)
    assert first.vehicle.vin == "1GCUYDED5RZ123456"
    assert (first.customer.first_name, first.customer.key) == ("Daniel", "C104882")
    assert parts.customer is db.UNSET and parts.vehicle is db.UNSET  # an order without them


def test_the_request_rules() -> None:
    both = {"customerUuid": CUSTOMER, "vin": "1GCUYDED5RZ123456"}
    [issue] = db.errors(both, SEARCH)
    assert (issue.path, issue.code) == ("", "customer-uuid-or-vin")
    assert db.errors({"orderNumberPrefix": "RO"}, SEARCH)[0].code == "pattern"
    assert db.errors({"orderNumberPrefix": "RO-"}, SEARCH) == []
    assert db.errors({"orderNumberPrefix": "RO-\n"}, SEARCH) != []
    [word] = db.errors({"orderStatus": "CLOSED"}, SEARCH)
    assert 'status_to_letter("CLOSED")' in word.message and '"C"' in word.message


def test_the_fake_refuses_what_the_schema_refuses_and_records_it() -> None:
    fake = FakeMyKaarma()
    client = MyKaarmaClient(
        username=fake.username,
        password=fake.password,
        department_uuid=fake.department_uuid,
        transport=fake.transport,
    )
    with pytest.raises(db.ValidationError):  # the client never sends it
        client.search_orders(
            mk.SearchOrdersRequest(customer_uuid=CUSTOMER, vin="1GCUYDED5RZ123456")
        )
    assert fake.requests == []
    import httpx

    raw = httpx.Client(transport=fake.transport, auth=(fake.username, fake.password))
    path = f"https://api.mykaarma.com/order/v2/department/{fake.department_uuid}"
    refused = raw.post(f"{path}/order/specificSearch", json={"orderStatus": "CLOSED"})
    assert refused.status_code == 400
    answer = db.load(mk.SearchOrdersResponse, refused.content)
    assert isinstance(answer.errors, list) and answer.errors[0].error_title == "enum"
    assert [v.rule for v in fake.violations] == ["mykaarma/search-orders-request"]
    fake.violations.clear()


def test_search_all_orders_walks_every_page() -> None:
    seeded = Seeded()
    seeded.fake.requests.clear()
    query = db.load(mk.SearchOrdersRequest, {"size": 2, "orderType": "RO"})
    everything = seeded.client.search_all_orders(db.load(mk.SearchOrdersRequest, {"size": 2}))
    assert [i.order_uuid for i in everything] == [seeded.closed, seeded.opened, seeded.parts]
    assert [r.json()["pageNo"] for r in seeded.fake.requests] == [0, 1]
    assert [i.order_uuid for i in seeded.client.search_all_orders(query)] == [
        seeded.closed,
        seeded.opened,
    ]


def test_search_all_orders_warns_when_short_of_the_total() -> None:
    seeded = Seeded()
    short = {"statusCode": 200, "orders": [{"orderUuid": seeded.closed}], "totalCount": 3}
    seeded.fake.fail("POST", "specificSearch", status=200, body=short, times=2)
    with pytest.warns(IncompleteListWarning, match="found 1 distinct orders"):
        found = seeded.client.search_all_orders(db.load(mk.SearchOrdersRequest, {"size": 1}))
    # the second page repeated the first page's order: no new order, so the walk stopped
    assert [i.order_uuid for i in found] == [seeded.closed]


def scripted_search(pages: dict[int, dict[str, Any]]) -> tuple[MyKaarmaClient, list[int]]:
    """A client whose search answers *pages* by ``pageNo`` (an empty page past them), and the
    page numbers it was asked for."""
    import httpx

    asked: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        page = json.loads(request.content)["pageNo"]
        asked.append(page)
        return httpx.Response(200, json=pages.get(page, {"statusCode": 200, "orders": []}))

    client = MyKaarmaClient(
        username="u", password="p", department_uuid="d", transport=httpx.MockTransport(handler)
    )
    return client, asked


def found(*names: str) -> list[dict[str, JSON]]:
    return [{"orderUuid": f"order-{name}"} for name in names]


def test_search_all_orders_stops_at_a_short_page_and_at_the_total() -> None:
    two = db.load(mk.SearchOrdersRequest, {"size": 2})
    # no total: the short page 1 is the last, page 2 is never asked
    client, asked = scripted_search(
        {0: {"orders": found("a", "b")}, 1: {"orders": found("c")}, 2: {"orders": found("d")}}
    )
    assert [i.order_uuid for i in client.search_all_orders(two)] == [
        "order-a",
        "order-b",
        "order-c",
    ]
    assert asked == [0, 1]
    # a full page that reaches totalCount is the last
    client, asked = scripted_search({0: {"orders": found("a", "b"), "totalCount": 2}})
    assert len(client.search_all_orders(two)) == 2 and asked == [0]
    # from the request's own page, and the shortfall warning points at the caller's line
    client, asked = scripted_search({3: {"orders": found("a"), "totalCount": 3}})
    with pytest.warns(IncompleteListWarning, match="found 1 distinct orders") as record:
        client.search_all_orders(db.load(mk.SearchOrdersRequest, {"size": 2, "pageNo": 3}))
    assert asked == [3] and record[0].filename == __file__


def test_the_async_client_searches_the_same_state() -> None:
    seeded = Seeded()
    fake = seeded.fake

    async def run() -> list[str | None]:
        async with AsyncMyKaarmaClient(
            username=fake.username,
            password=fake.password,
            department_uuid=fake.department_uuid,
            transport=fake.async_transport,
        ) as client:
            page = await client.search_orders(db.load(mk.SearchOrdersRequest, {"size": 1}))
            assert page.total_count == 3
            found = await client.search_all_orders(
                db.load(mk.SearchOrdersRequest, {"orderStatus": "O", "size": 1})
            )
            return [i.order_uuid for i in found]

    assert asyncio.run(run()) == [seeded.opened, seeded.parts]

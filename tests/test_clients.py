"""dealerbridge.clients against dealerbridge.fakes (issue 22 item 2). No network: every
client gets a fake's transport."""

from __future__ import annotations

import asyncio
import copy
import json
import logging
from pathlib import Path
from typing import Any

import pytest

import dealerbridge as db
from dealerbridge import mykaarma as mk
from dealerbridge import shopmonkey as sm
from dealerbridge.clients import (
    AsyncMyKaarmaClient,
    AsyncShopmonkeyClient,
    IncompleteListWarning,
    MyKaarmaClient,
    ShopmonkeyClient,
    UncertainWrite,
    VendorError,
)
from dealerbridge.fakes import FakeMyKaarma, FakeShopmonkey

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


CREATE_JSON = fixture("mykaarma/create-order-request/valid-minimal-advisor-number.json")
CREATE = db.load(mk.CreateOrderRequest, CREATE_JSON)
SM_ORDER = fixture("shopmonkey/order/valid-live-detail-shape.json")
BRAKES = db.load(
    sm.CreateServicesRequest,
    fixture("shopmonkey/create-services-request/valid-custom-brake-job.json"),
)


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def mk_pair(**kwargs: Any) -> tuple[FakeMyKaarma, MyKaarmaClient, Sleeps]:
    fake = FakeMyKaarma()
    sleeps = Sleeps()
    client = MyKaarmaClient(
        username=fake.username,
        password=fake.password,
        department_uuid=fake.department_uuid,
        dealer_uuid=fake.dealer_uuid,
        transport=fake.transport,
        sleep=sleeps,
        **kwargs,
    )
    return fake, client, sleeps


def sm_pair(**kwargs: Any) -> tuple[FakeShopmonkey, ShopmonkeyClient, str, Sleeps]:
    fake = FakeShopmonkey(mode=kwargs.pop("mode", "strict"))
    order_id = fake.add_order(SM_ORDER)
    sleeps = Sleeps()
    client = ShopmonkeyClient(
        api_key=fake.api_key, transport=fake.transport, sleep=sleeps, **kwargs
    )
    return fake, client, order_id, sleeps


def with_status(status: str) -> mk.CreateOrderRequest:
    body = copy.deepcopy(CREATE_JSON)
    body["order"]["header"]["status"] = status
    return db.load(mk.CreateOrderRequest, body)


# --------------------------------------------------------------------------- myKaarma


def test_create_read_and_the_read_checksum_update_dance() -> None:
    fake, client, _ = mk_pair()
    uuid = client.create_order(CREATE).order_uuid
    assert isinstance(uuid, str)
    read = client.read_order(uuid)
    assert read.order.order.header.status == "O"
    closed = db.load(mk.UpdateOrderRequest, db.dump(with_status("CLOSED")))
    client.update_order(uuid, closed)
    assert [(r.method, r.headers.get("orderreadchecksum")) for r in fake.requests[-2:]] == [
        ("GET", None),
        ("POST", read.order_read_checksum),
    ]
    assert client.read_order(uuid).order.order.header.status == "C"


def test_upsert_updates_the_order_the_same_order_rule_names() -> None:
    fake, client, _ = mk_pair()
    first = client.upsert_order(CREATE).order_uuid
    second = client.upsert_order(with_status("CLOSED")).order_uuid
    assert first == second and len(fake.orders) == 1
    assert fake.orders[first]["header"]["status"] == "C"
    fake.violations.clear()  # the refused create is how upsert learns the order exists


def test_a_request_our_schema_refuses_is_never_sent() -> None:
    fake, client, _ = mk_pair()
    bad = db.load(mk.CreateOrderRequest, CREATE_JSON)
    bad.order.header.order_number = "RO/1"  # the number pattern refuses "/"
    with pytest.raises(db.ValidationError):
        client.create_order(bad)
    partner = db.load(
        mk.PartnerAppointmentRequest,
        fixture("mykaarma/partner-appointment-request/valid-pnd-api-with-dropoff.json"),
    )
    partner.appointment_date_time = "2026-02-30T13:00:00-0700"
    with pytest.raises(db.ValidationError) as refused:
        client.create_partner_appointment(partner)
    assert [i.code for i in refused.value.issues] == ["MISSING_START_TIME"]
    assert fake.requests == []


def test_vendor_errors_carry_status_code_text_and_issues() -> None:
    _fake, client, _ = mk_pair()
    with pytest.raises(VendorError) as raised:
        client.read_order("no-such-order")
    error = raised.value
    assert (error.status, error.vendor_code) == (400, "ORDER_NOT_FOUND")
    assert [i.vendor_code for i in error.issues] == ["ORDER_NOT_FOUND"]
    assert isinstance(error, db.DealerbridgeError)


def test_reads_retry_429_after_retry_after_and_5xx_with_backoff() -> None:
    fake, client, sleeps = mk_pair()
    uuid = client.create_order(CREATE).order_uuid
    fake.fail("GET", "global_order", status=429, retry_after=2)
    fake.fail("GET", "global_order", status=503)
    assert client.read_order(uuid).order.uuid == uuid
    assert sleeps[0] == 2.0 and 0 <= sleeps[1] <= 1.0  # Retry-After, then jitter within 2 x 0.5
    fake.fail("GET", "global_order", status=503, times=3)
    with pytest.raises(VendorError) as raised:
        client.read_order(uuid)
    assert raised.value.status == 503 and len(sleeps) == 4  # retries=2: three attempts


def test_a_read_that_never_answers_is_a_vendor_error_without_status() -> None:
    fake, client, _ = mk_pair(retries=1)
    fake.time_out("GET", "", times=2)
    with pytest.raises(VendorError) as raised:
        client.read_order("x")
    assert raised.value.status is None


def test_a_lost_create_is_settled_by_the_same_order_rule_not_duplicated() -> None:
    fake, client, _ = mk_pair()
    fake.lose_response("PUT", r"/order$")
    uuid = client.create_order(CREATE).order_uuid
    assert list(fake.orders) == [uuid]
    fake.violations.clear()  # the second create, refused as the same order


def test_a_create_refused_with_5xx_is_sent_again_once_nothing_was_created() -> None:
    fake, client, _ = mk_pair()
    fake.fail("PUT", r"/order$", status=503)
    uuid = client.create_order(CREATE).order_uuid
    assert list(fake.orders) == [uuid]
    assert [r.method for r in fake.requests] == ["PUT", "PUT"]


def test_a_lost_update_is_read_back_and_not_sent_again() -> None:
    fake, client, _ = mk_pair()
    uuid = client.create_order(CREATE).order_uuid
    fake.lose_response("POST", "/order/")
    closed = db.load(mk.UpdateOrderRequest, db.dump(with_status("CLOSED")))
    assert client.update_order(uuid, closed).order_uuid == uuid
    assert [r.method for r in fake.requests[1:]] == ["GET", "POST", "GET"]


def test_a_lost_partner_appointment_is_an_uncertain_write() -> None:
    fake, client, _ = mk_pair()
    fake.lose_response("POST", "partner")
    partner = db.load(
        mk.PartnerAppointmentRequest,
        fixture("mykaarma/partner-appointment-request/valid-pnd-api-with-dropoff.json"),
    )
    with pytest.raises(UncertainWrite):
        client.create_partner_appointment(partner)
    assert len(fake.appointments) == 1  # it did commit: the client did not send it again


def test_customer_warnings_are_returned_and_the_verbs_are_keywords() -> None:
    fake, client, _ = mk_pair(create_customer_method="PUT", update_customer_method="POST")
    body = fixture("mykaarma/create-customer-request/valid-person-with-vehicle.json")
    body["customer"]["phoneNumbers"] = [{"phoneNumber": "3105550147", "label": "cell"}]
    created = client.create_customer(db.load(mk.CreateCustomerRequest, body))
    assert 10015 in [w.warning_code for w in created.warnings]
    uuid = created.customer_uuid
    update = db.load(mk.UpdateCustomerRequest, body)
    client.update_customer(uuid, update)
    assert client.read_customer(uuid).customer_with_vehicles.customer.customer_uuid == uuid
    query = db.load(mk.SearchCustomersQuery, {"searchTerm": body["customer"]["lastName"]})
    assert client.search_customers(query).matching_count == 1
    assert [r.method for r in fake.requests[:2]] == ["PUT", "POST"]


def test_the_checksum_header_spelling_is_a_keyword() -> None:
    fake, client, _ = mk_pair(checksum_header="orderReadorderReadChecksum")
    uuid = client.create_order(CREATE).order_uuid
    update = db.load(mk.UpdateOrderRequest, CREATE_JSON)
    with pytest.raises(VendorError) as raised:
        client.update_order(uuid, update)
    assert raised.value.vendor_code == "FAKE_CHECKSUM_MISSPELLED"
    fake.violations.clear()


def test_dry_run_validates_and_records_writes_without_sending() -> None:
    fake, client, _ = mk_pair(dry_run=True)
    answer = client.create_order(CREATE)
    assert answer.order_uuid is db.UNSET  # nothing invented
    assert fake.requests == [] and fake.orders == {}
    (planned,) = client.planned
    assert planned.method == "PUT" and planned.body == CREATE_JSON


def test_requests_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    _fake, client, _ = mk_pair()
    with caplog.at_level(logging.INFO, logger="dealerbridge.clients"):
        client.create_order(CREATE)
    assert any("PUT" in r.getMessage() and "-> 200" in r.getMessage() for r in caplog.records)


# --------------------------------------------------------------------------- Shopmonkey


def test_services_round_trip() -> None:
    fake, client, order_id, _ = sm_pair()
    created = client.create_services(order_id, BRAKES)
    (service,) = created.data.services
    assert sm.reconcile_service(service).matches
    assert [s.id for s in client.get_services(order_id)] == [service.id]
    update = db.load(sm.UpdateServiceRequest, {"authorizationStatus": "Authorized"})
    client.update_service(order_id, service.id, update)
    assert client.get_services(order_id)[0].authorization_status == "Authorized"
    assert client.get_order(order_id).total_cost_cents == service.total_cents
    client.delete_service(order_id, service.id)
    assert client.get_services(order_id) == []
    assert fake.violations == []


def test_a_lost_service_create_is_read_back_not_sent_twice() -> None:
    fake, client, order_id, _ = sm_pair()
    fake.lose_response("POST", "/service")
    (service,) = client.create_services(order_id, BRAKES).data.services
    assert [s["id"] for s in fake.services[order_id]] == [service.id]
    fake.fail("POST", "/service", status=502)  # refused: nothing created, safe to resend
    client.create_services(order_id, BRAKES)
    assert len(fake.services[order_id]) == 2


def test_service_updates_and_deletes_retry() -> None:
    fake, client, order_id, sleeps = sm_pair()
    (service,) = client.create_services(order_id, BRAKES).data.services
    fake.time_out("DELETE", "/service/")
    client.delete_service(order_id, service.id)
    assert fake.services[order_id] == [] and len(sleeps) == 1


def test_list_orders_pages_to_the_end_and_warns_when_short_of_the_total() -> None:
    fake, client, _, _ = sm_pair(mode="faithful")
    for n in range(7):
        order = copy.deepcopy(SM_ORDER)
        order["id"] = f"order-{n:02d}"
        fake.add_order(order)
    with pytest.warns(IncompleteListWarning):
        orders = client.list_orders(page_size=3)
    assert len({o.id for o in orders}) == len(orders) == 8  # the fixture's own order, too
    assert all(r.query["orderby"] == "id" and r.query["limit"] == "3" for r in fake.requests)


def test_order_reads_that_are_not_the_envelope_are_vendor_errors() -> None:
    """get_order/list_orders read through sm.GetOrderResponse/sm.ListOrdersResponse."""
    import httpx

    answers = {
        "/v3/order/o-1": {"success": True, "data": [SM_ORDER]},  # a list where the order goes
        "/v3/order": {"success": True, "data": [SM_ORDER], "meta": {"total": -1}},
    }

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=answers[request.url.path])

    client = ShopmonkeyClient(api_key="k", transport=httpx.MockTransport(handler), retries=0)
    with pytest.raises(VendorError, match="GetOrderResponse") as raised:
        client.get_order("o-1")
    assert [i.path for i in raised.value.issues] == ["/data"]
    with pytest.raises(VendorError, match="ListOrdersResponse") as raised:
        client.list_orders()
    assert [i.path for i in raised.value.issues] == ["/meta/total"]


def test_a_wrong_key_is_a_vendor_error() -> None:
    fake = FakeShopmonkey()
    client = ShopmonkeyClient(api_key="wrong", transport=fake.transport)
    with pytest.raises(VendorError) as raised:
        client.get_services("x")
    assert raised.value.status == 401
    fake.violations.clear()


# --------------------------------------------------------------------------- async twins


def test_the_async_clients() -> None:
    mk_fake = FakeMyKaarma()
    sm_fake = FakeShopmonkey()
    order_id = sm_fake.add_order(SM_ORDER)

    async def nap(seconds: float) -> None:
        return None

    async def go() -> tuple[str, int]:
        async with (
            AsyncMyKaarmaClient(
                username=mk_fake.username,
                password=mk_fake.password,
                department_uuid=mk_fake.department_uuid,
                transport=mk_fake.async_transport,
                sleep=nap,
            ) as mkc,
            AsyncShopmonkeyClient(
                api_key=sm_fake.api_key, transport=sm_fake.async_transport, sleep=nap
            ) as smc,
        ):
            uuid = (await mkc.upsert_order(CREATE)).order_uuid
            sm_fake.fail("POST", "/service", status=429, retry_after=0)
            await smc.create_services(order_id, BRAKES)
            return (await mkc.read_order(uuid)).order.uuid, len(await smc.get_services(order_id))

    uuid, count = asyncio.run(go())
    assert uuid in mk_fake.orders and count == 1

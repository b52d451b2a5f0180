"""dealerbridge.fakes: the in-process vendor fakes (issue 22 item 1).

Every test talks to a fake through httpx (its transport or its ASGI app), as a user's code
would; nothing opens a socket.
"""

from __future__ import annotations

import asyncio
import copy
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

import dealerbridge as db
from dealerbridge import mykaarma as mk
from dealerbridge import shopmonkey as sm
from dealerbridge.fakes import LIST_LIMIT, FakeMyKaarma, FakeShopmonkey

pytest_plugins = ["pytester"]

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


CREATE = fixture("mykaarma/create-order-request/valid-minimal-advisor-number.json")
SM_ORDER = fixture("shopmonkey/order/valid-live-detail-shape.json")
BRAKES = fixture("shopmonkey/create-services-request/valid-custom-brake-job.json")


def mk_client(fake: FakeMyKaarma) -> httpx.Client:
    return httpx.Client(
        transport=fake.transport,
        base_url="https://api.mykaarma.com",
        auth=(fake.username, fake.password),
    )


def sm_client(fake: FakeShopmonkey) -> httpx.Client:
    return httpx.Client(
        transport=fake.transport,
        base_url="https://api.shopmonkey.cloud",
        headers={"authorization": f"Bearer {fake.api_key}"},
    )


def orders_path(fake: FakeMyKaarma) -> str:
    return f"/order/v2/department/{fake.department_uuid}"


def with_number(number: str, date: str = "2025-03-15") -> dict[str, Any]:
    body = copy.deepcopy(CREATE)
    body["order"]["header"]["orderNumber"] = number
    body["order"]["header"]["createDate"] = date
    return body


# --------------------------------------------------------------------------- myKaarma orders


def test_create_read_update_with_the_read_checksum() -> None:
    fake = FakeMyKaarma()
    client = mk_client(fake)
    created = client.put(f"{orders_path(fake)}/order", json=CREATE)
    assert created.status_code == 200
    uuid = db.load(mk.CreateOrderResponse, created.content).order_uuid
    read = db.load(
        mk.ReadOrderResponse, client.get(f"{orders_path(fake)}/global_order/{uuid}").content
    )
    assert read.order.uuid == uuid
    header = read.order.order.header
    # read back as myKaarma reads: the status letter, orderDate/orderTime
    assert (header.status, header.order_date, header.order_time) == ("O", "2025-03-15", "13:05:00")
    body = with_number("48214")
    body["order"]["header"]["status"] = "CLOSED"
    updated = client.post(
        f"{orders_path(fake)}/order/{uuid}",
        json=body,
        headers={"orderReadChecksum": read.order_read_checksum},
    )
    assert updated.status_code == 200
    assert fake.orders[uuid]["header"]["status"] == "C"
    assert fake.checksums[uuid] != read.order_read_checksum
    assert fake.violations == []


def test_update_with_a_stale_or_missing_checksum_is_refused_and_recorded() -> None:
    fake = FakeMyKaarma()
    client = mk_client(fake)
    uuid = client.put(f"{orders_path(fake)}/order", json=CREATE).json()["orderUUID"]
    before = copy.deepcopy(fake.orders[uuid])
    stale = client.post(
        f"{orders_path(fake)}/order/{uuid}", json=CREATE, headers={"orderReadChecksum": "0" * 32}
    )
    assert stale.status_code == 409
    assert stale.json()["errors"][0]["errorCode"] == "FAKE_STALE_CHECKSUM"
    missing = client.post(f"{orders_path(fake)}/order/{uuid}", json=CREATE)
    assert missing.status_code == 400
    misspelled = client.post(
        f"{orders_path(fake)}/order/{uuid}",
        json=CREATE,
        headers={"orderReadorderReadChecksum": fake.checksums[uuid]},
    )
    assert misspelled.status_code == 400
    assert fake.orders[uuid] == before
    assert [v.rule for v in fake.violations] == [
        "FAKE_STALE_CHECKSUM",
        "FAKE_CHECKSUM_MISSING",
        "FAKE_CHECKSUM_MISSPELLED",
    ]


def test_the_same_order_number_within_30_days_is_refused_naming_the_order() -> None:
    fake = FakeMyKaarma()
    client = mk_client(fake)
    uuid = client.put(f"{orders_path(fake)}/order", json=with_number("RO-1")).json()["orderUUID"]
    again = client.put(f"{orders_path(fake)}/order", json=with_number("RO-1", "2025-04-14"))
    assert again.status_code == 400
    error = db.load(mk.CreateOrderResponse, again.content).errors[0]
    assert error.error_code == "ORDER_ALREADY_EXISTS" and uuid in str(error.error_description)
    assert [v.rule for v in fake.violations] == ["ORDER_ALREADY_EXISTS"]
    fake.violations.clear()
    # 31 days later, or another number: a new order
    later = client.put(f"{orders_path(fake)}/order", json=with_number("RO-1", "2025-04-16"))
    other = client.put(f"{orders_path(fake)}/order", json=with_number("RO-2", "2025-03-15"))
    assert (later.status_code, other.status_code) == (200, 200)
    assert len(fake.orders) == 3


def test_an_invalid_create_is_refused_with_the_schema_issues_and_changes_nothing() -> None:
    fake = FakeMyKaarma()
    body = copy.deepcopy(CREATE)
    body["order"]["header"]["status"] = "O"  # letters are for reading, words for create
    answer = mk_client(fake).put(f"{orders_path(fake)}/order", json=body)
    assert answer.status_code == 400
    parsed = db.load(mk.CreateOrderResponse, answer.content)
    assert "/order/header/status" in str(parsed.errors[0].error_description)
    assert fake.orders == {} and fake.deliveries == []
    (violation,) = fake.violations
    assert violation.rule == "mykaarma/create-order-request"
    assert [i.path for i in violation.issues] == ["/order/header/status"]


def test_a_body_with_a_duplicate_key_is_read_strictly_refused_and_recorded() -> None:
    # json.loads keeps the last "status"; the strict reader a user calls refuses the body.
    text = json.dumps(with_number("RO-DUP")).replace(
        '"status": "OPENED"', '"status": "CLOSED", "status": "OPENED"', 1
    )
    assert text.count('"status"') >= 2
    fake = FakeMyKaarma()
    answer = mk_client(fake).put(
        f"{orders_path(fake)}/order", content=text, headers={"content-type": "application/json"}
    )
    assert answer.status_code == 400
    assert fake.orders == {}
    (violation,) = fake.violations
    assert violation.rule == "json"
    assert [i.code for i in violation.issues] == ["json.duplicate_key"]

    shop = FakeShopmonkey()
    shop.add_order(SM_ORDER)
    body = json.dumps(BRAKES).replace("{", '{"name": "x", ', 1)
    path = f"/v3/order/{SM_ORDER['id']}/service"
    reply = sm_client(shop).post(path, content=body, headers={"content-type": "application/json"})
    assert reply.status_code == 400
    (violation,) = shop.violations
    assert violation.rule == "json"
    assert [i.code for i in violation.issues] == ["json.duplicate_key"]


def test_wrong_credentials_and_another_department_are_refused() -> None:
    fake = FakeMyKaarma()
    wrong = httpx.Client(transport=fake.transport, auth=("someone", "else"))
    assert (
        wrong.put(f"https://api.mykaarma.com{orders_path(fake)}/order", json=CREATE).status_code
        == 401
    )
    other = mk_client(fake).put(f"/order/v2/department/{'0' * 64}/order", json=CREATE)
    assert other.status_code == 403
    assert [v.rule for v in fake.violations] == ["auth", "department"]


def test_read_of_an_unknown_order_answers_order_not_found() -> None:
    fake = FakeMyKaarma()
    answer = mk_client(fake).get(f"{orders_path(fake)}/global_order/nope")
    assert answer.status_code == 400
    assert db.load(mk.ReadOrderResponse, answer.content).errors[0].error_code == "ORDER_NOT_FOUND"


def test_add_order_seeds_an_order_as_read() -> None:
    fake = FakeMyKaarma()
    read = fixture("mykaarma/read-order-response/valid-closed-order.json")
    uuid = fake.add_order(read)
    assert uuid == read["order"]["uuid"]
    answer = mk_client(fake).get(f"{orders_path(fake)}/global_order/{uuid}")
    assert answer.json()["order"]["order"] == read["order"]["order"]


# --------------------------------------------------------------------------- partner, customers


def test_partner_appointment_answers_the_documented_codes() -> None:
    fake = FakeMyKaarma()
    body = fixture("mykaarma/partner-appointment-request/valid-pnd-api-with-dropoff.json")
    path = f"/appointment/v2/dealers/{fake.dealer_uuid}/partner-appointments-with-trip"
    client = mk_client(fake)
    ok = client.post(path, json=body)
    assert ok.status_code == 200
    uuid = db.load(mk.PartnerAppointmentResponse, ok.content).appointment_uuid
    assert uuid in fake.appointments
    broken = copy.deepcopy(body)
    broken["appointmentDateTime"] = "2026-02-30T13:00:00-0700"  # no such day
    refused = client.post(path, json=broken)
    assert refused.status_code == 400
    codes = [e["errorCode"] for e in refused.json()["errors"]]
    assert codes == [
        i.vendor_code for i in mk.partner_request_errors(broken, dealer_uuid=fake.dealer_uuid)
    ]
    assert codes == ["MISSING_START_TIME"] and fake.violations[0].rule == codes[0]
    fake.violations.clear()


def test_a_partner_appointment_queues_one_signed_appointments_delivery() -> None:
    fake = FakeMyKaarma()
    body = fixture("mykaarma/partner-appointment-request/valid-pnd-api-with-dropoff.json")
    path = f"/appointment/v2/dealers/{fake.dealer_uuid}/partner-appointments-with-trip"
    answer = mk_client(fake).post(path, json=body)
    uuid = db.load(mk.PartnerAppointmentResponse, answer.content).appointment_uuid
    [delivery] = fake.deliveries  # one: the DMS acknowledgement event has no DMS to come from
    assert mk.verify_webhook_signature(delivery.body, delivery.headers, fake.webhook_secret)
    event = mk.parse_event(delivery.body)
    assert isinstance(event, mk.WebhookEvent) and event.type == "appointments"
    assert event.department_uuid == body["dealerDepartmentUUID"]
    assert isinstance(event.payload, str)
    # only the members the appointment-event page names and whose values the fake knows
    assert json.loads(event.payload) == {
        "uuid": uuid,
        "departmentUuid": body["dealerDepartmentUUID"],
        "event": "CREATED",
        "updatedByUserUuid": body["requesterUserUUID"],
    }
    assert delivery.key == uuid
    fake.deliveries.clear()
    refused = copy.deepcopy(body)
    del refused["pickupTripInformation"]
    mk_client(fake).post(path, json=refused)
    assert fake.deliveries == []  # a refused request queues nothing
    fake.violations.clear()


def test_customer_warnings_come_inside_a_200_and_the_customer_reads_back() -> None:
    fake = FakeMyKaarma()
    client = mk_client(fake)
    base = f"/customer/v2/department/{fake.department_uuid}/customer"
    body = fixture("mykaarma/create-customer-request/valid-person-with-vehicle.json")
    body["customer"]["phoneNumbers"] = [{"phoneNumber": "3105550147", "label": "cell"}]
    created = client.post(base, json=body)
    assert created.status_code == 200
    answer = db.load(mk.CreateCustomerResponse, created.content)
    assert [w.warning_code for w in answer.warnings] == [
        int(i.vendor_code) for i in mk.customer_request_warnings(body)
    ]
    assert 10015 in [w.warning_code for w in answer.warnings]
    read = db.load(mk.ReadCustomerResponse, client.get(f"{base}/{answer.customer_uuid}").content)
    assert read.customer_with_vehicles.customer.last_name == body["customer"]["lastName"]
    (delivery,) = fake.deliveries  # the customer event, with the customer as stored
    event = mk.parse_event(delivery.body)
    assert isinstance(event, mk.CustomerEvent) and event.type == "customers"
    assert event.payload.customer_with_vehicles.customer.customer_uuid == answer.customer_uuid
    found = client.get(f"{base}/list", params={"searchTerm": body["customer"]["lastName"]})
    assert db.load(mk.SearchCustomersResponse, found.content).matching_count == 1
    missing = client.put(f"{base}/nobody", json=body)
    assert missing.status_code == 404
    assert [v.rule for v in fake.violations] == ["CUSTOMER_NOT_FOUND"]
    fake.violations.clear()


# --------------------------------------------------------------------------- Shopmonkey


def seeded_shopmonkey(**kwargs: Any) -> tuple[FakeShopmonkey, str]:
    fake = FakeShopmonkey(**kwargs)
    return fake, fake.add_order(SM_ORDER)


def test_created_services_and_the_order_totals_agree() -> None:
    fake, order_id = seeded_shopmonkey()
    client = sm_client(fake)
    created = client.post(f"/v3/order/{order_id}/service", json=BRAKES)
    assert created.status_code == 200
    (service,) = db.load(sm.CreateServicesResponse, created.content).data.services
    assert sm.reconcile_service(service).matches
    # hand-checked: 1.5 h x $145.00 + 1 x $89.99 + 2 x $74.50 + $5.00 fee
    assert service.total_cents == 21750 + 8999 + 14900 + 500
    listed = db.load(sm.GetServicesResponse, client.get(f"/v3/order/{order_id}/service").content)
    order = client.get(f"/v3/order/{order_id}").json()["data"]
    assert order["totalCostCents"] == sum(s.total_cents for s in listed.data)
    service_id = service.id
    client.put(f"/v3/order/{order_id}/service/{service_id}", json={"discountCents": 0})
    deleted = client.request("DELETE", f"/v3/order/{order_id}/service/{service_id}", json={})
    assert deleted.status_code == 200
    assert client.get(f"/v3/order/{order_id}").json()["data"]["totalCostCents"] == 0
    assert fake.violations == []


def test_tax_epa_and_shop_supplies_are_computed_and_the_order_adds_up() -> None:
    fake, order_id = seeded_shopmonkey()
    client = sm_client(fake)
    body = [
        {
            "name": "Brakes",
            "labors": [{"name": "Pads", "hours": 2, "rateCents": 10000, "taxable": True}],
            "parts": [
                {"name": "Pad set", "quantity": 1, "retailCostCents": 5000, "taxable": False}
            ],
            "epaValueType": "FixedCents",
            "epaCents": 300,
            "shopSuppliesValueType": "Percent",
            "shopSuppliesPercent": 5,
            "taxValueType": "Percent",
            "taxPercent": 8.25,
        },
        {"name": "Tax only", "fees": [{"name": "Disposal", "amountCents": 700}], "taxCents": 999},
    ]
    created = client.post(f"/v3/order/{order_id}/service", json=body)
    first, second = db.load(sm.CreateServicesResponse, created.content).data.services
    # hand-checked: labor 2 h x $100.00 = 20000 (taxable), parts 5000 (not taxable);
    # shop supplies 5 % of labor + parts 25000 = 1250; EPA fixed 300;
    # tax 8.25 % of the taxable labor 20000 + shop supplies 1250 = 1753.125 -> 1753
    assert (first.calculated_epa_cents, first.calculated_shop_supplies_cents) == (300, 1250)
    assert first.calculated_tax_cents == 1753
    assert first.total_cents == 20000 + 5000 + 300 + 1250 + 1753
    # taxCents without a value type: the fixed amount applies
    assert (second.tax_value_type, second.calculated_tax_cents) == ("FixedCents", 999)
    assert second.total_cents == 700 + 999
    assert sm.reconcile_service(first).matches and sm.reconcile_service(second).matches
    order = client.get(f"/v3/order/{order_id}").json()["data"]
    listed = db.load(sm.GetServicesResponse, client.get(f"/v3/order/{order_id}/service").content)
    for key, field in (
        ("taxCents", "calculated_tax_cents"),
        ("epaCents", "calculated_epa_cents"),
        ("shopSuppliesCents", "calculated_shop_supplies_cents"),
        ("totalCostCents", "total_cents"),
    ):
        assert order[key] == sum(getattr(s, field) for s in listed.data), key
    # an update recomputes: taxPercent 0 leaves no tax
    client.put(f"/v3/order/{order_id}/service/{first.id}", json={"taxPercent": 0})
    again = db.load(sm.GetServicesResponse, client.get(f"/v3/order/{order_id}/service").content)
    assert [s.calculated_tax_cents for s in again.data if s.id == first.id] == [0]
    assert fake.violations == []


def test_strict_refuses_a_misnamed_member_faithful_drops_it_and_both_record_it() -> None:
    body = copy.deepcopy(BRAKES)
    body[0]["labors"][0]["hour"] = body[0]["labors"][0].pop("hours")  # pitfall 1
    strict, order_id = seeded_shopmonkey()
    refused = sm_client(strict).post(f"/v3/order/{order_id}/service", json=body)
    assert refused.status_code == 400
    assert db.load(sm.ErrorResponse, refused.content).success is False
    assert strict.services[order_id] == []
    faithful, order_id = seeded_shopmonkey(mode="faithful")
    accepted = sm_client(faithful).post(f"/v3/order/{order_id}/service", json=body)
    assert accepted.status_code == 200
    (service,) = accepted.json()["data"]["services"]
    assert service["labors"][0]["hours"] == 1  # Shopmonkey's default, not the 1.5 sent
    for fake in (strict, faithful):
        (violation,) = fake.violations
        assert violation.rule == "shopmonkey/create-services-request"


def test_delete_needs_a_body_and_include_order_false_leaves_the_order_out() -> None:
    fake, order_id = seeded_shopmonkey()
    client = sm_client(fake)
    service_id = client.post(f"/v3/order/{order_id}/service", json=BRAKES).json()["data"][
        "services"
    ][0]["id"]
    assert client.delete(f"/v3/order/{order_id}/service/{service_id}").status_code == 400
    assert [v.rule for v in fake.violations] == ["empty-body"]
    fake.violations.clear()
    answer = client.request(
        "DELETE", f"/v3/order/{order_id}/service/{service_id}?includeOrder=false", json={}
    )
    assert answer.json() == {"success": True, "data": {}}


def many_orders(fake: FakeShopmonkey, count: int) -> list[str]:
    ids = []
    for n in range(count):
        order = copy.deepcopy(SM_ORDER)
        order["id"] = f"order-{n:04d}"
        ids.append(fake.add_order(order))
    return ids


def test_lists_cap_limit_and_faithful_tail_pages_repeat_a_row() -> None:
    strict = FakeShopmonkey()
    many_orders(strict, LIST_LIMIT + 5)
    page = sm_client(strict).get("/v3/order", params={"limit": 500}).json()
    assert len(page["data"]) == LIST_LIMIT and page["meta"] == {"total": 105, "hasMore": True}
    assert [v.rule for v in strict.violations] == ["limit"]
    faithful = FakeShopmonkey(mode="faithful")
    many_orders(faithful, 5)
    tail = sm_client(faithful).get("/v3/order", params={"limit": 3, "skip": 3}).json()
    assert [o["id"] for o in tail["data"]] == ["order-0002", "order-0003", "order-0004"]
    assert tail["meta"]["total"] == 6


# --------------------------------------------------------------------------- faults


def test_list_rows_leave_the_joins_out_and_the_query_is_checked() -> None:
    fake, order_id = seeded_shopmonkey()
    client = sm_client(fake)
    page = db.load(sm.ListOrdersResponse, client.get("/v3/order", params={"limit": 5}).content)
    (row,) = page.data
    assert isinstance(row, sm.OrderListRow) and row.id == order_id
    # as the live list (QUIRKS 09): no customer, vehicle or workflowStatus, which the order has
    assert (row.customer, row.vehicle, row.workflow_status) == (db.UNSET, db.UNSET, db.UNSET)
    assert db.errors(db.dump(row), "shopmonkey/order")  # a row is not a whole order
    order = client.get(f"/v3/order/{order_id}").json()["data"]
    assert {"customer", "vehicle", "workflowStatus"} <= set(order)
    for params in ({"limit": "ten"}, {"limit": 0}, {"skip": -1}, {"limit": 2**63}):
        assert client.get("/v3/order", params=params).status_code == 400, params
    assert [v.rule for v in fake.violations] == ["shopmonkey/list-orders-query"] * 4
    fake.violations.clear()


def test_fail_answers_the_vendor_error_with_retry_after_and_touches_nothing() -> None:
    fake, order_id = seeded_shopmonkey()
    fake.fail("POST", r"/service$", status=429, retry_after=2)
    client = sm_client(fake)
    limited = client.post(f"/v3/order/{order_id}/service", json=BRAKES)
    assert (limited.status_code, limited.headers["retry-after"]) == (429, "2")
    assert db.load(sm.ErrorResponse, limited.content).success is False
    assert fake.services[order_id] == []
    assert client.post(f"/v3/order/{order_id}/service", json=BRAKES).status_code == 200


def test_a_lost_response_commits_the_write_and_the_client_times_out() -> None:
    fake = FakeMyKaarma()
    fake.lose_response("PUT", r"/order$")
    with pytest.raises(httpx.ReadTimeout):
        mk_client(fake).put(f"{orders_path(fake)}/order", json=CREATE)
    assert len(fake.orders) == 1 and fake.requests[-1].status == 200


def test_timeouts_resets_and_malformed_answers() -> None:
    fake = FakeMyKaarma()
    client = mk_client(fake)
    fake.time_out("PUT", "order")
    with pytest.raises(httpx.ReadTimeout):
        client.put(f"{orders_path(fake)}/order", json=CREATE)
    assert fake.orders == {}  # a timeout before handling commits nothing
    fake.reset("*", "")
    with pytest.raises(httpx.RemoteProtocolError):
        client.put(f"{orders_path(fake)}/order", json=CREATE)
    fake.malformed("PUT", "order")
    answer = client.put(f"{orders_path(fake)}/order", json=CREATE)
    with pytest.raises(db.ValidationError):
        db.load(mk.CreateOrderResponse, answer.content)
    assert len(fake.orders) == 1


def test_chaos_repeats_exactly_for_a_seed() -> None:
    def run(seed: int) -> list[int]:
        fake = FakeMyKaarma(seed=seed)
        fake.chaos(0.5, kinds=("status",), count=20)
        client = mk_client(fake)
        return [client.get(f"{orders_path(fake)}/global_order/x{n}").status_code for n in range(20)]

    assert run(7) == run(7)
    assert run(7) != run(8)
    assert {503, 400} == set(run(7))


# --------------------------------------------------------------------------- serving


def test_the_asgi_app_and_the_async_transport_share_the_state() -> None:
    fake, order_id = seeded_shopmonkey()
    headers = {"authorization": f"Bearer {fake.api_key}"}

    async def go() -> tuple[int, int]:
        asgi = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=fake.asgi),
            base_url="https://api.shopmonkey.cloud",
            headers=headers,
        )
        direct = httpx.AsyncClient(
            transport=fake.async_transport, base_url="https://api.shopmonkey.cloud", headers=headers
        )
        async with asgi, direct:
            created = await asgi.post(f"/v3/order/{order_id}/service", json=BRAKES)
            listed = await direct.get(f"/v3/order/{order_id}/service")
        return created.status_code, len(listed.json()["data"])

    assert asyncio.run(go()) == (200, 1)
    assert [r.method for r in fake.requests] == ["POST", "GET"]


# --------------------------------------------------------------------------- webhooks


def test_deliveries_are_signed_with_each_vendors_scheme() -> None:
    fake = FakeMyKaarma()
    mk_client(fake).put(f"{orders_path(fake)}/order", json=CREATE)
    (delivery,) = fake.deliveries
    assert mk.verify_webhook_signature(
        delivery.body, delivery.headers["mykaarma-signature-token"], fake.webhook_secret
    )
    assert mk.verify_authorization_token(
        delivery.headers["x-authorization-token"], fake.webhook_token
    )
    event = mk.parse_order_event(delivery.body)
    assert event.payload.uuid == next(iter(fake.orders))

    shop, order_id = seeded_shopmonkey()
    sm_client(shop).post(f"/v3/order/{order_id}/service", json=BRAKES)
    assert [sm.parse_webhook(d.body).table for d in shop.deliveries] == ["service", "order"]
    assert all(sm.verify_webhook(d.body, d.headers, shop.webhook_secret) for d in shop.deliveries)


def received(fake: FakeShopmonkey, order: Any) -> list[tuple[str, bool]]:
    seen: list[tuple[str, bool]] = []

    def receiver(body: bytes, headers: dict[str, str]) -> int:
        ok = sm.verify_webhook(body, headers, fake.webhook_secret)
        seen.append((json.loads(body)["table"], ok))
        return 200 if ok else 401

    results = fake.deliver(receiver, order=order)
    assert [r.status for r in results] == [200 if ok else 401 for _, ok in seen]
    return seen


def test_deliver_orders() -> None:
    def queued(seed: int = 0) -> FakeShopmonkey:
        fake, order_id = seeded_shopmonkey(seed=seed)
        client = sm_client(fake)
        for _ in range(3):
            client.post(f"/v3/order/{order_id}/service", json=BRAKES)
        return fake

    fifo = received(queued(), "fifo")
    assert [t for t, _ in fifo] == ["service", "order"] * 3 and all(ok for _, ok in fifo)
    shuffled = received(queued(), "shuffled")
    assert sorted(shuffled) == sorted(fifo) and shuffled != fifo
    assert shuffled == received(queued(), "shuffled")  # the seed decides
    assert len(received(queued(), "duplicated")) == 12
    stale = received(queued(), "stale")
    # the order row was superseded twice: both older versions come again, too old to verify
    assert stale[6:] == [("order", False), ("order", False)]
    assert all(not ok for _, ok in received(queued(), "forged"))
    fake = queued()
    fake.deliver(lambda body, headers: None)
    assert fake.deliveries == []


def test_deliver_to_an_asgi_app() -> None:
    fake = FakeMyKaarma()
    mk_client(fake).put(f"{orders_path(fake)}/order", json=CREATE)
    bodies: list[bytes] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        message = await receive()
        bodies.append(message["body"])
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    (result,) = fake.deliver(app)
    assert result.status == 204 and bodies == [result.delivery.body]


# --------------------------------------------------------------------------- pytest plugin


def test_the_fixture_fails_a_test_that_leaves_violations(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx

        def test_bad(fake_shopmonkey):
            httpx.Client(transport=fake_shopmonkey.transport).get(
                "https://api.shopmonkey.cloud/v3/order")

        def test_good(fake_mykaarma):
            assert fake_mykaarma.violations == []
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*fake_shopmonkey recorded 1 violation*", "*auth*"])


def test_the_plugin_loads_without_httpx() -> None:
    """pytest loads the plugin wherever dealerbridge is installed: without the fakes extra
    (httpx) it must still import, and only a test using a fixture needs httpx."""
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['httpx'] = None\n"
        "import dealerbridge._pytest_plugin as plugin\n"
        "assert 'dealerbridge.fakes' not in sys.modules\n"
        "print(sorted(n for n in plugin.__all__))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['fake_mykaarma', 'fake_shopmonkey']"


def test_the_order_sums_its_services_gst_pst_and_hst() -> None:
    # a Canadian service seeded with its taxes: the order's sums are its services' (before,
    # the fake left gstCents/pstCents/hstCents as seeded, 0 here, and the forward mapping
    # refused the order as mapping.order_category)
    service = fixture("shopmonkey/service/valid-live-shape-ca-tires.json")
    fake = FakeShopmonkey()
    order_id = fake.add_order(SM_ORDER, [service])
    order = sm_client(fake).get(f"/v3/order/{order_id}").json()["data"]
    # hand-checked from the fixture: GST 57.06, PST 79.88, no HST
    assert (order["gstCents"], order["pstCents"], order["hstCents"]) == (5706, 7988, 0)
    assert fake.violations == []

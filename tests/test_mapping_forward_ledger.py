"""Shopmonkey -> myKaarma: hand-checked orders for the order balance, credits, coupons and pay
types (issue 18 items 1, 3, 4, 7, 8). Every expected amount is worked out by hand in the
comment above it, never computed by the code under test."""

import copy
import json
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dealerbridge as db
from dealerbridge import mapping
from dealerbridge import shopmonkey as sm
from dealerbridge.mapping import _forward
from dealerbridge.shopmonkey._totals import ORDER_CATEGORIES

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "mapping" / "repair-order-brakes"
ORDER = json.loads((FIXTURES / "order.json").read_text())
BASE = json.loads((FIXTURES / "services.json").read_text())["data"][0]
CONFIG = mapping.MappingConfig(
    orders=mapping.OrdersConfig(
        default_op_code="MISC",
        default_advisor_number="109162",
        customers={ORDER["customerId"]: "mk-customer"},
        order_discounts="allocate",
        transactional_fees="misc",
    )
)


def configured(**changes):
    return attrs.evolve(CONFIG, orders=attrs.evolve(CONFIG.orders, **changes))


def labor(sid, n, hours, rate, **more):
    line = copy.deepcopy(BASE["labors"][0])
    line.update(id=f"{sid}-L{n}", hours=hours, rateCents=rate, ordinal=n, costTotalCents=None)
    line.update(more)
    return line


def part(sid, n, quantity, retail, wholesale, number, **more):
    line = copy.deepcopy(BASE["parts"][0])
    line.update(
        id=f"{sid}-P{n}",
        quantity=quantity,
        retailCostCents=retail,
        wholesaleCostCents=wholesale,
        partNumber=number,
        name=number,
        ordinal=n,
    )
    line.update(more)
    return line


def service(sid, name, ordinal, *, labors=(), parts=(), labor_cents, parts_cents, tax, total):
    """A service whose categories and total are given by hand (no fees, EPA, supplies)."""
    data = copy.deepcopy(BASE)
    data.update(
        id=sid,
        name=name,
        ordinal=ordinal,
        labors=list(labors),
        parts=list(parts),
        fees=[],
        calculatedLaborCents=labor_cents,
        calculatedPartsCents=parts_cents,
        calculatedFeeCents=0,
        calculatedShopSuppliesCents=0,
        calculatedTaxCents=tax,
        totalCents=total,
    )
    return data


def order(total, **more):
    return dict(ORDER, totalCostCents=total, **more)


#: The order's category sums and the service field each one sums.
CATEGORIES = ORDER_CATEGORIES


def stated(order_, services, counted=None):
    """The order with its category sums as Shopmonkey states them for *services*: each
    service field summed over the services its total counts (*counted*; by default the
    authorized, not deferred, not hidden ones). Input data, not an expected value."""
    if counted is None:
        counted = [
            s
            for s in services
            if s["authorizationStatus"] == "Authorized"
            and s["deferredReason"] is None
            and not s["hidden"]
        ]
    sums = {field: sum(s.get(key) or 0 for s in counted) for field, key in CATEGORIES}
    return dict(order_, **sums)


def forward(order_, services, config=CONFIG, counted=None):
    mapped = mapping.shopmonkey_to_mykaarma(stated(order_, services, counted), services, config)
    return db.dump(mapped.value)["order"], mapped.report


def refused(order_, services, config=CONFIG):
    with pytest.raises(mapping.MappingError) as info:
        mapping.shopmonkey_to_mykaarma(stated(order_, services), services, config)
    return {(i.path, i.code) for i in info.value.issues}, info.value


def ledger(report):
    """(kind, source, cents) of the notes that move money, the total note last."""
    return [(n.kind, n.source, n.cents) for n in report if n.cents is not None]


# ------------------------------------------------------------------ credits stay where they are

# Alternator 1 x 289.99 (cost 180.00) and its core return -1 x 45.00 (cost 30.00), 1.0 h at
# 120.00, tax 20.00: parts 289.99 - 45.00 = 244.99; total 120.00 + 244.99 + 20.00 = 384.99.
ALTERNATOR = service(
    "svc-alt",
    "Replace alternator",
    1,
    labors=[labor("svc-alt", 1, 1, 12000)],
    parts=[
        part("svc-alt", 1, 1, 28999, 18000, "ALT-1"),
        part("svc-alt", 2, -1, 4500, 3000, "CORE-1"),
    ],
    labor_cents=12000,
    parts_cents=24499,
    tax=2000,
    total=38499,
)


def test_core_return_stays_a_negative_row_next_to_the_alternator():
    ro, report = forward(order(38499), [ALTERNATOR])
    (job,) = ro["jobs"]
    rows = [
        (p["partNumber"], p["quantitySold"], p.get("salePrice"), p["saleTotal"], p.get("cost"))
        for p in job["parts"]
    ]
    assert rows == [
        ("ALT-1", "1", "289.99", "289.99", "180.00"),
        ("CORE-1", "-1", "45.00", "-45.00", "30.00"),
    ]
    assert job["partsSale"] == "244.99"
    header = ro["header"]
    assert header["partsSale"] == header["partsSaleCustomer"] == "244.99"
    assert header["partsCost"] == "150.00"  # 180.00 - 30.00: the negative cost counts
    assert (header["customerPayStateTax"], header["customerPayAmount"]) == ("20.00", "384.99")
    assert not [n for n in report if n.kind in ("allocated", "residual")]
    assert not [n for n in report if "partsCost" in n.message]  # no "only N of M have a cost"
    assert ledger(report) == [("total", "/order/totalCostCents", 0)]


def test_three_third_hours_are_one_hour():
    # 3 x 0.333 h at 120.00 = 3 x 39.96 = 119.88; the job's hours are 0.999 -> 1.00, shared
    # out as 0.34 + 0.33 + 0.33 (largest remainder, ties to the first row)
    thirds = service(
        "svc-3",
        "Diagnosis",
        1,
        labors=[labor("svc-3", n, 0.333, 12000) for n in (1, 2, 3)],
        labor_cents=11988,
        parts_cents=0,
        tax=0,
        total=11988,
    )
    ro, report = forward(order(11988), [thirds])
    (job,) = ro["jobs"]
    assert job["soldHours"] == ro["header"]["soldHours"] == "1.00"
    assert [(r["soldHours"], r["laborSale"]) for r in job["techHours"]] == [
        ("0.34", "39.96"),
        ("0.33", "39.96"),
        ("0.33", "39.96"),
    ]
    assert [n.kind for n in report].count("rounded") == 3


# ------------------------------------------------------------------------------- pay types

BRAKES = service(
    "svc-brk",
    "Front brakes",
    1,
    labors=[labor("svc-brk", 1, 1, 12000)],
    labor_cents=12000,
    parts_cents=0,
    tax=990,
    total=12990,
)
COMEBACK = service(  # 0.8 h at 0.00: a comeback, done again for free
    "svc-cb",
    "Comeback - brake noise",
    2,
    labors=[labor("svc-cb", 1, 0.8, 0)],
    labor_cents=0,
    parts_cents=0,
    tax=0,
    total=0,
)
WARRANTY = service(  # 2.0 h at 100.00, paid by the manufacturer
    "svc-w",
    "Recall 23V-123",
    3,
    labors=[labor("svc-w", 1, 2, 10000)],
    labor_cents=20000,
    parts_cents=0,
    tax=0,
    total=20000,
)


def test_comeback_and_warranty_jobs_leave_customer_pay_alone():
    pays = {"Comeback - brake noise": "I", "Recall 23V-123": "W"}
    # order total 129.90 + 0.00 + 200.00 = 329.90
    ro, report = forward(order(32990), [BRAKES, COMEBACK, WARRANTY], configured(pay_types=pays))
    jobs = ro["jobs"]
    assert [(j["laborType"], j["laborSale"], j["soldHours"]) for j in jobs] == [
        ("C", "120.00", "1.00"),
        ("I", "0.00", "0.80"),
        ("W", "200.00", "2.00"),
    ]
    assert [r["laborType"] for j in jobs for r in j["techHours"]] == ["C", "I", "W"]
    h = ro["header"]
    assert (h["laborSale"], h["laborSaleCustomer"]) == ("320.00", "120.00")
    assert (h["laborSaleInternal"], h["laborSaleWarranty"]) == ("0.00", "200.00")
    assert (h["customerPayAmount"], h["customerPayStateTax"]) == ("129.90", "9.90")
    assert (h["internalPayAmount"], h["warrantyPayAmount"]) == ("0.00", "200.00")
    assert h["soldHours"] == "3.80"
    assert ledger(report) == [("total", "/order/totalCostCents", 0)]
    # an order discount of 10.00 is the customer's: it comes off the customer-pay job only
    # (labor 120.00 -> 110.00; customer pay 110.00 + 9.90 tax = 119.90; warranty stays 200.00)
    discounted = order(31990, appliedDiscountCents=1000)
    ro, report = forward(discounted, [BRAKES, COMEBACK, WARRANTY], configured(pay_types=pays))
    assert [j["laborSale"] for j in ro["jobs"]] == ["110.00", "0.00", "200.00"]
    h = ro["header"]
    assert (h["customerPayAmount"], h["warrantyPayAmount"]) == ("119.90", "200.00")
    assert ledger(report) == [("total", "/order/totalCostCents", 0)]
    # without the table the comeback is customer pay: 120.00 over 1.80 h on the RO
    ro, _ = forward(order(32990), [BRAKES, COMEBACK, WARRANTY])
    assert {j["laborType"] for j in ro["jobs"]} == {"C"}
    assert ro["header"]["customerPayAmount"] == "329.90"


def test_pay_type_by_canned_service_id_and_by_label():
    comeback = dict(COMEBACK, sourceServiceId="canned-77", labels=[{"name": "Comeback"}])
    for key in ("canned-77", "Comeback"):
        ro, _ = forward(order(12990), [BRAKES, comeback], configured(pay_types={key: "I"}))
        assert [j["laborType"] for j in ro["jobs"]] == ["C", "I"]


# ------------------------------------------------------------------------ the order balance

BRAKE_TOTAL = 49209  # the example order: one service of 492.09


def example_services():
    return json.loads((FIXTURES / "services.json").read_text())["data"]


def test_empty_services_list_is_refused_or_reported():
    # a failed or paged-out GET: a 0.00 RO for a 492.09 order
    found, error = refused(order(BRAKE_TOTAL), [])
    assert found == {("/order/totalCostCents", "mapping.order_total")}
    assert "49209 cents" in str(error)
    ro, report = forward(order(BRAKE_TOTAL), [], configured(unexplained_total="report"))
    assert ro["header"]["customerPayAmount"] == "0.00"
    assert ledger(report) == [
        ("unexplained", "/order/totalCostCents", 49209),
        ("total", "/order/totalCostCents", 49209),
    ]


def test_duplicate_and_foreign_services_are_refused():
    services = example_services()
    found, _ = refused(order(BRAKE_TOTAL), [*services, services[0]])
    assert found == {("/services/2/id", "mapping.duplicate_service")}
    services[1]["orderId"] = "another-order"
    found, _ = refused(order(BRAKE_TOTAL), services)
    assert found == {("/services/1/orderId", "mapping.foreign_service")}


def test_order_total_above_its_services():
    # Shopmonkey says 578.98, its services 492.09: 86.89 that no note explains
    found, _ = refused(order(BRAKE_TOTAL + 8689), example_services())
    assert found == {("/order/totalCostCents", "mapping.order_total")}
    ro, report = forward(
        order(BRAKE_TOTAL + 8689), example_services(), configured(unexplained_total="report")
    )
    assert ro["header"]["customerPayAmount"] == "492.09"
    assert ledger(report) == [
        ("unexplained", "/order/totalCostCents", 8689),
        ("total", "/order/totalCostCents", 8689),
    ]
    assert "578.98" in report[-1].message and "492.09" in report[-1].message


def test_order_total_above_its_services_in_labor():
    # the 86.89 sits in labor: Shopmonkey's laborCents 304.39, its service's 217.50
    above = dict(stated(order(BRAKE_TOTAL + 8689), example_services()), laborCents=30439)
    with pytest.raises(mapping.MappingError) as info:
        mapping.shopmonkey_to_mykaarma(above, example_services(), CONFIG)
    found = {(i.path, i.code) for i in info.value.issues}
    assert found == {
        ("/order/totalCostCents", "mapping.order_total"),
        ("/order/laborCents", "mapping.order_category"),
    }
    assert "sits in laborCents (+8689)" in str(info.value)
    assert (
        "laborCents is 30439 cents, its 1 counted services' calculatedLaborCents add up to "
        "21750: +8689 cents" in str(info.value)
    )
    mapped = mapping.shopmonkey_to_mykaarma(
        above, example_services(), configured(unexplained_total="report")
    )
    assert mapped.value.order.header.labor_sale == "217.50"
    notes = [(n.kind, n.source, n.target, n.cents) for n in mapped.report]
    assert notes[-3:] == [
        ("unexplained", "/order/laborCents", "/order/header/laborSale", None),
        ("unexplained", "/order/totalCostCents", "/order/header/customerPayAmount", 8689),
        ("total", "/order/totalCostCents", "/order/header/customerPayAmount", 8689),
    ]
    assert "labor (laborSale) 304.39 -> 217.50" in mapped.report[-1].message


def test_category_moved_between_labor_and_parts_with_the_total_right():
    # totals agree (492.09) but Shopmonkey puts 10.00 more in parts and 10.00 less in labor
    # than its service does: a category difference no note explains, the total none
    moved = dict(stated(order(BRAKE_TOTAL), example_services()), laborCents=20750, partsCents=24899)
    with pytest.raises(mapping.MappingError) as info:
        mapping.shopmonkey_to_mykaarma(moved, example_services(), CONFIG)
    assert {(i.path, i.code) for i in info.value.issues} == {
        ("/order/laborCents", "mapping.order_category"),
        ("/order/partsCents", "mapping.order_category"),
    }
    mapped = mapping.shopmonkey_to_mykaarma(
        moved, example_services(), configured(unexplained_total="report")
    )
    assert ledger(mapped.report) == [("total", "/order/totalCostCents", 0)]
    assert [(n.source, n.cents) for n in mapped.report if n.kind == "unexplained"] == [
        ("/order/laborCents", None),
        ("/order/partsCents", None),
    ]
    total = mapped.report[-1].message
    assert "labor (laborSale) 207.50 -> 217.50" in total
    assert "parts and tires (partsSale) 248.99 -> 238.99" in total


def test_discount_cents_may_include_the_order_discount():
    # the order's discountCents read either as its services' discounts (0.00 here) or with
    # the 10.00 order-level discount the jobs took: both agree; 5.00 agrees with neither
    base = stated(order(BRAKE_TOTAL - 1000, appliedDiscountCents=1000), example_services())
    for discount in (0, 1000):
        agreed = dict(base, discountCents=discount)
        mapping.shopmonkey_to_mykaarma(agreed, example_services(), CONFIG)
    odd = dict(base, discountCents=500)
    with pytest.raises(mapping.MappingError) as info:
        mapping.shopmonkey_to_mykaarma(odd, example_services(), CONFIG)
    assert {(i.path, i.code) for i in info.value.issues} == {
        ("/order/discountCents", "mapping.order_category")
    }


def test_card_fee_is_a_fee_note_in_the_ledger():
    # a 1.99 card fee the RO adds to miscSale: 492.09 + 1.99 = 494.08
    fee = {"transactionalFeeSubtotalCents": 199}
    ro, report = forward(order(BRAKE_TOTAL, **fee), example_services())
    assert ro["header"]["customerPayAmount"] == "494.08"
    assert [n.kind for n in report if "transactionalFee" in n.source] == ["fee"]
    # Shopmonkey's total without the fee: the fee note moves -1.99
    assert ledger(report) == [
        ("fee", "/order/transactionalFeeSubtotalCents", -199),
        ("total", "/order/totalCostCents", -199),
    ]
    # Shopmonkey's total with the fee (494.08): nothing moves
    _, report = forward(order(BRAKE_TOTAL + 199, **fee), example_services())
    assert ledger(report) == [("total", "/order/totalCostCents", 0)]


# --------------------------------------------------------------------------------- coupons


def coupon(status, cents, reason=None):
    return {
        "appliedByCustomerId": None,
        "appliedByUserId": "5f9c2a7e1d4b3c0012ab3601",
        "appliedDate": "2024-03-05T14:30:00.000Z",
        "appliedDiscountCents": cents,
        "companyId": ORDER["companyId"],
        "couponId": "coupon-1",
        "createdDate": "2024-03-05T14:30:00.000Z",
        "id": "cod-1",
        "locationId": ORDER["locationId"],
        "orderId": ORDER["id"],
        "redeemedDate": None,
        "redeemedOrderTotalCents": None,
        "status": status,
        "statusDate": "2024-03-05T14:30:00.000Z",
        "statusInvalidReason": reason,
        "updatedDate": "2024-03-05T14:30:00.000Z",
    }


def test_invalid_coupon_is_not_deducted():
    bad = order(BRAKE_TOTAL, couponOrderDiscount=coupon("Invalid", 2000, "Expired"))
    ro, report = forward(bad, example_services())
    assert ro["header"]["customerPayAmount"] == "492.09"  # not 472.09
    (note,) = [n for n in report if n.source == "/order/couponOrderDiscount"]
    assert (note.kind, note.cents) == ("excluded", None)
    assert "2000 cents" in note.message and "Expired" in note.message
    assert ledger(report) == [("total", "/order/totalCostCents", 0)]


def test_redeemed_coupon_alone_is_the_order_discount():
    # 492.09 - 20.00 = 472.09
    ro, report = forward(
        order(BRAKE_TOTAL - 2000, couponOrderDiscount=coupon("Redeemed", 2000)),
        example_services(),
    )
    assert ro["header"]["customerPayAmount"] == "472.09"
    assert ledger(report) == [("total", "/order/totalCostCents", 0)]


@pytest.mark.parametrize(
    ("total", "expected", "reading"),
    [
        (BRAKE_TOTAL - 1000, "482.09", "read as including the coupon"),  # 10.00 includes it
        (BRAKE_TOTAL - 3000, "462.09", "plus the coupon"),  # 10.00 + 20.00
    ],
)
def test_coupon_beside_manual_discount_read_from_the_order_total(total, expected, reading):
    both = order(total, appliedDiscountCents=1000, couponOrderDiscount=coupon("Applied", 2000))
    ro, report = forward(both, example_services())
    assert ro["header"]["customerPayAmount"] == expected
    (note,) = [n for n in report if n.kind == "allocated" and n.source.startswith("/order/")]
    assert reading in note.message
    assert ledger(report) == [("total", "/order/totalCostCents", 0)]


def test_coupon_beside_manual_discount_that_the_total_cannot_settle():
    # the total (492.09) fits neither 482.09 nor 462.09
    both = order(
        BRAKE_TOTAL, appliedDiscountCents=1000, couponOrderDiscount=coupon("Applied", 2000)
    )
    found, _ = refused(both, example_services())
    assert found == {
        ("/order/couponOrderDiscount/appliedDiscountCents", "mapping.ambiguous_discount")
    }
    # a configured reading is still checked by the order balance
    found, _ = refused(both, example_services(), configured(ambiguous_discount="separate"))
    assert found == {("/order/totalCostCents", "mapping.order_total")}
    ro, report = forward(
        both,
        example_services(),
        configured(ambiguous_discount="included", unexplained_total="report"),
    )
    assert ro["header"]["customerPayAmount"] == "482.09"
    assert ledger(report) == [
        ("unexplained", "/order/totalCostCents", 1000),
        ("total", "/order/totalCostCents", 1000),
    ]


def test_excluded_service_counted_by_shopmonkey_moves_its_total():
    # the example's NotAuthorized tire service (1278.15), counted in Shopmonkey's total
    services = example_services()  # Shopmonkey's sums count it too
    ro, report = forward(order(BRAKE_TOTAL + 127815), services, counted=services)
    assert ro["header"]["customerPayAmount"] == "492.09"
    assert ledger(report) == [
        ("excluded", "/services/1", 127815),
        ("total", "/order/totalCostCents", 127815),
    ]
    assert mapping.ledger_cents(report) == 127815


def test_declined_comped_service_in_the_category_sums_only():
    # a declined comeback: 0.80 h at 120.00 = 96.00 of labor, comped by a 96.00 discount,
    # total 0.00. Shopmonkey's total cannot say whether it counts it (it adds 0.00), its
    # laborCents (217.50 + 96.00 = 313.50) and discountCents (96.00) do: that reading is taken
    comped = service(
        "svc-comp",
        "Comeback road test",
        9,
        labors=[labor("svc-comp", 1, 0.8, 12000)],
        labor_cents=9600,
        parts_cents=0,
        tax=0,
        total=0,
    )
    comped.update(authorizationStatus="Declined", calculatedDiscountCents=9600)
    services = [*example_services(), comped]
    ro, report = forward(order(BRAKE_TOTAL), services, counted=[services[0], comped])
    assert ro["header"]["laborSale"] == "217.50"
    assert ledger(report) == [("total", "/order/totalCostCents", 0)]
    assert not [n for n in report if n.kind == "unexplained"]


# ------------------------------------------------------------------ percent line discounts


def test_percent_line_discount_is_honoured():
    # 2.0 h at 100.00 = 200.00 gross; discountValueType Percent, discountPercent 10 (the
    # 0-100 scale of taxPercent 8.25): 20.00 off, the line is 180.00, whatever discountCents
    # says when it is 0 or already 2000
    for cents in (0, 2000):
        line = labor("svc-pct", 1, 2, 10000)
        line.update(discountValueType="Percent", discountPercent=10, discountCents=cents)
        model = db.load(sm.Labor, line)
        assert sm.line_cents("labors", model) == 18000
        tuned = service(
            "svc-pct",
            "Alignment",
            1,
            labors=[line],
            labor_cents=18000,
            parts_cents=0,
            tax=0,
            total=18000,
        )
        ro, report = forward(order(18000), [tuned])  # reconciles: no mapping.unreconciled
        assert ro["jobs"][0]["laborSale"] == "180.00"
        assert ledger(report) == [("total", "/order/totalCostCents", 0)]
    # FixedCents: the percent is not read (a 10 % left over from an edit changes nothing)
    line.update(discountValueType="FixedCents", discountPercent=10, discountCents=500)
    assert sm.line_cents("labors", db.load(sm.Labor, line)) == 19500


# ----------------------------------------------------------------------- bounded numbers


@pytest.mark.parametrize(
    ("where", "value", "path"),
    [
        ("hours", 1e28, "/services/0/labors/0/hours"),
        ("multiplier", -1e13, "/services/0/labors/0/multiplier"),
        ("quantity", 1e28, "/services/0/parts/0/quantity"),
        ("discountPercent", 1e300, "/services/0/labors/0/discountPercent"),
        ("mileageIn", 1e28, "/order/mileageIn"),
    ],
)
def test_huge_numbers_are_refused_at_their_field(where, value, path):
    services = copy.deepcopy([ALTERNATOR])
    the_order = order(38499)
    if where in ("hours", "multiplier", "discountPercent"):
        services[0]["labors"][0][where] = value
        services[0]["labors"][0]["discountValueType"] = "Percent"
    elif where == "quantity":
        services[0]["parts"][0][where] = value
    else:
        the_order[where] = value
    with pytest.raises(db.ValidationError) as info:
        mapping.shopmonkey_to_mykaarma(the_order, services, CONFIG)
    assert [(i.path, i.code) for i in info.value.issues] == [(path, "number.range")]
    if where != "mileageIn":
        model = db.load(sm.Service, services[0])
        for check in (sm.service_totals, sm.reconcile_service):
            with pytest.raises(db.ValidationError) as info:
                check(model)
            assert info.value.issues[0].code == "number.range"
            assert info.value.issues[0].path == path.removeprefix("/services/0")


@settings(max_examples=25, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False), st.sampled_from(["hours", "quantity"]))
def test_any_json_number_maps_or_is_refused_never_crashes(value, field):
    services = copy.deepcopy([ALTERNATOR])
    if field == "hours":
        services[0]["labors"][0]["hours"] = value
    else:
        services[0]["parts"][0]["quantity"] = value
    try:
        mapping.shopmonkey_to_mykaarma(stated(order(38499), services), services, CONFIG)
    except db.ValidationError as error:  # MappingError included
        # a negative hours or quantity makes a negative line: refused under the config
        allowed = {"number.range", "mapping.unreconciled", "mapping.negative"}
        assert {i.code for i in error.issues} <= allowed


# ------------------------------------------------------------------ built as models, checked once


@pytest.mark.parametrize(
    "function", [mapping.shopmonkey_to_mykaarma, mapping.shopmonkey_to_mykaarma_update]
)
def test_the_built_request_is_checked_against_its_schema(monkeypatch, function):
    """The RO is built as models and validated once: an amount the builder wrote wrong is a
    ValidationError (not a MappingError, not a request handed back)."""
    monkeypatch.setattr(_forward, "_money", lambda cents: "12,50")
    with pytest.raises(db.ValidationError) as info:
        function(stated(order(38499), [ALTERNATOR]), [ALTERNATOR], CONFIG)
    assert not isinstance(info.value, mapping.MappingError)
    found = {(i.path, i.code) for i in info.value.issues}
    assert ("/order/header/customerPayAmount", "pattern") in found
    assert ("/order/jobs/0/laborSale", "pattern") in found


def test_the_forward_category_table_is_the_shared_one():
    # the forward mapping reads the categories through typed accessors; the wire names it
    # reports must be the shared table's (fakes and strategies sum the same fields)
    from dealerbridge.mapping import _forward

    assert [(c.field, c.service_field) for c in _forward._CATEGORIES] == list(ORDER_CATEGORIES)

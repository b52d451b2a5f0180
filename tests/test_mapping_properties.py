"""Invariants of the mapping over generated orders (our own list, resting on the contract and
the ledger in notes/decisions-mapping.md)."""

import copy
import json
import re
from decimal import Decimal

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dealerbridge as db
from dealerbridge import mapping
from dealerbridge import testing as dbt
from dealerbridge.mapping._common import job_letters
from dealerbridge.money import amount_to_cents
from dealerbridge.testing._mapping import CUSTOMER_IDS, TECHNICIAN_IDS

from .test_mapping_forward_ledger import stated
from .test_mapping_reverse import priced

PERMISSIVE = mapping.MappingConfig(
    orders=mapping.OrdersConfig(
        default_op_code="MISC",
        default_advisor_number="109162",
        customers={c: f"mk-{c}" for c in CUSTOMER_IDS},
        technicians={t: f"9{n}" for n, t in enumerate(TECHNICIAN_IDS)},
        negative_amounts="allocate",
        order_discounts="allocate",
        transactional_fees="misc",
        order_number_rewrite="strip",
        warranty_jobs="include",
        internal_jobs="include",
    )
)
SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)  # too_slow: each example loads several Shopmonkey payloads through the validator
ORDERS = dbt.shopmonkey_orders_with_services()
POSITIVE_ORDERS = dbt.shopmonkey_orders_with_services(negative=False)
MK_ORDERS = dbt.mykaarma_orders()
ALLOWED_REFUSALS = {"mapping.credit_exceeds_order", "mapping.transactional_fee"}
BUCKETS = ("labor", "parts", "misc", "sublet", "lube")


def cents(value):
    if value.startswith("-"):  # a part row's signed saleTotal (a credit that stays a row)
        return -amount_to_cents(value[1:])
    return amount_to_cents(value)


def ordinal_key(item):
    return Decimal(repr(item["ordinal"])) if isinstance(item["ordinal"], float) else Decimal(
        item["ordinal"]
    ), item["id"]


def included(services):
    chosen = [
        s
        for s in services
        if s["authorizationStatus"] == "Authorized"
        and s["deferredReason"] is None
        and not s["hidden"]
    ]
    return sorted(chosen, key=ordinal_key)


def forward(order, services, config=PERMISSIVE):
    try:
        mapped = mapping.shopmonkey_to_mykaarma(order, services, config)
    except mapping.MappingError as exc:
        assert {i.code for i in exc.issues} <= ALLOWED_REFUSALS, exc
        return None
    return mapped


def billed_hours(labor):
    hours = (
        Decimal(repr(labor["hours"]))
        if isinstance(labor["hours"], float)
        else Decimal(labor["hours"])
    )
    if labor["multiplierType"] == "Hours":
        multiplier = labor["multiplier"]
        hours *= Decimal(repr(multiplier)) if isinstance(multiplier, float) else multiplier
    return hours


@SETTINGS
@given(ORDERS)
def test_forward_money_structure_and_hours(drawn):
    order, services = drawn
    mapped = forward(order, services)
    if mapped is None:
        return
    body = db.dump(mapped.value)
    db.validate(body, "mykaarma/create-order-request")
    ro = body["order"]
    header = ro["header"]
    jobs = ro.get("jobs", [])
    mls = ro.get("mls", [])
    chosen = included(services)
    # totals preserved to the cent: included services, minus order discount, plus card fee
    expected = sum(s["totalCents"] for s in chosen) - order["appliedDiscountCents"]
    if chosen:
        expected += order["transactionalFeeSubtotalCents"]
    buckets = sum(cents(header[f"{b}Sale"]) for b in BUCKETS)
    assert cents(header["customerPayAmount"]) == expected
    assert buckets + cents(header["customerPayStateTax"]) == expected
    # payer split, header = sum of jobs
    for b in BUCKETS:
        assert header[f"{b}Sale"] == header[f"{b}SaleCustomer"]
        assert header[f"{b}SaleInternal"] == header[f"{b}SaleWarranty"] == "0.00"
    for key in ("laborSale", "partsSale", "miscSale"):
        assert cents(header[key]) == sum(cents(j[key]) for j in jobs)
    assert cents(header["subletSale"]) == sum(cents(m["salePrice"]) for m in mls)
    assert Decimal(header["soldHours"]) == sum((Decimal(j["soldHours"]) for j in jobs), Decimal(0))
    # structure
    assert [j["jobNumberString"] for j in jobs] == [job_letters(i) for i in range(len(jobs))]
    letters = {j["jobNumberString"] for j in jobs}
    for job in jobs:
        assert job["jobIdentifier"] == f"{job['jobNumberString']}-{job['lopSeqNumber']}"
        assert job["laborOpCode"].strip()
        assert all(p["partNumber"].strip() for p in job.get("parts", []))
        assert sum(cents(p["saleTotal"]) for p in job.get("parts", [])) == cents(job["partsSale"])
        rows = job.get("techHours", [])
        assert sum(cents(r["laborSale"]) for r in rows) == cents(job["laborSale"])
        assert Decimal(job["soldHours"]) == sum((Decimal(r["soldHours"]) for r in rows), Decimal(0))
    assert all(m["lineCode"] in letters for m in mls)
    for key, value in amounts(ro):  # every amount leaves as ^[0-9]+.[0-9]{2}$
        assert (SIGNED if key == "saleTotal" else AMOUNT).match(value), (key, value)
    # each line lands in exactly one place; hours within 0.01 of the billed hours (the job's
    # hours are summed before rounding, then shared out over the rows by largest remainder)
    assert len(jobs) == len(chosen)
    for job, service in zip(jobs, chosen, strict=True):
        assert len(job.get("parts", [])) == len(service["parts"]) + len(service["tires"])
        labors = sorted(service["labors"], key=ordinal_key)
        rows = job.get("techHours", [])
        assert len(rows) == len(labors)
        for row, labor in zip(rows, labors, strict=True):
            assert abs(Decimal(row["soldHours"]) - billed_hours(labor)) < Decimal("0.01")
    assert len(mls) == sum(len(s["subcontracts"]) for s in chosen)


AMOUNT = re.compile(r"[0-9]+\.[0-9]{2}\Z")
SIGNED = re.compile(r"-?[0-9]+\.[0-9]{2}\Z")
MONEY_KEYS = re.compile(r"(Sale|Amount|Tax|Cost)(Customer|Internal|Warranty)?$|^(sale|cost)")


def amounts(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if MONEY_KEYS.search(key) and isinstance(value, str):
                yield key, value
            else:
                yield from amounts(value)
    elif isinstance(node, list):
        for item in node:
            yield from amounts(item)


REPORT = attrs.evolve(
    PERMISSIVE, orders=attrs.evolve(PERMISSIVE.orders, unexplained_total="report")
)
BOOK = attrs.evolve(  # the changed totalCents leave the order's total behind: reported
    PERMISSIVE,
    orders=attrs.evolve(
        PERMISSIVE.orders, unreconciled_services="book", unexplained_total="report"
    ),
)
FIELDS = (
    "calculatedLaborCents",
    "calculatedPartsCents",
    "calculatedSubcontractsCents",
    "calculatedFeeCents",
    "totalCents",
)


@SETTINGS
@given(ORDERS, st.lists(st.tuples(st.sampled_from(FIELDS), st.integers(-3_000, 3_000)), max_size=4))
def test_unreconciled_services_are_booked_exactly(drawn, changes):
    order, services = drawn
    for n, (field, delta) in enumerate(changes):
        if services:
            services[n % len(services)][field] += delta
    mapped = forward(order, services, BOOK)
    if mapped is None:
        return
    ro = db.dump(mapped.value)["order"]
    header = ro["header"]
    chosen = included(services)
    expected = sum(s["totalCents"] for s in chosen) - order["appliedDiscountCents"]
    if chosen:
        expected += order["transactionalFeeSubtotalCents"]
    assert cents(header["customerPayAmount"]) == expected
    assert_ledger_closes(order, mapped)
    for job in ro.get("jobs", []):
        assert sum(cents(p["saleTotal"]) for p in job.get("parts", [])) == cents(job["partsSale"])
        rows = job.get("techHours", [])
        assert sum(cents(r["laborSale"]) for r in rows) == cents(job["laborSale"])
    for key, value in amounts(ro):
        assert (SIGNED if key == "saleTotal" else AMOUNT).match(value), (key, value)


@SETTINGS
@given(POSITIVE_ORDERS)
def test_each_job_carries_its_services_categories(drawn):
    order, services = drawn
    order = dict(order, transactionalFeeSubtotalCents=0)
    for service in services:
        service["calculatedDiscountCents"] = 0
        service.update(dbt.shopmonkey_service_totals(service))
    order["totalCostCents"] = sum(s["totalCents"] for s in included(services))
    mapped = forward(stated(order, services), services)  # category sums of the new services
    assert mapped is not None
    assert not [n for n in mapped.report if n.kind in ("allocated", "residual")]
    ro = db.dump(mapped.value)["order"]
    for job, service in zip(ro.get("jobs", []), included(services), strict=True):
        assert cents(job["laborSale"]) == service["calculatedLaborCents"]
        parts = service["calculatedPartsCents"] + service["calculatedTiresCents"]
        assert cents(job["partsSale"]) == parts
        misc = (
            service["calculatedFeeCents"]
            + service["calculatedEpaCents"]
            + service["calculatedShopSuppliesCents"]
        )
        assert cents(job["miscSale"]) == misc
        sublet = [m for m in ro.get("mls", []) if m["lineCode"] == job["jobNumberString"]]
        assert sum(cents(m["salePrice"]) for m in sublet) == service["calculatedSubcontractsCents"]


@SETTINGS
@given(ORDERS, st.integers(1, 10_000), st.randoms(use_true_random=False))
def test_excluded_services_change_no_byte_and_output_is_deterministic(drawn, bump, rnd):
    order, services = drawn
    mapped = forward(order, services)
    if mapped is None:
        return
    changed = copy.deepcopy(services)
    for service in changed:
        if service not in included(services):
            service["totalCents"] += bump
            service["calculatedTaxCents"] += bump
            for labor in service["labors"]:
                labor["rateCents"] += bump
    rnd.shuffle(changed)
    # (an order total that counted the excluded services no longer matches: reported, since
    # only the request's bytes are compared here)
    again = mapping.shopmonkey_to_mykaarma(order, changed, REPORT)
    assert db_dumps(again) == db_dumps(mapped)  # shuffled input, changed excluded services
    assert db_dumps(mapping.shopmonkey_to_mykaarma(order, services, PERMISSIVE)) == db_dumps(mapped)


def db_dumps(mapped):
    return json.dumps(db.dump(mapped.value))


@SETTINGS
@given(ORDERS)
def test_default_policies_refuse_with_mapping_codes_only(drawn):
    order, services = drawn
    strict = mapping.MappingConfig(
        orders=mapping.OrdersConfig(
            default_op_code="X", default_advisor_number="1", default_customer_uuid="c"
        )
    )
    try:
        mapped = mapping.shopmonkey_to_mykaarma(order, services, strict)
    except mapping.MappingError as exc:
        assert exc.issues and all(i.code.startswith("mapping.") for i in exc.issues)
        return
    # nothing negative and no order-level amount: only service discounts are ever allocated
    assert all(
        n.source.endswith("calculatedDiscountCents")
        or n.kind != "allocated"
        or "/calculated" in n.source
        for n in mapped.report
    )


def job_order(jobs):
    return sorted(jobs, key=lambda j: (j["jobNumberString"].rjust(8), int(j["lopSeqNumber"])))


@SETTINGS
@given(MK_ORDERS)
def test_reverse_conserves_each_job_and_the_mls(order):
    mapped = mapping.mykaarma_to_shopmonkey(order, PERMISSIVE)
    body = [db.dump(s) for s in mapped.value]
    db.validate(body, "shopmonkey/create-services-request")
    jobs = job_order(order["jobs"])
    letters = {j["jobNumberString"] for j in jobs}
    for job, service in zip(jobs, body, strict=False):
        linked = [m for m in order["mls"] if m["lineCode"] == job["jobNumberString"]]
        expected = sum(cents(job[k]) for k in ("laborSale", "partsSale", "miscSale"))
        expected += sum(cents(m["salePrice"]) for m in linked)
        assert priced(service) == expected, job["jobIdentifier"]
    loose = [m for m in order["mls"] if m["lineCode"] not in letters and cents(m["salePrice"])]
    assert len(body) == len(jobs) + (1 if loose else 0)
    if loose:
        assert priced(body[-1]) == sum(cents(m["salePrice"]) for m in loose)
    if body:
        assert any(n.kind == "lossy" and "DMS op code" in n.message for n in mapped.report) == bool(
            jobs
        )


@SETTINGS
@given(ORDERS)
def test_round_trip_preserves_pre_tax_totals_and_line_counts(drawn):
    order, services = drawn
    mapped = forward(order, services)
    if mapped is None:
        return
    ro = db.dump(mapped.value)["order"]
    as_order = dict(ro, header={"orderNumber": ro["header"]["orderNumber"], "status": "O"})
    back = [db.dump(s) for s in mapping.mykaarma_to_shopmonkey(as_order, PERMISSIVE).value]
    jobs = ro.get("jobs", [])
    pre_tax = cents(ro["header"]["customerPayAmount"]) - cents(ro["header"]["customerPayStateTax"])
    assert sum(priced(s) for s in back) == pre_tax
    for job, service in zip(jobs, back, strict=False):
        assert len(service.get("parts", [])) >= len(job.get("parts", []))
        assert service["note"].startswith(f"Op {job['laborOpCode']} ")  # lossy: note only


@SETTINGS
@given(MK_ORDERS)
def test_mykaarma_round_trip_preserves_job_amounts(order):
    services = [db.dump(s) for s in mapping.mykaarma_to_shopmonkey(order, PERMISSIVE).value]
    full = [dbt.service_from_request(item, n) for n, item in enumerate(services)]
    shop_order = dict(
        dbt_order_template(),
        customerId=CUSTOMER_IDS[0],
        appliedDiscountCents=0,
        transactionalFeeSubtotalCents=0,
    )
    shop_order["totalCostCents"] = sum(s["totalCents"] for s in full)
    for service in full:
        service["orderId"] = shop_order["id"]
    mapped = forward(stated(shop_order, full), full)
    assert mapped is not None
    ro = db.dump(mapped.value)["order"]
    jobs = job_order(order["jobs"])
    back = ro.get("jobs", [])
    assert len(back) == len(services)
    for job, again in zip(jobs, back, strict=False):
        assert again["laborSale"] == job["laborSale"]
        linked = [m for m in order["mls"] if m["lineCode"] == job["jobNumberString"]]
        sublet = [m for m in ro.get("mls", []) if m["lineCode"] == again["jobNumberString"]]
        before = sum(cents(job[k]) for k in ("laborSale", "partsSale", "miscSale"))
        before += sum(cents(m["salePrice"]) for m in linked)
        after = sum(cents(again[k]) for k in ("laborSale", "partsSale", "miscSale"))
        after += sum(cents(m["salePrice"]) for m in sublet)
        assert after == before
    everything = sum(cents(j[k]) for j in jobs for k in ("laborSale", "partsSale", "miscSale"))
    everything += sum(cents(m["salePrice"]) for m in order["mls"])
    assert cents(ro["header"]["customerPayAmount"]) == everything


def dbt_order_template():
    from dealerbridge.testing._mapping import _ORDER  # the order template of the strategies

    return copy.deepcopy(_ORDER)


def ro_total(header):
    return sum(cents(header[f"{k}PayAmount"]) for k in ("customer", "internal", "warranty"))


def assert_ledger_closes(order, mapped):
    header = db.dump(mapped.value)["order"]["header"]
    totals = [n for n in mapped.report if n.kind == "total"]
    assert len(totals) == 1
    difference = order["totalCostCents"] - ro_total(header)
    assert totals[0].cents == difference
    # the ledger, summed here independently of mapping.ledger_cents
    moved = sum(n.cents for n in mapped.report if n.cents is not None and n.kind != "total")
    assert moved == difference == mapping.ledger_cents(mapped.report)
    return totals[0]


@SETTINGS
@given(ORDERS)
def test_forward_ledger_closes_to_the_cent(drawn):
    order, services = drawn
    mapped = forward(order, services)
    if mapped is None:
        return
    assert_ledger_closes(order, mapped)
    # the generated totals follow one of the readings: nothing is left unexplained
    assert not [n for n in mapped.report if n.kind == "unexplained"]


@SETTINGS
@given(ORDERS, st.integers(-100_000, 100_000))
def test_forward_ledger_closes_with_an_unexplained_difference(drawn, off):
    order, services = drawn
    order = dict(order, totalCostCents=order["totalCostCents"] + off)
    try:
        mapped = mapping.shopmonkey_to_mykaarma(order, services, REPORT)
    except mapping.MappingError as exc:
        assert {i.code for i in exc.issues} <= ALLOWED_REFUSALS, exc
        return
    assert_ledger_closes(order, mapped)
    try:
        mapping.shopmonkey_to_mykaarma(order, services, PERMISSIVE)
    except mapping.MappingError as exc:  # refused: only for a difference no note explains
        codes = {i.code for i in exc.issues}
        assert "mapping.order_total" in codes
        assert [n for n in mapped.report if n.kind == "unexplained"]

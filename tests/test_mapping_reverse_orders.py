"""The reverse mapping on hand-checked ROs (issue 18 items 2, 5, 6, 12; issue 19 item 1).

Every expected value below was worked out by hand from the RO, in the comment beside it; none
is computed by the code under test.
"""

import copy
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dealerbridge as db
from dealerbridge import mapping
from dealerbridge import testing as dbt
from dealerbridge.money import amount_to_cents

from .test_mapping_properties import PERMISSIVE, forward
from .test_mapping_reverse import priced

T1, T2 = "5e0c1a2b-0000-4000-8000-000000000001", "5e0c1a2b-0000-4000-8000-000000000002"
CONFIG = mapping.MappingConfig(orders=mapping.OrdersConfig(technicians={T1: "101", T2: "102"}))


def job(letter, **fields):
    return {
        "jobIdentifier": f"{letter}-1",
        "jobNumberString": letter,
        "lopSeqNumber": "1",
        "laborOpCode": f"OP{letter}",
        "laborOpCodeDesc": f"JOB {letter}",
        "laborType": "C",
        "laborSale": "0.00",
        "soldHours": "0.00",
        "partsSale": "0.00",
        "miscSale": "0.00",
        **fields,
    }


def part(number, quantity, price, total, **fields):
    return {
        "partNumber": number,
        "description": f"part {number}",
        "quantitySold": quantity,
        "salePrice": price,
        "saleTotal": total,
        "laborType": "C",
        **fields,
    }


def ro(jobs, mls=(), **header):
    return {
        "type": "RO",
        "header": {"orderNumber": "RO-5100", "status": "C", **header},
        "jobs": list(jobs),
        "mls": list(mls),
    }


#: The accountant's RO: the 1.30 h job at $189.00 with the 5.7 qt part at $8.99, the 6 h / 4 h
#: split, a warranty job, an internal sublet, a warranty mls row and a customer sublet.
ACCOUNTANT = ro(
    [
        job(
            "A",
            laborSale="189.00",
            soldHours="1.30",
            techNos="101",
            partsSale="51.24",
            parts=[part("OIL-5W30", "5.7", "8.99", "51.24")],  # 5.7 x 8.99 = 51.243
        ),
        job(
            "B",
            laborSale="1200.00",
            soldHours="10.00",
            techNos="101,102",
            techHours=[
                {"techNo": "101", "soldHours": "6.00", "laborSale": "720.00", "laborType": "C"},
                {"techNo": "102", "soldHours": "4.00", "laborSale": "480.00", "laborType": "C"},
            ],
        ),
        job("C", laborType="W", laborSale="300.00", soldHours="2.00"),
    ],
    [
        {
            "laborType": "I",
            "mlsType": "SUBLET",
            "opCode": "SUBLET",
            "opCodeDesc": "Windshield",
            "salePrice": "175.00",
            "costPrice": "150.00",
            "lineCode": "A",
        },
        {"laborType": "W", "mlsType": "M", "opCode": "SHOP", "salePrice": "40.00", "lineCode": "C"},
        {
            "laborType": "C",
            "mlsType": "Sublet",
            "opCode": "SUBLET",
            "opCodeDesc": "Alignment",
            "salePrice": "89.95",
            "costPrice": "60.00",
            "lineCode": "B",
            "sourceCompany": "Ace Alignment",
        },
    ],
    # customer pay: A 189.00 + 51.24 = 240.24; B 1200.00 + 89.95 = 1289.95; 1530.19 + 9.81 tax
    customerPayAmount="1540.00",
    customerPayStateTax="9.81",
)


def body(mapped):
    return [db.dump(s) for s in mapped.value]


def notes(mapped, kind):
    return [(n.source, n.cents) for n in mapped.report if n.kind == kind]


def test_accountants_ro_field_by_field():
    mapped = mapping.mykaarma_to_shopmonkey(ACCOUNTANT, CONFIG)
    a, b = body(mapped)  # C is warranty (skipped); every mls row is linked to a job
    # A: 189.00 over 1.30 h = 145.3846...: rate ceil = 145.39; 1.3 x 14539 = 18900.7 -> 18901,
    # less a 1-cent discount = 189.00
    (labor,) = a["labors"]
    assert (labor["hours"], labor["rateCents"], labor["discountCents"]) == (1.3, 14539, 1)
    assert labor["technicianId"] == T1
    # the 5.7 qt part keeps its quantity: 5.7 x 899 = 5124.3 -> 5124 (half up) = saleTotal
    (oil,) = a["parts"]
    assert (oil["quantity"], oil["retailCostCents"], oil["discountCents"]) == (5.7, 899, 0)
    assert "subcontracts" not in a  # the internal sublet is not the customer's
    # B: one labor line per technician, 6 h and 4 h at 120.00
    first, second = b["labors"]
    assert (first["hours"], first["rateCents"], first["technicianId"]) == (6, 12000, T1)
    assert (second["hours"], second["rateCents"], second["technicianId"]) == (4, 12000, T2)
    (sublet,) = b["subcontracts"]  # mlsType "Sublet" is a subcontract, not a fee
    assert sublet == {
        "name": "Alignment",
        "retailCostCents": 8995,
        "costCents": 6000,
        "discountCents": 0,
        "taxable": False,
        "note": "Vendor: Ace Alignment",
    }
    assert "fees" not in b
    # skipped: job C (W, 300.00), the internal sublet (I, 175.00), the W mls row (40.00)
    assert notes(mapped, "excluded") == [("/jobs/2", None), ("/mls/0", None), ("/mls/1", None)]
    # the ledger: 1540.00 - 9.81 = 1530.19 = 240.24 + 1289.95, nothing to explain
    (total,) = [n for n in mapped.report if n.kind == "total"]
    assert (total.source, total.cents) == ("/header/customerPayAmount", 0)
    assert "1530.19" in total.message


def test_included_internal_sublet_is_explained_in_the_ledger():
    cfg = mapping.MappingConfig(
        orders=mapping.OrdersConfig(technicians={T1: "101", T2: "102"}, internal_jobs="include")
    )
    mapped = mapping.mykaarma_to_shopmonkey(ACCOUNTANT, cfg)
    a = body(mapped)[0]
    (sublet,) = a["subcontracts"]
    assert (sublet["name"], sublet["retailCostCents"]) == ("[I] Windshield", 17500)
    # the services carry 175.00 the customer-pay total does not: -17500 explains it
    assert ("/mls/0/laborType", -17500) in notes(mapped, "lossy")
    assert notes(mapped, "total") == [("/header/customerPayAmount", -17500)]


def test_voided_ro_is_refused():
    order = copy.deepcopy(ACCOUNTANT)
    order["header"]["isVoided"] = True
    with pytest.raises(mapping.MappingError) as info:
        mapping.mykaarma_to_shopmonkey(order, CONFIG)
    assert [(i.path, i.code) for i in info.value.issues] == [("/header/isVoided", "mapping.voided")]


def test_warranty_mls_row_on_a_customer_job_is_skipped():
    order = ro(
        [job("A", laborSale="100.00", soldHours="1.00")],
        [
            {
                "laborType": "W",
                "mlsType": "L",
                "opCode": "LUBE",
                "salePrice": "12.00",
                "lineCode": "A",
            }
        ],
    )
    mapped = mapping.mykaarma_to_shopmonkey(order, CONFIG)
    (a,) = body(mapped)
    assert "parts" not in a and a["labors"][0]["rateCents"] == 10000
    assert notes(mapped, "excluded") == [("/mls/0", None)]
    assert notes(mapped, "total") == [("", 0)]  # rows: 100.00 of customer pay


def test_customer_row_of_a_skipped_job_goes_with_the_unlinked_rows():
    order = ro(
        [job("A", laborType="W", laborSale="100.00", soldHours="1.00")],
        [{"laborType": "C", "mlsType": "M", "opCode": "HAZ", "salePrice": "4.50", "lineCode": "A"}],
    )
    mapped = mapping.mykaarma_to_shopmonkey(order, CONFIG)
    (loose,) = body(mapped)
    assert loose["name"] == "Misc/Lube/Sublet"
    assert loose["fees"] == [{"name": "HAZ", "feeType": "FixedCents", "amountCents": 450}]
    assert notes(mapped, "total") == [("", 0)]  # 4.50 of customer pay, 4.50 sent


def test_flat_rate_comeback_and_core_return():
    order = ro(
        [
            job("A", laborSale="49.95", soldHours="0.00"),  # flat rate: no hours
            job("B", laborSale="0.00", soldHours="0.80"),  # a no-charge comeback
            job(
                "C",
                laborSale="0.00",
                partsSale="244.99",  # 289.99 - 45.00
                parts=[
                    part("ALT-1", "1", "289.99", "289.99"),
                    part("ALT-1C", "-1", "45.00", "-45.00"),  # the forward's core return
                ],
            ),
        ]
    )
    a, b, c = body(mapping.mykaarma_to_shopmonkey(order, CONFIG))
    (flat,) = a["labors"]
    assert (flat["hours"], flat["rateCents"], flat["showHours"]) == (1, 4995, False)
    (comeback,) = b["labors"]
    assert (comeback["hours"], comeback["rateCents"]) == (0.8, 0)
    alternator, core = c["parts"]
    assert (alternator["quantity"], alternator["retailCostCents"]) == (1, 28999)
    assert (core["quantity"], core["retailCostCents"]) == (-1, 4500)
    assert "labors" not in c


def test_part_whose_price_does_not_give_its_total_keeps_its_quantity():
    # 6 x 6.475 = 38.85 but 6.475 is not a cent price: 3885 / 6 = 647.5 -> 648;
    # 6 x 648 = 3888, less a discount of 3 = 3885
    order = ro([job("A", partsSale="38.85", parts=[part("GOG", "6", "6.475", "38.85")])])
    (a,) = body(mapping.mykaarma_to_shopmonkey(order, CONFIG))
    (gog,) = a["parts"]
    assert (gog["quantity"], gog["retailCostCents"], gog["discountCents"]) == (6, 648, 3)


def test_second_technician_without_split_is_reported():
    order = ro([job("A", laborSale="100.00", soldHours="1.00", techNos="101/102")])
    mapped = mapping.mykaarma_to_shopmonkey(order, CONFIG)
    assert body(mapped)[0]["labors"][0]["technicianId"] == T1
    assert ("/jobs/0/techNos", None) in notes(mapped, "dropped")


def test_header_total_no_row_explains_is_refused_or_reported():
    order = ro([job("A", laborSale="100.00", soldHours="1.00")], customerPayAmount="112.50")
    with pytest.raises(mapping.MappingError) as info:
        mapping.mykaarma_to_shopmonkey(order, CONFIG)
    assert [(i.path, i.code) for i in info.value.issues] == [
        ("/header/customerPayAmount", "mapping.order_total")
    ]
    cfg = mapping.MappingConfig(orders=mapping.OrdersConfig(unexplained_total="report"))
    mapped = mapping.mykaarma_to_shopmonkey(order, cfg)
    # 112.50 stated, 100.00 on the rows: 12.50 unexplained, and the total note says 12.50
    assert notes(mapped, "unexplained") == [("/header/customerPayAmount", 1250)]
    assert notes(mapped, "total") == [("/header/customerPayAmount", 1250)]


def test_job_total_its_parts_do_not_reach_is_refused_or_reported():
    # 100.00 + 150.00 + 0.00 = 250.00, the job states 300.00
    order = ro([job("A", laborSale="100.00", partsSale="150.00", jobTotal="300.00")])
    with pytest.raises(mapping.MappingError) as info:
        mapping.mykaarma_to_shopmonkey(order, CONFIG)
    assert [(i.path, i.code) for i in info.value.issues] == [
        ("/jobs/0/jobTotal", "mapping.order_total")
    ]
    cfg = mapping.MappingConfig(orders=mapping.OrdersConfig(unexplained_total="report"))
    mapped = mapping.mykaarma_to_shopmonkey(order, cfg)
    assert ("/jobs/0/jobTotal", None) in notes(mapped, "lossy")
    order["jobs"][0]["jobTotal"] = "250.00"
    assert notes(mapping.mykaarma_to_shopmonkey(order, CONFIG), "total") == [("", 0)]


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("soldHours", "1e999999", "mapping.range"),
        ("soldHours", "1e9999999", "mapping.range"),
        ("soldHours", "1" * 4301, "mapping.range"),
        ("soldHours", "0.0000001", "mapping.range"),
        ("soldHours", "1.2.3", "mapping.amount"),
        ("laborSale", "9" * 16, "mapping.range"),
        ("laborSale", "12.345", "mapping.amount"),
    ],
)
def test_unbounded_numbers_are_refused_at_their_pointer(field, value, code):
    order = ro([job("A", laborSale="100.00", soldHours="1.00")])
    order["jobs"][0][field] = value
    with pytest.raises(mapping.MappingError) as info:
        mapping.mykaarma_to_shopmonkey(order, CONFIG)
    assert (f"/jobs/0/{field}", code) in [(i.path, i.code) for i in info.value.issues]


@pytest.mark.parametrize("seq", ["\u00b2", "9" * 4301, "\u0663"])
def test_odd_lop_sequence_numbers_only_order_the_jobs(seq):
    # "²".isdigit() is true and int("²") raises; 4,301 digits exceed int()'s limit
    order = ro([job("A", laborSale="10.00", soldHours="1.00", lopSeqNumber=seq), job("B")])
    names = [s.name for s in mapping.mykaarma_to_shopmonkey(order, CONFIG).value]
    assert names == ["JOB A", "JOB B"]


def test_unbounded_part_quantity_is_refused():
    order = ro([job("A", partsSale="1.00", parts=[part("X", "1e400", "1.00", "1.00")])])
    with pytest.raises(mapping.MappingError) as info:
        mapping.mykaarma_to_shopmonkey(order, CONFIG)
    assert [(i.path, i.code) for i in info.value.issues] == [
        ("/jobs/0/parts/0/quantitySold", "mapping.range")
    ]


# ------------------------------------------------------------------------------ properties

AMOUNTS = st.integers(0, 200_000)


def money(cents):
    return f"{cents // 100}.{cents % 100:02d}"


def paid_by_customer(row):
    return row.get("laborType") not in ("W", "I")


def row_cents(job_or_mls):
    if "salePrice" in job_or_mls and "jobNumberString" not in job_or_mls:
        return amount_to_cents(job_or_mls["salePrice"])
    return sum(amount_to_cents(job_or_mls[k]) for k in ("laborSale", "partsSale", "miscSale"))


@st.composite
def rich_orders(draw):
    """dbt.mykaarma_orders() with technician splits, 5.7 qt parts, payers and mlsType
    spellings on mls rows, and (sometimes) a header customerPayAmount with tax."""
    order = copy.deepcopy(draw(dbt.mykaarma_orders()))
    for job in order["jobs"]:
        if draw(st.booleans()):
            labor = amount_to_cents(job["laborSale"])
            first = draw(st.integers(0, labor))
            job["techHours"] = [
                {"techNo": "101", "soldHours": draw(HOURS), "laborSale": money(first)},
                {"techNo": "102", "soldHours": draw(HOURS), "laborSale": money(labor - first)},
            ]
        if draw(st.booleans()):
            quantity, price = draw(st.sampled_from([("5.7", 899), ("0.333", 12000), ("-1", 4500)]))
            total = int((Decimal(quantity) * price).quantize(Decimal(1), rounding=ROUND_HALF_UP))
            job["parts"].append(part("X", quantity, money(price), money(abs(total))))
            if total < 0:
                job["parts"][-1]["saleTotal"] = "-" + money(-total)
            parts = amount_to_cents(job["partsSale"]) + total
            if parts < 0:
                job["parts"].pop()
            else:
                job["partsSale"] = money(parts)
    for row in order["mls"]:
        row["laborType"] = draw(st.sampled_from(["C", "C", "W", "I"]))
        row["mlsType"] = draw(st.sampled_from([None, "S", "SUBLET", "Sublet", "L", "M", "MISC"]))
    offset = 0
    if draw(st.booleans()):
        rows = [*order["jobs"], *order["mls"]]
        customer = sum(row_cents(r) for r in rows if paid_by_customer(r))
        offset = draw(st.sampled_from([0, 0, draw(st.integers(-500, 500))]))
        tax = draw(st.integers(0, 5_000))
        order["header"]["customerPayAmount"] = money(max(customer + tax + offset, 0))
        order["header"]["customerPayStateTax"] = money(tax)
    return order


HOURS = st.sampled_from(["0.00", "0.50", "1.30", "4.00", "6.00", "0.333"])
PAYERS = st.sampled_from(["skip", "include"])
PROPERTIES = settings(max_examples=60, deadline=None)


@PROPERTIES
@given(rich_orders(), PAYERS, PAYERS)
def test_reverse_ledger_closes_to_the_cent(order, warranty, internal):
    cfg = mapping.MappingConfig(
        orders=mapping.OrdersConfig(
            warranty_jobs=warranty, internal_jobs=internal, unexplained_total="report"
        )
    )
    mapped = mapping.mykaarma_to_shopmonkey(order, cfg)
    services = [db.dump(s) for s in mapped.value]
    target = sum(priced(s) for s in services)
    header = order["header"]
    rows = [*order["jobs"], *order["mls"]]
    customer = sum(row_cents(r) for r in rows if paid_by_customer(r))
    if "customerPayAmount" in header:
        source = amount_to_cents(header["customerPayAmount"]) - amount_to_cents(
            header["customerPayStateTax"]
        )
    else:
        source = customer
    moved = sum(n.cents for n in mapped.report if n.cents is not None and n.kind != "total")
    (total,) = [n for n in mapped.report if n.kind == "total"]
    assert source == target + moved
    assert total.cents == source - target
    # only the header's own excess over its customer-pay rows is unexplained
    unexplained = [n.cents for n in mapped.report if n.kind == "unexplained"]
    assert sum(unexplained) == source - customer and len(unexplained) <= 1


def back_hours(service):
    return sum(
        Decimal(repr(labor["hours"]))
        for labor in service.get("labors", [])
        if labor.get("showHours", True)
    )


@PROPERTIES
@given(dbt.shopmonkey_orders_with_services())
def test_forward_then_back_keeps_cents_and_hours(drawn):
    order, services = drawn
    mapped = forward(order, services)
    if mapped is None:
        return
    ro = db.dump(mapped.value)["order"]
    as_order = dict(ro, header={"orderNumber": ro["header"]["orderNumber"], "status": "O"})
    back = [db.dump(s) for s in mapping.mykaarma_to_shopmonkey(as_order, PERMISSIVE).value]
    jobs = ro.get("jobs", [])
    pre_tax = amount_to_cents(ro["header"]["customerPayAmount"]) - amount_to_cents(
        ro["header"]["customerPayStateTax"]
    )
    assert sum(priced(s) for s in back) == pre_tax
    for job, service in zip(jobs, back, strict=False):
        rows = job.get("techHours") or []
        if len(rows) >= 2:
            hours = sum(Decimal(r["soldHours"]) for r in rows)
            worked = [r for r in rows if Decimal(r["soldHours"]) or amount_to_cents(r["laborSale"])]
            assert len(service.get("labors", [])) == len(worked)  # one line per technician
        else:
            hours = Decimal(job["soldHours"])
        if amount_to_cents(job["laborSale"]) and not hours:
            continue  # a flat rate: one hidden hour (decisions-mapping.md)
        assert back_hours(service) == hours, job["jobIdentifier"]

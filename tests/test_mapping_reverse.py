"""dealerbridge.mapping.mykaarma_to_shopmonkey: the documented event mapped by hand."""

import copy
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import attrs
import pytest

import dealerbridge as db
from dealerbridge import mapping
from dealerbridge import mykaarma as mk
from dealerbridge import shopmonkey as sm
from dealerbridge.money import amount_to_cents

ROOT = Path(__file__).resolve().parents[1]
DOC_EVENT = ROOT / "tests/fixtures/mykaarma/order-event/doc-event.json"
EXAMPLE_EVENT = ROOT / "examples/mykaarma-order-event.json"
CONFIG = mapping.load_config(ROOT / "examples/mapping-config.toml")


def body(mapped):
    return [db.dump(service) for service in mapped.value]


def order_of(path):
    event = json.loads(path.read_text())
    payload = event["payload"]
    return json.loads(payload) if isinstance(payload, str) else payload


def test_documented_event_field_by_field():
    mapped = mapping.mykaarma_to_shopmonkey(json.loads(DOC_EVENT.read_text()), CONFIG)
    services = body(mapped)
    db.validate(services, "shopmonkey/create-services-request")
    assert len(services) == 2
    job, tow = services
    # job A-1: labor 256.50 over 1.50 sold hours = 171.00/h exactly
    assert job["name"] == "PERFORM 10K SERVICE MAINTENANCE"
    assert job["note"].splitlines()[0] == "Op 10K (A-1, CPM)"
    assert job["authorizationStatus"] == "Authorized"
    assert job["pricing"] == "LineItem" and job["ordinal"] == 1
    (labor,) = job["labors"]
    assert (labor["hours"], labor["rateCents"], labor["multiplier"]) == (1.5, 17100, 1)
    assert labor["technicianId"] == "e2b7c4d1-9a3f-4b6e-8c5d-7f1a0e3b9c28"  # techNos 109072
    # parts 231.64 = the one part at 12.50 + a residual of 219.14
    oil_filter, residual = job["parts"]
    assert oil_filter == {
        "discountCents": 0,
        "name": "Engine Oil Filter",
        "partNumber": "15273825",
        "quantity": 1,
        "retailCostCents": 1250,
        "taxable": False,
    }
    assert (residual["name"], residual["quantity"], residual["retailCostCents"]) == (
        "UNITEMIZED PARTS",
        1,
        21914,
    )
    assert "fees" not in job  # miscSale 0.00
    # the order-level TOW row (lineCode null, mlsType null) is its own service, as a fee
    assert tow["name"] == "Misc/Lube/Sublet"
    assert tow["fees"] == [{"name": "Towing Service", "feeType": "FixedCents", "amountCents": 7500}]
    kinds = [(n.kind, n.source, n.cents) for n in mapped.report]
    assert ("residual", "/jobs/0/partsSale", None) in kinds  # carried: no money moves
    assert ("lossy", "/mls/0/mlsType", None) in kinds
    # no customerPayAmount: the total is the rows', 256.50 + 231.64 + 75.00 = 563.14
    (total,) = [n for n in mapped.report if n.kind == "total"]
    assert (total.source, total.cents) == ("", 0)
    assert "563.14" in total.message


def half_up(value):
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def priced(service):
    """The service's pre-tax amount under the sm.service_totals reading, from the body."""
    total = 0
    for labor in service.get("labors", []):
        gross = Decimal(repr(labor["hours"])) * labor["rateCents"] * labor["multiplier"]
        total += half_up(gross) - labor.get("discountCents", 0)
    for part in service.get("parts", []):
        gross = Decimal(repr(part["quantity"])) * part["retailCostCents"]
        total += half_up(gross) - part.get("discountCents", 0)
    total += sum(f["amountCents"] for f in service.get("fees", []))
    total += sum(s["retailCostCents"] for s in service.get("subcontracts", []))
    return total


def test_example_event_conserves_every_job_and_rolls_gog_into_parts():
    mapped = mapping.mykaarma_to_shopmonkey(json.loads(EXAMPLE_EVENT.read_text()), CONFIG)
    services = body(mapped)
    db.validate(services, "shopmonkey/create-services-request")
    order = order_of(EXAMPLE_EVENT)["order"]
    for job, service in zip(order["jobs"], services, strict=False):
        cents = sum(amount_to_cents(job[k]) for k in ("laborSale", "partsSale", "miscSale"))
        assert priced(service) == cents, job["jobIdentifier"]
    names = [p["name"] for p in services[0]["parts"]]
    assert "dexos1 5W-30 full synthetic" in names  # the gog item


def test_models_and_read_response_give_the_same_body():
    raw = json.loads(DOC_EVENT.read_text())
    event = mk.parse_order_event(json.dumps(raw).encode())
    from_model = body(mapping.mykaarma_to_shopmonkey(event, CONFIG))
    order = order_of(DOC_EVENT)["order"]
    from_order = body(mapping.mykaarma_to_shopmonkey(order, CONFIG))
    read = {"statusCode": 200, "order": {"uuid": "u", "order": order}}
    from_read = body(mapping.mykaarma_to_shopmonkey(read, CONFIG))
    assert from_model == from_order == from_read
    assert all(
        isinstance(s, sm.CreateCustomService)
        for s in mapping.mykaarma_to_shopmonkey(order, CONFIG).value
    )


def test_warranty_job_is_skipped_or_labelled():
    order = copy.deepcopy(order_of(DOC_EVENT)["order"])
    order["jobs"][0]["laborType"] = "W"
    skipped = mapping.mykaarma_to_shopmonkey(order, CONFIG)
    assert [s.name for s in skipped.value] == ["Misc/Lube/Sublet"]
    (note,) = [n for n in skipped.report if n.kind == "excluded"]
    assert (note.source, note.cents) == ("/jobs/0", None)  # not customer pay: no money moves
    assert "488.14" in note.message
    cfg = mapping.MappingConfig(orders=mapping.OrdersConfig(warranty_jobs="include"))
    included = mapping.mykaarma_to_shopmonkey(order, cfg)
    assert included.value[0].name == "[W] PERFORM 10K SERVICE MAINTENANCE"


def test_unreadable_amount_is_refused_at_its_pointer():
    order = copy.deepcopy(order_of(DOC_EVENT)["order"])
    order["jobs"][0]["partsSale"] = "231.645"
    with pytest.raises(mapping.MappingError) as info:
        mapping.mykaarma_to_shopmonkey(order, CONFIG)
    assert [(i.path, i.code) for i in info.value.issues] == [
        ("/jobs/0/partsSale", "mapping.amount")
    ]


def test_inexact_rate_keeps_the_hours_with_a_cent_discount():
    order = copy.deepcopy(order_of(DOC_EVENT)["order"])
    order["jobs"][0]["soldHours"] = "1.30"
    mapped = mapping.mykaarma_to_shopmonkey(order, CONFIG)
    (labor,) = mapped.value[0].labors
    # 256.50 / 1.3 = 197.307...: rate 197.31, 1.3 x 19731 = 25650.3 -> 25650, discount 0
    assert (labor.hours, labor.rate_cents, labor.discount_cents) == (1.3, 19731, 0)


# ---------------------------------------------------------------- the header's category sums


def example_order():
    return copy.deepcopy(order_of(EXAMPLE_EVENT)["order"])


def test_header_categories_agree_with_the_rows_in_the_example():
    # labor 189.00 + 150.00 = 339.00 (laborSale, laborSaleCustomer); parts 64.35 + 98.40 =
    # 162.75; misc 12.50 + the untyped towing row 75.00 = 87.50: every stated amount agrees
    mapped = mapping.mykaarma_to_shopmonkey(example_order(), CONFIG)
    (total,) = [n for n in mapped.report if n.kind == "total"]
    assert total.cents == 0
    assert "every sale amount the header states agrees with its rows" in total.message
    assert not [n for n in mapped.report if n.kind == "unexplained"]


def test_header_category_that_its_rows_do_not_give_is_refused_or_reported():
    # the header says 349.00 of labor and 152.75 of parts: the same 601.05 in total, but
    # 10.00 moved from parts to labor against the jobs (339.00 and 162.75)
    order = example_order()
    order["header"].update(laborSale="349.00", laborSaleCustomer="349.00", partsSale="152.75")
    with pytest.raises(mapping.MappingError) as info:
        mapping.mykaarma_to_shopmonkey(order, CONFIG)
    assert {(i.path, i.code) for i in info.value.issues} == {
        ("/header/laborSale", "mapping.order_category"),
        ("/header/laborSaleCustomer", "mapping.order_category"),
        ("/header/partsSale", "mapping.order_category"),
    }
    assert "laborSaleCustomer is 349.00, its rows give 339.00 (jobs)" in str(info.value)
    report = attrs.evolve(CONFIG, orders=attrs.evolve(CONFIG.orders, unexplained_total="report"))
    mapped = mapping.mykaarma_to_shopmonkey(order, report)
    unexplained = [(n.source, n.cents) for n in mapped.report if n.kind == "unexplained"]
    assert unexplained == [
        ("/header/laborSale", None),
        ("/header/laborSaleCustomer", None),
        ("/header/partsSale", None),
    ]
    (total,) = [n for n in mapped.report if n.kind == "total"]
    assert total.cents == 0  # the money is all there: 589.25 both sides
    assert "laborSaleCustomer 349.00 against 339.00" in total.message
    assert "partsSale 152.75 against 162.75" in total.message


def test_total_refusal_says_which_category_the_difference_sits_in():
    # a header that adds 20.00 of misc no row carries: customerPayAmount 621.05, miscSale
    # 107.50 against 12.50 + 75.00
    order = example_order()
    order["header"].update(customerPayAmount="621.05", miscSale="107.50")
    with pytest.raises(mapping.MappingError) as info:
        mapping.mykaarma_to_shopmonkey(order, CONFIG)
    found = {(i.path, i.code) for i in info.value.issues}
    assert found == {
        ("/header/customerPayAmount", "mapping.order_total"),
        ("/header/miscSale", "mapping.order_category"),
    }
    assert "disagree with their rows: miscSale 107.50 against 87.50" in str(info.value)

"""The mapping's shortcuts for the usual case give what the general rule gives: a job's single
labor line rounded on its own, a myKaarma amount with at most two decimals read from its
digits, an int bounded against an int. Expected values are worked out by hand."""

import copy

import pytest

import dealerbridge as db
from dealerbridge import mapping
from dealerbridge import shopmonkey as sm

from .test_mapping_forward_ledger import CONFIG, labor, order, part, service, stated

# ------------------------------------------------------------ one labor line, hours rounded


@pytest.mark.parametrize(
    ("hours", "sent", "cents"),
    [
        # 1.255 h x 100.00 = 125.50; 1.255 h rounds half up to 1.26
        (1.255, "1.26", 12550),
        # the float 2.675 is read as written (2.675, not 2.67499999...): 2.68, half up
        (2.675, "2.68", 26750),
        # 0.334 h -> 0.33 (down); 33.40
        (0.334, "0.33", 3340),
    ],
)
def test_a_single_labor_lines_hours_are_rounded_half_up_once(hours, sent, cents):
    services = [
        service(
            "svc-h",
            "Diagnosis",
            1,
            labors=[labor("svc-h", 1, hours, 10000)],
            labor_cents=cents,
            parts_cents=0,
            tax=0,
            total=cents,
        )
    ]
    mapped = mapping.shopmonkey_to_mykaarma(stated(order(cents), services), services, CONFIG)
    ro = db.dump(mapped.value)["order"]
    (job,) = ro["jobs"]
    assert [row["soldHours"] for row in job["techHours"]] == [sent]
    assert job["soldHours"] == ro["header"]["soldHours"] == sent
    (note,) = [n for n in mapped.report if n.kind == "rounded"]
    assert note.source == "/services/0/labors/0/hours"
    assert note.target == "/order/jobs/0/techHours/0/soldHours"
    assert f"hours {hours} sent as {sent}" in note.message


# ------------------------------------------------------- myKaarma amounts, however written


def _ro(labor_sale):
    return {
        "type": "RO",
        "header": {"orderNumber": "RO-7", "status": "C"},
        "jobs": [
            {
                "jobNumberString": "A",
                "lopSeqNumber": "1",
                "laborOpCode": "DIAG",
                "laborSale": labor_sale,
                "soldHours": "1.00",
                "partsSale": "0.00",
                "miscSale": "0.00",
            }
        ],
    }


def _services(labor_sale):
    mapped = mapping.mykaarma_to_shopmonkey(_ro(labor_sale))
    return [db.dump(s) for s in mapped.value], [n.to_dict() for n in mapped.report]


@pytest.mark.parametrize(
    "spelled", ["189.5", "0189.50", "+189.50", " 189.50 ", "189.500", "189.500000"]
)
def test_an_amount_reads_the_same_however_it_is_written(spelled):
    services, report = _services(spelled)
    assert (services, report) == _services("189.50")
    # 1 hour at 189.50
    (labor_line,) = services[0]["labors"]
    assert (labor_line["hours"], labor_line["rateCents"]) == (1, 18950)


@pytest.mark.parametrize(
    ("spelled", "code"),
    [
        ("189.505", "mapping.amount"),  # a fraction of a cent: not an exact amount
        ("1e2", "mapping.range"),  # an exponent is not a plain decimal
        ("1" * 16 + ".00", "mapping.range"),  # 16 digits before the point
    ],
)
def test_an_amount_that_is_not_cents_is_refused(spelled, code):
    with pytest.raises(mapping.MappingError) as info:
        mapping.mykaarma_to_shopmonkey(_ro(spelled))
    assert [(i.path, i.code) for i in info.value.issues] == [("/jobs/0/laborSale", code)]


def test_fifteen_digits_before_the_point_are_read_exactly():
    services, _ = _services("999999999999999.99")
    assert services[0]["labors"][0]["rateCents"] == 99999999999999999


# ------------------------------------------------------------------ int bounds, at the edge


def _model(field, value):
    data = copy.deepcopy(
        service(
            "svc-b",
            "Bounds",
            1,
            labors=[labor("svc-b", 1, 1, 100)],
            labor_cents=100,
            parts_cents=0,
            tax=0,
            total=100,
        )
    )
    if field == "quantity":
        data["parts"] = [part("svc-b", 1, value, 1, None, "P-1")]
    else:
        data["labors"][0]["hours"] = value
    return db.load(sm.Service, data)


@pytest.mark.parametrize("field", ["quantity", "hours"])
@pytest.mark.parametrize("value", [10**12, -(10**12), 10**15])
def test_an_int_of_ten_to_the_twelve_is_out_of_range(field, value):
    with pytest.raises(db.ValidationError) as info:
        sm.service_totals(_model(field, value))
    where = "/parts/0/quantity" if field == "quantity" else "/labors/0/hours"
    assert [(i.path, i.code) for i in info.value.issues] == [(where, "number.range")]


def test_an_int_just_below_ten_to_the_twelve_is_priced():
    # (10^12 - 1) x 1 cent; and 1 h x 1.00 for the labor line
    totals = sm.service_totals(_model("quantity", 10**12 - 1))
    assert totals.lines["parts"] == (10**12 - 1,)
    # (10^12 - 1) h x 100 cents
    assert sm.service_totals(_model("hours", 10**12 - 1)).lines["labors"] == (10**14 - 100,)

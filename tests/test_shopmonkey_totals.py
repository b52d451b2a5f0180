"""Generated Shopmonkey services add up under the documented (unverified) reading."""

from fractions import Fraction

from hypothesis import given, settings

import dealerbridge as db
from dealerbridge.testing import payloads, shopmonkey_service_totals

from .vendor_support import FIXTURES


def half_up(value: Fraction) -> int:
    return int(value + Fraction(1, 2)) if value >= 0 else -int(-value + Fraction(1, 2))


def oracle(service):
    """The reading of dealerbridge.testing._shopmonkey, written independently with Fractions."""

    def f(x):
        return Fraction(str(x))

    def line(gross, x):
        # a Percent discount with a non-zero percent is that share of the gross, half up
        if x.get("discountValueType") == "Percent" and x.get("discountPercent"):
            return gross - half_up(gross * f(x["discountPercent"]) / 100)
        return gross - x["discountCents"]

    labor = sum(
        line(half_up(f(x["hours"]) * x["rateCents"] * f(x["multiplier"])), x)
        for x in service["labors"]
    )
    parts = sum(line(half_up(f(x["quantity"]) * x["retailCostCents"]), x) for x in service["parts"])
    tires = sum(line(half_up(f(x["quantity"]) * x["retailCostCents"]), x) for x in service["tires"])
    subs = sum(line(x["retailCostCents"], x) for x in service["subcontracts"])
    fees = sum(x["amountCents"] for x in service["fees"])
    extra = sum(
        service.get(k) or 0
        for k in ("calculatedGSTCents", "calculatedPSTCents", "calculatedHSTCents")
    )
    total = (
        labor
        + parts
        + tires
        + subs
        + fees
        + service["calculatedEpaCents"]
        + service["calculatedShopSuppliesCents"]
        - service["calculatedDiscountCents"]
        + service["calculatedTaxCents"]
        + extra
    )
    return {
        "calculatedLaborCents": labor,
        "calculatedPartsCents": parts,
        "calculatedTiresCents": tires,
        "calculatedSubcontractsCents": subs,
        "calculatedFeeCents": fees,
        "totalCents": total,
    }


def test_the_hand_built_brakes_fixture_adds_up():
    service = db.parse_json(
        (FIXTURES / "shopmonkey" / "service" / "valid-seed-shape-us-brakes.json").read_bytes()
    )
    assert shopmonkey_service_totals(service) == oracle(service)
    assert shopmonkey_service_totals(service)["totalCents"] == service["totalCents"] == 49209


def services_in(payload, name):
    if name == "shopmonkey/service":
        return [payload]
    if name == "shopmonkey/get-services-response":
        return payload["data"]
    order = payload["data"].get("order") or {}
    return list(order.get("services", [])) + list(payload["data"].get("services", []))


SETTINGS = settings(max_examples=40)


@SETTINGS
@given(payloads("shopmonkey/service", max_items=2, optional="containers"))
def test_generated_services_add_up(service):
    expected = oracle(service)
    assert {k: service[k] for k in expected} == expected
    assert all(line["discountCents"] >= 0 for kind in ("labors", "parts") for line in service[kind])


@SETTINGS
@given(payloads("shopmonkey/get-services-response", max_items=2, optional="containers"))
def test_services_of_a_get_response_add_up(payload):
    assert payload["data"]
    for service in payload["data"]:
        expected = oracle(service)
        assert {k: service[k] for k in expected} == expected


@SETTINGS
@given(payloads("shopmonkey/create-services-response", max_items=2))
def test_services_inside_order_responses_add_up(payload):
    for service in services_in(payload, "shopmonkey/create-services-response"):
        expected = oracle(service)
        assert {k: service[k] for k in expected} == expected

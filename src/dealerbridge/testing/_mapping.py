"""Strategies for the mapping: Shopmonkey orders with services whose totals add up (negative
amounts and every authorization state included), and myKaarma orders.

Services carry line items and ``calculated*Cents``/``totalCents`` consistent under the one
documented reading (``sm.service_totals``); negative amounts come from line discounts larger
than their line, fee credits and service discounts. Orders may carry an order-level discount
and a card fee. Sizes default small (Hypothesis health checks fire on large JSON).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from .._types import JSON
from ..shopmonkey._totals import ORDER_CATEGORIES
from ._shopmonkey import line_cents as _line_cents
from ._shopmonkey import service_totals as _totals

__all__ = [
    "mykaarma_orders",
    "service_from_request",
    "shopmonkey_orders_with_services",
    "shopmonkey_services",
]

#: Pools the strategies draw ids from; `mapping_config_for_strategies` maps every one.
TECHNICIAN_IDS = ("tech-1", "tech-2", "tech-3")
SERVICE_WRITER_IDS = ("writer-1", "writer-2")
CUSTOMER_IDS = ("cust-1", "cust-2")
VEHICLE_IDS = ("veh-1",)

_SERVICE: dict[str, Any] = {
    "id": "9e4d2a61-0f3b-4c8a-b7d5-61c2e8f4a0b2",
    "createdDate": "2024-03-06T09:15:00Z",
    "updatedDate": "2024-03-06T09:15:00Z",
    "companyId": "5f9c2a7e1d4b3c0012ab34cd",
    "locationId": "5f9c2a7e1d4b3c0012ab34ce",
    "name": "Tire Replacement (4) with Alignment",
    "note": "",
    "orderId": "681e106d-093f-42e4-853c-9db283918cd8",
    "lumpSum": False,
    "recommended": True,
    "epaPercent": 0,
    "epaCents": 0,
    "epaValueType": "Percent",
    "discountCents": 0,
    "discountPercent": 0,
    "discountValueType": "Percent",
    "taxCents": 0,
    "taxPercent": 0,
    "taxValueType": "Percent",
    "gstCents": 0,
    "gstPercent": 5,
    "gstValueType": "Percent",
    "pstCents": 0,
    "pstPercent": 7,
    "pstValueType": "Percent",
    "hstCents": 0,
    "hstPercent": 0,
    "hstValueType": "Percent",
    "shopSuppliesApplied": True,
    "shopSuppliesCents": 0,
    "shopSuppliesPercent": 0,
    "shopSuppliesValueType": "FixedCents",
    "authorizationStatus": "NotAuthorized",
    "calculatedPartsCents": 5180,
    "calculatedTiresCents": 85996,
    "calculatedLaborCents": 10800,
    "calculatedSubcontractsCents": 9995,
    "calculatedFeeCents": 2150,
    "calculatedEpaCents": 0,
    "calculatedDiscountCents": 3200,
    "calculatedDiscountPercent": 0,
    "calculatedShopSuppliesCents": 0,
    "calculatedTaxCents": 0,
    "ordinal": 1,
    "hidden": False,
    "totalCents": 127815,
    "sourceServiceId": None,
    "deferredDate": None,
    "deferredReason": None,
    "excludedFromDeferred": False,
    "revived": False,
    "revivedFromId": None,
}

_LABOR: dict[str, Any] = {
    "id": "7c9e1b3d-5f8a-4e0c-9b2d-8e0a2c4d6f7e",
    "createdDate": "2024-03-06T09:15:00Z",
    "updatedDate": None,
    "companyId": "5f9c2a7e1d4b3c0012ab34cd",
    "locationId": "5f9c2a7e1d4b3c0012ab34ce",
    "serviceId": "9e4d2a61-0f3b-4c8a-b7d5-61c2e8f4a0b2",
    "orderId": "681e106d-093f-42e4-853c-9db283918cd8",
    "discountCents": 0,
    "discountPercent": 10,
    "discountValueType": "Percent",
    "name": None,
    "hours": 1,
    "rateCents": 12000,
    "rateId": None,
    "technicianId": None,
    "showHours": False,
    "showNote": True,
    "ordinal": 2,
    "costHours": None,
    "costRateCents": None,
    "costTotalCents": None,
    "multiplier": 1,
    "multiplierType": "Rate",
    "note": "Mount and balance 4 tires",
    "completed": False,
    "completedDate": None,
    "categoryId": None,
    "skillRequired": None,
    "skillRequiredDescription": None,
    "taxable": False,
    "laborMatrixId": "1b3d5f7a-9c2e-4d4f-8a6b-8c0e2a4b6d93",
    "laborMatrixDate": None,
    "applicationId": None,
    "sourceItemId": None,
}

_PART: dict[str, Any] = {
    "id": "1a3c5e7b-9d2f-4c4a-8b6d-2c4e6a8b0d12",
    "createdDate": "2024-03-06T09:15:00Z",
    "updatedDate": None,
    "companyId": "5f9c2a7e1d4b3c0012ab34cd",
    "locationId": "5f9c2a7e1d4b3c0012ab34ce",
    "serviceId": "9e4d2a61-0f3b-4c8a-b7d5-61c2e8f4a0b2",
    "orderId": "681e106d-093f-42e4-853c-9db283918cd8",
    "discountCents": 0,
    "discountPercent": 0,
    "discountValueType": "Percent",
    "quantity": 4,
    "retailCostCents": 1295,
    "wholesaleCostCents": 600,
    "showNote": False,
    "showPartNumber": False,
    "showCostAndQuantity": True,
    "reduceInventoryCount": False,
    "taxable": False,
    "ordinal": 5,
    "name": "TPMS service kit",
    "note": "",
    "partNumber": "20235",
    "binLocation": "",
    "vendorId": None,
    "inventoryPartId": None,
    "categoryId": None,
    "pricingMatrixId": None,
    "pricingMatrixDate": None,
    "sourceItemId": None,
}

_TIRE: dict[str, Any] = {
    "id": "5a7c9e1b-3d6f-4b8a-9c0e-6b8d0f2a4c5b",
    "createdDate": "2024-03-06T09:15:00Z",
    "updatedDate": None,
    "locationId": "5f9c2a7e1d4b3c0012ab34ce",
    "companyId": "5f9c2a7e1d4b3c0012ab34cd",
    "name": "Michelin Defender2 225/65R17 102H",
    "note": None,
    "pricingMatrixId": None,
    "pricingMatrixDate": None,
    "discountCents": 2000,
    "discountPercent": 0,
    "discountValueType": "FixedCents",
    "quantity": 4,
    "retailCostCents": 21999,
    "wholesaleCostCents": 15640,
    "ordinal": 1,
    "sizeFormat": "Conventional",
    "size": "225/65R17",
    "partNumber": "MIC-41523",
    "binLocation": None,
    "brandId": "f2a4c6e8-0b1d-4e3f-8a5b-9c7e1d3f5b71",
    "model": "Defender2",
    "vendorId": "d1e3f5a7-9b2c-4d6e-8f0a-3c5e7a9b1d4f",
    "seasonality": "AllSeasons",
    "taxable": True,
    "showPartNumber": True,
    "showPriceAndQuantity": True,
    "showNote": False,
    "categoryId": None,
    "serviceId": "9e4d2a61-0f3b-4c8a-b7d5-61c2e8f4a0b2",
    "orderId": "681e106d-093f-42e4-853c-9db283918cd8",
    "reduceInventoryCount": True,
    "federalExciseTaxCents": 0,
    "wasteTireFee": 450,
    "sourceItemId": None,
}

_FEE: dict[str, Any] = {
    "id": "8d0f2c4e-6a9b-4f1d-8c3e-9f1b3d5e7a8f",
    "createdDate": "2024-03-06T09:15:00Z",
    "updatedDate": "2024-03-06T09:15:00Z",
    "companyId": "5f9c2a7e1d4b3c0012ab34cd",
    "locationId": "5f9c2a7e1d4b3c0012ab34ce",
    "serviceId": "9e4d2a61-0f3b-4c8a-b7d5-61c2e8f4a0b2",
    "orderId": "681e106d-093f-42e4-853c-9db283918cd8",
    "feeType": "PercentLineItem",
    "percent": 2.5,
    "amountCents": 0,
    "subtotalCents": 85996,
    "lineItemEntity": "Tire",
    "partId": None,
    "laborId": None,
    "subcontractId": None,
    "tireId": "5a7c9e1b-3d6f-4b8a-9c0e-6b8d0f2a4c5b",
    "name": "Tire stewardship fee",
    "ordinal": 3,
    "categoryId": None,
    "sourceItemId": None,
}

_SUBCONTRACT: dict[str, Any] = {
    "id": "0f2b4d6a-8c1e-4b3f-9e5a-1b3d5f7a9c01",
    "createdDate": "2024-03-06T09:15:00Z",
    "updatedDate": None,
    "locationId": "5f9c2a7e1d4b3c0012ab34ce",
    "companyId": "5f9c2a7e1d4b3c0012ab34cd",
    "name": "Four-wheel alignment (sent to Precision Alignment)",
    "discountCents": 0,
    "discountPercent": 0,
    "discountValueType": "Percent",
    "taxable": False,
    "costCents": 6500,
    "retailCostCents": 9995,
    "showNote": False,
    "note": None,
    "vendorId": "e8f0a2c4-6d1e-4f3a-9b5c-7d9f1b3e5a60",
    "serviceId": "9e4d2a61-0f3b-4c8a-b7d5-61c2e8f4a0b2",
    "orderId": "681e106d-093f-42e4-853c-9db283918cd8",
    "ordinal": 4,
    "categoryId": None,
    "sourceItemId": None,
}

_ORDER: dict[str, Any] = {
    "appointmentDates": ["2024-03-05T14:00:00.000Z"],
    "archived": False,
    "assignedTechnicianIds": ["5f9c2a7e1d4b3c0012ab3602"],
    "authorized": True,
    "authorizedDate": "2024-03-05T15:02:10Z",
    "coalescedName": "Brakes",
    "companyId": "5f9c2a7e1d4b3c0012ab34cd",
    "complaint": "Squeal when braking",
    "completedDate": None,
    "conversationId": "5f9c2a7e1d4b3c0012ab3901",
    "createdDate": "2024-03-05T14:20:55.017Z",
    "customerId": "1f662a48-5b7e-4c0d-9a3e-8c2d4f6b1a90",
    "deferredServiceCount": 1,
    "deleted": False,
    "deletedDate": None,
    "deletedReason": None,
    "deletedUserId": None,
    "discountCents": 0,
    "discountPercent": 0,
    "dueDate": None,
    "emailId": None,
    "epaCents": 0,
    "feesCents": 500,
    "generatedCustomerName": "Dana Whitaker",
    "generatedName": "Brakes",
    "generatedVehicleName": "2017 Honda Accord EX-L",
    "gstCents": 0,
    "hstCents": 0,
    "id": "fd031338-b0ba-4f1b-b583-5800678cdab9",
    "inspectionCount": 0,
    "inspectionStatus": "None",
    "invoiced": False,
    "invoicedDate": None,
    "laborCents": 21750,
    "locationId": "5f9c2a7e1d4b3c0012ab34ce",
    "messageCount": 2,
    "mileageIn": 84213,
    "mileageOut": None,
    "name": None,
    "number": "1042",
    "orderCreatedDate": "2024-03-05T14:20:55.017Z",
    "paid": False,
    "paidCostCents": 0,
    "partsCents": 23899,
    "phoneNumberId": None,
    "pstCents": 0,
    "publicId": "o-3f9a2c71",
    "purchaseOrderNumber": None,
    "readOnly": False,
    "readOnlyReason": None,
    "recommendation": None,
    "remainingCostCents": 49209,
    "sentToCarfax": False,
    "serviceWriterId": "5f9c2a7e1d4b3c0012ab3601",
    "shopSuppliesCents": 1088,
    "shopUnreadMessageCount": 0,
    "statementId": None,
    "subcontractsCents": 0,
    "taxCents": 1972,
    "taxConfigId": "5f9c2a7e1d4b3c0012ab3801",
    "tiresCents": 0,
    "totalCostCents": 49209,
    "updatedDate": "2024-03-05T15:07:44.120Z",
    "vehicleId": "7c2e9a41-3d5f-4b8e-a1c6-0f4d2e8b9a37",
    "workflowStatusId": "5f9c2a7e1d4b3c0012ab3701",
    "workflowStatusPosition": 2,
    "customer": None,
    "profitability": None,
    "vehicle": None,
    "workflowStatus": None,
    "status": "RepairOrder",
}


_HOURS = st.sampled_from(["0", "0.1", "0.25", "0.3", "1", "1.1", "1.255", "1.5", "2.7", "3.333"])
_QUANTITY = st.sampled_from(["1", "2", "4", "0.5", "1.25", "5.5", "0.333"])
_MULTIPLIER = st.sampled_from(["1", "1", "1.1", "1.25", "1.5"])
_PRICE = st.integers(0, 60_000)
_SMALL = st.integers(0, 5_000)


def _number(text: str) -> int | float:
    value = Decimal(text)
    return int(value) if value == value.to_integral_value() else float(text)


def _discount(draw: st.DrawFn, negative: bool) -> int:
    if negative and draw(st.integers(0, 9)) == 0:
        return int(draw(st.integers(0, 80_000)))  # may exceed its line: a negative line
    return int(draw(st.sampled_from([0, 0, 0, 100, 250, 1_000])))


@st.composite
def _line(draw: st.DrawFn, kind: str, n: int, negative: bool) -> dict[str, JSON]:
    line_id = f"{kind}-{n}-{draw(st.integers(0, 9999))}"
    if kind == "labors":
        line = copy.deepcopy(_LABOR)
        line.update(
            hours=_number(draw(_HOURS)),
            rateCents=draw(_PRICE),
            multiplier=_number(draw(_MULTIPLIER)),
            multiplierType=draw(st.sampled_from(["Hours", "Rate"])),
            technicianId=draw(st.sampled_from([*TECHNICIAN_IDS, None])),
            costTotalCents=draw(st.none() | _SMALL),
        )
    elif kind in ("parts", "tires"):
        line = copy.deepcopy(_PART if kind == "parts" else _TIRE)
        line.update(
            quantity=_number(draw(_QUANTITY)),
            retailCostCents=draw(_PRICE),
            wholesaleCostCents=draw(st.none() | _PRICE),
            partNumber=draw(st.sampled_from([None, "", "PN-1", "D1210"])),
        )
    elif kind == "subcontracts":
        line = copy.deepcopy(_SUBCONTRACT)
        line.update(retailCostCents=draw(_PRICE), costCents=draw(_PRICE))
    else:
        line = copy.deepcopy(_FEE)
        amount = draw(_SMALL)
        if negative and draw(st.integers(0, 9)) == 0:
            amount = -amount
        line.update(feeType="FixedCents", amountCents=amount)
    if kind != "fees":  # a percent line discount (0-100 scale) or a cents one
        line["discountValueType"] = draw(st.sampled_from(["FixedCents", "Percent"]))
        line["discountPercent"] = _number(draw(st.sampled_from(["0", "0", "10", "12.5"])))
        discount = _discount(draw, negative)
        if not negative:
            line["discountCents"] = 0
            discount = min(discount, _line_cents(kind, line))
        line["discountCents"] = discount
    line.update(id=line_id, ordinal=draw(st.integers(0, 5)), name=f"{kind} {n}")
    return line


@st.composite
def shopmonkey_services(
    draw: st.DrawFn, *, max_lines: int = 3, negative: bool = True, authorized: bool | None = None
) -> dict[str, JSON]:
    """One Shopmonkey service (JSON) whose totals add up from its line items."""
    service = copy.deepcopy(_SERVICE)
    for kind in ("labors", "parts", "tires", "subcontracts", "fees"):
        count = draw(st.integers(0, max_lines if kind in ("labors", "parts") else 1))
        service[kind] = [draw(_line(kind, n, negative)) for n in range(count)]
    if authorized is None:
        status = draw(st.sampled_from(["Authorized"] * 3 + ["NotAuthorized", "Declined"]))
    else:
        status = (
            "Authorized" if authorized else draw(st.sampled_from(["NotAuthorized", "Declined"]))
        )
    deferred = draw(st.sampled_from([None] * 6 + ["Declined", "InvoicedNotAuthorized"]))
    service.update(
        id=f"svc-{draw(st.integers(0, 10**6))}",
        name=draw(st.sampled_from(["Oil Change", "Front Brake Pads & Rotors", "Diagnosis"])),
        ordinal=draw(st.integers(0, 9)),
        authorizationStatus=status,
        deferredReason=deferred if status == "Authorized" else None,
        hidden=draw(st.integers(0, 9)) == 0,
        calculatedEpaCents=draw(st.sampled_from([0, 0, 150, 299])),
        calculatedShopSuppliesCents=draw(st.sampled_from([0, 0, 500, 1088])),
        calculatedDiscountCents=draw(st.sampled_from([0, 0, 0, 500, 2_500])),
        calculatedTaxCents=draw(st.integers(0, 4_000)),
        calculatedGSTCents=draw(st.sampled_from([0, 0, 0, 700])),
        sourceServiceId=None,
    )
    for key in ("calculatedPSTCents", "calculatedHSTCents"):
        service[key] = 0
    service.update(_totals(service))
    return service


@st.composite
def shopmonkey_orders_with_services(
    draw: st.DrawFn, *, max_services: int = 4, negative: bool = True
) -> tuple[dict[str, JSON], list[dict[str, JSON]]]:
    """``(order, services)`` as JSON: a Shopmonkey order and the ``data`` of its GET services
    response (services of every authorization state, totals that add up)."""
    services: list[dict[str, Any]] = draw(
        st.lists(shopmonkey_services(negative=negative), max_size=max_services)
    )
    seen: set[str] = set()
    for n, service in enumerate(services):
        if service["id"] in seen:
            service["id"] = f"{service['id']}-{n}"
        seen.add(service["id"])
    order = copy.deepcopy(_ORDER)
    status = draw(st.sampled_from(["RepairOrder", "Invoice"]))
    paid = status == "Invoice" and draw(st.booleans())
    order.update(
        number=draw(st.sampled_from(["1042", 1043, "A-7", "RO#12"])),
        status=status,
        paid=paid,
        invoiced=status == "Invoice",
        invoicedDate="2024-03-07T18:05:00.000Z" if status == "Invoice" else None,
        serviceWriterId=draw(st.sampled_from([*SERVICE_WRITER_IDS, None])),
        customerId=draw(st.sampled_from(CUSTOMER_IDS)),
        vehicleId=draw(st.sampled_from([*VEHICLE_IDS, None])),
        appliedDiscountCents=draw(st.sampled_from([0, 0, 0, 300, 5_000])) if negative else 0,
        transactionalFeeSubtotalCents=draw(st.sampled_from([0, 0, 0, 199])),
    )
    for service in services:  # every service belongs to the order
        service["orderId"] = order["id"]
    # Shopmonkey's own order total: no source says whether it counts the services it leaves
    # out or the card fee, so both readings are drawn (the mapping's order balance reads them)
    included = [
        s
        for s in services
        if s["authorizationStatus"] == "Authorized"
        and s["deferredReason"] is None
        and not s["hidden"]
    ]
    total = sum(s["totalCents"] for s in included) - order["appliedDiscountCents"]
    if draw(st.booleans()):
        total += order["transactionalFeeSubtotalCents"]
    counted = included
    if draw(st.booleans()):
        total += sum(s["totalCents"] for s in services if s not in included)
        counted = services
    order["totalCostCents"] = total
    # its category sums: each service field summed over the services its total counts
    for field, key in ORDER_CATEGORIES:
        order[field] = sum(s.get(key) or 0 for s in counted)
    return order, services


_AMOUNT = st.integers(0, 200_000)


def _amount(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


@st.composite
def mykaarma_orders(draw: st.DrawFn, *, max_jobs: int = 4) -> dict[str, JSON]:
    """A myKaarma order (JSON, ``mykaarma/order``) whose job lines never claim more than the
    job's amounts (as the documented event: details may explain less)."""
    jobs = []
    letters = "ABCDEFGH"
    for n in range(draw(st.integers(0, max_jobs))):
        labor = draw(_AMOUNT)
        parts = []
        explained = 0
        for k in range(draw(st.integers(0, 3))):
            quantity = draw(st.sampled_from(["1", "2", "0.5", "3"]))
            price = draw(st.integers(0, 20_000))
            total = draw(st.sampled_from([int(Decimal(quantity) * price), draw(_AMOUNT)]))
            parts.append(
                {
                    "partNumber": f"P{k}",
                    "description": f"part {k}",
                    "quantitySold": quantity,
                    "salePrice": _amount(price),
                    "saleTotal": _amount(total),
                    "laborType": "C",
                }
            )
            explained += total
        parts_sale = explained + draw(st.sampled_from([0, 0, draw(_AMOUNT)]))
        job = {
            "jobIdentifier": f"{letters[n]}-1",
            "jobNumberString": letters[n],
            "lopSeqNumber": "1",
            "laborOpCode": draw(st.sampled_from(["30K", "BRK", "OIL"])),
            "laborOpCodeDesc": draw(st.sampled_from(["PERFORM 30K SERVICE", None])),
            "laborType": draw(st.sampled_from(["C", "C", "C", "W", "I"])),
            "laborSale": _amount(labor),
            "soldHours": draw(st.sampled_from(["0.00", "1.00", "1.30", "1.50", "2.25"])),
            "partsSale": _amount(parts_sale),
            "miscSale": _amount(draw(st.sampled_from([0, 0, 1250, draw(_AMOUNT)]))),
            "techNos": draw(st.sampled_from(["109072", "", "1/2"])),
            "parts": parts,
        }
        jobs.append(job)
    mls = []
    for _ in range(draw(st.integers(0, 2))):
        mls.append(
            {
                "opCode": "TOW",
                "opCodeDesc": "Towing Service",
                "salePrice": _amount(draw(_AMOUNT)),
                "costPrice": _amount(draw(_AMOUNT)),
                "mlsType": draw(st.sampled_from([None, "S", "M", "L"])),
                "lineCode": draw(st.sampled_from([None, *letters[: len(jobs)]])),
                "laborType": "C",
            }
        )
    shuffled = draw(st.permutations(jobs))
    order: dict[str, Any] = {
        "type": "RO",
        "header": {"orderNumber": "RO-1", "status": "C"},
        "jobs": shuffled,
        "mls": mls,
    }
    return order


_TEMPLATES = {
    "labors": _LABOR,
    "parts": _PART,
    "tires": _TIRE,
    "fees": _FEE,
    "subcontracts": _SUBCONTRACT,
}


def service_from_request(item: Mapping[str, JSON], n: int = 0) -> dict[str, JSON]:
    """A full Shopmonkey service (as GET would return it) for one custom service of a POST
    body: the body's keys over a template, line-item defaults Shopmonkey would apply (no
    discount, multiplier 1), and ``calculated*Cents``/``totalCents`` under the
    ``sm.service_totals`` reading (no tax, EPA, shop supplies or discount). For round trips."""
    body: Mapping[str, Any] = item  # its line lists are read as lists of line objects
    service = copy.deepcopy(_SERVICE)
    lines = {}
    for kind, template in _TEMPLATES.items():
        made = []
        for k, line in enumerate(body.get(kind, [])):
            full = copy.deepcopy(template)
            if kind != "fees":  # no discount of any kind unless the body gives one
                full.update(discountCents=0, discountPercent=0, discountValueType="FixedCents")
            full.update(line)
            full.update(id=f"{kind}-{n}-{k}", ordinal=k)
            made.append(full)
        lines[kind] = made
    scalar = {k: v for k, v in item.items() if k not in _TEMPLATES}
    service.update(scalar)
    service.update(lines)
    service.update(
        id=f"svc-rt-{n}",
        deferredReason=None,
        hidden=False,
        sourceServiceId=None,
        calculatedEpaCents=0,
        calculatedShopSuppliesCents=0,
        calculatedDiscountCents=0,
        calculatedTaxCents=0,
        calculatedGSTCents=0,
        calculatedPSTCents=0,
        calculatedHSTCents=0,
    )
    service.update(_totals(service))
    return service

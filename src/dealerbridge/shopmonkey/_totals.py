"""A service's totals, computed from its line items in exact integers, and the check against
Shopmonkey's own ``calculated*Cents`` / ``totalCents``.

No Shopmonkey source states the formula (notes/decisions-shopmonkey-services.md, "How a
service's totals add up"); this is the one reading the library uses everywhere (the testing
strategies generate services that satisfy it), labelled unverified. All amounts are integer
cents; hours, quantities and multipliers arrive as JSON numbers (floats) and are read as
``Decimal(repr(x))``, so ``1.1`` is exactly 1.1; products are rounded half up to a cent once
per line:

- labor line       = hours x rateCents x multiplier - discountCents
- part, tire line  = quantity x retailCostCents - discountCents
  (a tire's ``federalExciseTaxCents`` and ``wasteTireFee`` are not added: units undocumented)
- subcontract line = retailCostCents - discountCents
- fee line         = amountCents (whatever its feeType)
- labor, parts, tires, subcontracts, fees = the sums of those lines
- total = labor + parts + tires + subcontracts + fees + calculatedEpaCents
  + calculatedShopSuppliesCents - calculatedDiscountCents + calculatedTaxCents
  (+ calculatedGSTCents + calculatedPSTCents + calculatedHSTCents where present)
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TypeAlias, cast

import attrs

from .._errors import DealerbridgeUsageError, Issue, ValidationError, describe_value
from .._generated.shopmonkey import Fee, Labor, Part, Service, Subcontract, Tire
from .._models import UNSET

__all__ = [
    "Reconciliation",
    "ServiceTotals",
    "exact",
    "line_cents",
    "reconcile_service",
    "service_totals",
]

#: Line-item array (wire name) -> the service's category field it sums to.
CATEGORIES: dict[str, str] = {
    "labors": "calculatedLaborCents",
    "parts": "calculatedPartsCents",
    "tires": "calculatedTiresCents",
    "subcontracts": "calculatedSubcontractsCents",
    "fees": "calculatedFeeCents",
}


def exact(value: object, where: str = "") -> Decimal:
    """A JSON number as an exact Decimal: a float is read through ``repr`` (its shortest
    decimal form), never computed with. A bool, NaN or infinity raises `ValidationError`."""
    kind = type(value)
    if kind is float:  # the common cases first, by exact type
        number = Decimal(repr(value))
    elif kind is int:
        return Decimal(value)  # type: ignore[arg-type]  # type(value) is int
    elif isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(
            [Issue(where, "type", f"expected a number; found {describe_value(value)}", value)]
        )
    else:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise ValidationError([Issue(where, "type", f"expected a finite number; found {value}")])
    return number


def _cents(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


#: Any one line item of a service; ``line_cents``'s *kind* says which.
LineItem: TypeAlias = Labor | Part | Tire | Subcontract | Fee


def line_cents(kind: str, line: LineItem) -> int:
    """One line item's amount in cents (``kind`` is the wire array name, e.g. ``"labors"``)."""
    if kind == "fees":
        return int(cast(Fee, line).amount_cents)
    if kind == "labors":
        labor = cast(Labor, line)
        gross = _cents(exact(labor.hours) * labor.rate_cents * exact(labor.multiplier))
        discount = labor.discount_cents
    elif kind in ("parts", "tires"):
        goods = cast(Part | Tire, line)
        gross = _cents(exact(goods.quantity) * goods.retail_cost_cents)
        discount = goods.discount_cents
    elif kind == "subcontracts":
        sub = cast(Subcontract, line)
        gross = int(sub.retail_cost_cents)
        discount = sub.discount_cents
    else:
        raise ValueError(f"unknown line-item kind {kind!r}")
    return gross - int(discount)


def _optional(value: object) -> int:
    return 0 if value is UNSET or value is None else int(value)  # type: ignore[call-overload]


@attrs.frozen
class ServiceTotals:
    """Cents per category as the line items add up, and the total they give."""

    labor: int
    parts: int
    tires: int
    subcontracts: int
    fees: int
    epa: int
    shop_supplies: int
    discount: int
    tax: int
    """US sales tax plus GST, PST and HST where present."""
    total: int
    lines: dict[str, tuple[int, ...]] = attrs.field(eq=False)
    """Each line's amount, per line-item array (``"labors"``, ``"parts"``, ...), in order."""

    def by_field(self) -> dict[str, int]:
        """Our amounts under Shopmonkey's field names (``calculatedLaborCents``, ...)."""
        return {
            "calculatedLaborCents": self.labor,
            "calculatedPartsCents": self.parts,
            "calculatedTiresCents": self.tires,
            "calculatedSubcontractsCents": self.subcontracts,
            "calculatedFeeCents": self.fees,
            "totalCents": self.total,
        }


def _need_service(service: object, function: str) -> None:
    if not isinstance(service, Service):
        raise DealerbridgeUsageError(
            f"{function} needs an sm.Service, got {type(service).__name__}: "
            "read a JSON value with db.load(sm.Service, value) first"
        )


def service_totals(service: Service) -> ServiceTotals:
    """The category sums of *service* computed from its line items (formula in the module
    docstring); EPA, shop supplies, discount and tax are the service's own calculated values.
    *service* must be an `sm.Service` (``db.load(sm.Service, value)`` reads one); anything else
    is a `DealerbridgeUsageError`."""
    _need_service(service, "service_totals")
    return totals_of(service)


def totals_of(service: Service) -> ServiceTotals:
    """`service_totals` without the argument check, for code that reads a service through the
    model's attribute names without holding a model (the test strategies price wire dicts
    while drawing them)."""
    lines = {
        "labors": tuple(line_cents("labors", x) for x in service.labors),
        "parts": tuple(line_cents("parts", x) for x in service.parts),
        "tires": tuple(line_cents("tires", x) for x in service.tires),
        "subcontracts": tuple(line_cents("subcontracts", x) for x in service.subcontracts),
        "fees": tuple(line_cents("fees", x) for x in service.fees),
    }
    tax = (
        service.calculated_tax_cents
        + _optional(service.calculated_gst_cents)
        + _optional(service.calculated_pst_cents)
        + _optional(service.calculated_hst_cents)
    )
    sums = {kind: sum(values) for kind, values in lines.items()}
    epa = service.calculated_epa_cents
    supplies = service.calculated_shop_supplies_cents
    discount = service.calculated_discount_cents
    total = sum(sums.values()) + epa + supplies - discount + tax
    return ServiceTotals(
        labor=sums["labors"],
        parts=sums["parts"],
        tires=sums["tires"],
        subcontracts=sums["subcontracts"],
        fees=sums["fees"],
        epa=epa,
        shop_supplies=supplies,
        discount=discount,
        tax=tax,
        total=total,
        lines=lines,
    )


@attrs.frozen
class Reconciliation:
    """Shopmonkey's own totals against ours: ``differences`` maps each field
    (``calculatedLaborCents``, ..., ``totalCents``) to Shopmonkey's value minus ours."""

    matches: bool
    differences: dict[str, int] = attrs.field(eq=False)
    totals: ServiceTotals


def reconcile_service(service: Service) -> Reconciliation:
    """Compare *service*'s ``calculated*Cents`` and ``totalCents`` with `service_totals`."""
    _need_service(service, "reconcile_service")
    ours = service_totals(service)
    theirs = {
        "calculatedLaborCents": service.calculated_labor_cents,
        "calculatedPartsCents": service.calculated_parts_cents,
        "calculatedTiresCents": service.calculated_tires_cents,
        "calculatedSubcontractsCents": service.calculated_subcontracts_cents,
        "calculatedFeeCents": service.calculated_fee_cents,
        "totalCents": service.total_cents,
    }
    differences = {key: theirs[key] - value for key, value in ours.by_field().items()}
    return Reconciliation(
        matches=not any(differences.values()), differences=differences, totals=ours
    )

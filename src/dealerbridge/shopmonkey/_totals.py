"""A service's totals, computed from its line items in exact integers, and the check against
Shopmonkey's own ``calculated*Cents`` / ``totalCents``.

No Shopmonkey source states the formula (notes/decisions-shopmonkey-services.md, "How a
service's totals add up"); this is the one reading the library uses everywhere (the testing
strategies generate services that satisfy it), labelled unverified. All amounts are integer
cents; hours, quantities and multipliers arrive as JSON numbers (floats) and are read as
``Decimal(repr(x))``, so ``1.1`` is exactly 1.1; products are rounded half up to a cent once
per line:

- labor line       = hours x rateCents x multiplier - discount
- part, tire line  = quantity x retailCostCents - discount
  (a tire's ``federalExciseTaxCents`` and ``wasteTireFee`` are not added: units undocumented)
- subcontract line = retailCostCents - discount
- discount         = discountCents; but when discountValueType is "Percent" and discountPercent
  is not 0, the line's gross amount x discountPercent / 100, rounded half up (the percent
  scale is 0-100, as the services' taxPercent and shopSuppliesPercent show; when
  discountCents holds the same amount nothing changes)
- every hours, quantity, multiplier and percent is bounded first (magnitude below
  `MAX_NUMBER`, else `ValidationError` ``number.range`` at the field), and the arithmetic runs
  in a context wide enough that every product is exact
- fee line         = amountCents (whatever its feeType)
- labor, parts, tires, subcontracts, fees = the sums of those lines
- total = labor + parts + tires + subcontracts + fees + calculatedEpaCents
  + calculatedShopSuppliesCents - calculatedDiscountCents + calculatedTaxCents
  (+ calculatedGSTCents + calculatedPSTCents + calculatedHSTCents where present)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import TypeAlias, cast

import attrs

from .._errors import DealerbridgeUsageError, Issue, ValidationError, describe_value
from .._generated.shopmonkey import Fee, Labor, Part, Service, Subcontract, Tire
from .._models import UNSET

__all__ = [
    "MAX_NUMBER",
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

#: The order's category sums (wire name) and the service field each one sums over the services
#: the order counts: the reading the forward mapping's order balance checks and the fakes keep
#: (notes/decisions-mapping.md). One table, read by `mapping`, `testing` and `fakes`.
ORDER_CATEGORIES: tuple[tuple[str, str], ...] = (
    ("laborCents", "calculatedLaborCents"),
    ("partsCents", "calculatedPartsCents"),
    ("tiresCents", "calculatedTiresCents"),
    ("subcontractsCents", "calculatedSubcontractsCents"),
    ("feesCents", "calculatedFeeCents"),
    ("epaCents", "calculatedEpaCents"),
    ("shopSuppliesCents", "calculatedShopSuppliesCents"),
    ("discountCents", "calculatedDiscountCents"),
    ("taxCents", "calculatedTaxCents"),
    ("gstCents", "calculatedGSTCents"),
    ("pstCents", "calculatedPSTCents"),
    ("hstCents", "calculatedHSTCents"),
)


#: `MAX_NUMBER` as an int, for the bounds of int values (an int compares faster with an int).
MAX_INT = 10**12
#: Hours, quantities, multipliers, percents and mileages must be below this in magnitude
#: before they reach arithmetic (far above any real value; a JSON number such as 1e28 is
#: refused with ``number.range`` instead of overflowing the arithmetic).
MAX_NUMBER = Decimal(MAX_INT)
_MIN_NUMBER = -MAX_NUMBER

#: Wide enough for the exact product of three bounded numbers and a 64-bit integer (a float
#: read through ``repr`` has at most 17 significant digits).
_WIDE = Context(prec=100, rounding=ROUND_HALF_UP)


def exact(value: object, where: str = "", *, bounded: bool = True) -> Decimal:
    """A JSON number as an exact Decimal: a float is read through ``repr`` (its shortest
    decimal form), never computed with. A bool, NaN or infinity raises `ValidationError`
    (``type``); with *bounded* (the default) so does a magnitude of `MAX_NUMBER` or more
    (``number.range``), the bound every number meets before it reaches arithmetic."""
    kind = type(value)
    if kind is float:  # the common cases first, by exact type
        number = Decimal(repr(value))
    elif kind is int:
        if bounded and not -MAX_INT < value < MAX_INT:  # type: ignore[operator]  # an int
            raise _out_of_range(value, where)
        return Decimal(value)  # type: ignore[arg-type]  # type(value) is int
    elif isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(
            [Issue(where, "type", f"expected a number; found {describe_value(value)}", value)]
        )
    else:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise ValidationError([Issue(where, "type", f"expected a finite number; found {value}")])
    if bounded and not _MIN_NUMBER < number < MAX_NUMBER:
        raise _out_of_range(value, where)
    return number


def _out_of_range(value: object, where: str) -> ValidationError:
    return ValidationError(
        [
            Issue(
                where,
                "number.range",
                f"expected a number whose magnitude is below 10^12; found {describe_value(value)}",
                value,
            )
        ]
    )


def product(*factors: Decimal | int) -> Decimal:
    """The exact product of bounded numbers and integers (no rounding at 28 digits)."""
    result = Decimal(1)
    for factor in factors:
        if factor != 1:  # an exact 1 (a labor multiplier, mostly) changes nothing
            result = _WIDE.multiply(result, factor) if result != 1 else Decimal(factor)
    return result


_UNIT = Decimal(1)


def _cents(value: Decimal) -> int:
    return int(value.quantize(_UNIT, rounding=ROUND_HALF_UP, context=_WIDE))


def _discount(line: Labor | Part | Tire | Subcontract, gross: int, where: str) -> int:
    """The line's discount in cents: ``discountCents``, or its percent of *gross* when the
    line's ``discountValueType`` is Percent and ``discountPercent`` is not 0."""
    if line.discount_value_type == "Percent":
        percent: object = line.discount_percent
        if percent is not UNSET and percent:
            share = exact(percent, f"{where}/discountPercent")
            return _cents(_WIDE.divide(product(gross, share), Decimal(100)))
    return int(line.discount_cents)


#: Any one line item of a service; ``line_cents``'s *kind* says which.
LineItem: TypeAlias = Labor | Part | Tire | Subcontract | Fee


_LINE_MODELS: dict[str, type[LineItem] | tuple[type[LineItem], ...]] = {
    "labors": Labor,
    "parts": Part,
    "tires": Tire,
    "subcontracts": Subcontract,
    "fees": Fee,
}


def line_cents(kind: str, line: LineItem, where: str = "") -> int:
    """One line item's amount in cents (``kind`` is the wire array name, e.g. ``"labors"``).
    A number out of bounds raises `ValidationError` (``number.range``) at *where* + its
    field (e.g. ``/labors/0/hours``). An unknown *kind*, or a *line* that is not that kind's
    model (``sm.Labor`` for ``"labors"``...), is a `DealerbridgeUsageError`."""
    model = _LINE_MODELS.get(kind) if isinstance(kind, str) else None
    if model is None:
        raise DealerbridgeUsageError(
            f"kind must be one of {', '.join(_LINE_MODELS)}, got {type(kind).__name__}"
        )
    if not isinstance(line, model):
        raise DealerbridgeUsageError(
            f"a {kind} line must be an sm.{model.__name__}, got {type(line).__name__}"  # type: ignore[union-attr]
        )
    if not isinstance(where, str):
        raise DealerbridgeUsageError(f"where must be a str, got {type(where).__name__}")
    return cents_of_line(kind, line, where)


def cents_of_line(kind: str, line: LineItem, where: str = "") -> int:
    """`line_cents` without the argument checks (the service totals call it per line with
    their own models; the test strategies with wire dicts read through attribute names)."""
    price = _PRICES.get(kind)
    if price is None:
        raise ValueError(f"unknown line-item kind {kind!r}")
    return price(line, where)


def _labor_cents(line: LineItem, where: str) -> int:
    labor = cast(Labor, line)
    hours = exact(labor.hours, f"{where}/hours")
    multiplier = labor.multiplier
    if type(multiplier) is int and multiplier == 1:  # the usual multiplier
        gross = _cents(_WIDE.multiply(hours, labor.rate_cents))
    else:
        factor = exact(multiplier, f"{where}/multiplier")
        gross = _cents(product(hours, labor.rate_cents, factor))
    return gross - _discount(labor, gross, where)


def _goods_cents(line: LineItem, where: str) -> int:
    goods = cast("Part | Tire", line)
    quantity = goods.quantity
    if type(quantity) is int and -MAX_INT < quantity < MAX_INT:
        gross = quantity * goods.retail_cost_cents  # exact already: no Decimal needed
    else:
        number = exact(quantity, f"{where}/quantity")
        gross = _cents(product(number, goods.retail_cost_cents))
    return gross - _discount(goods, gross, where)


def _subcontract_cents(line: LineItem, where: str) -> int:
    subcontract = cast(Subcontract, line)
    gross = int(subcontract.retail_cost_cents)
    return gross - _discount(subcontract, gross, where)


def _fee_cents(line: LineItem, where: str) -> int:
    return int(cast(Fee, line).amount_cents)


#: Each line-item array (wire name, also the service's attribute name) and how one of its
#: lines is priced, in the order of `ServiceTotals.lines`.
_PRICES: dict[str, Callable[[LineItem, str], int]] = {
    "labors": _labor_cents,
    "parts": _goods_cents,
    "tires": _goods_cents,
    "subcontracts": _subcontract_cents,
    "fees": _fee_cents,
}


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
    lines: dict[str, tuple[int, ...]] = {}
    for kind, price in _PRICES.items():
        items: Sequence[LineItem] = getattr(service, kind)
        if not items:
            lines[kind] = ()
            continue
        try:  # each line's pointer is written only when a number is refused (pricing again)
            lines[kind] = tuple([price(x, "") for x in items])
        except ValidationError:
            lines[kind] = tuple([price(x, f"/{kind}/{n}") for n, x in enumerate(items)])
    tax = (
        service.calculated_tax_cents
        + _optional(service.calculated_gst_cents)
        + _optional(service.calculated_pst_cents)
        + _optional(service.calculated_hst_cents)
    )
    labor, parts, tires = sum(lines["labors"]), sum(lines["parts"]), sum(lines["tires"])
    subcontracts, fees = sum(lines["subcontracts"]), sum(lines["fees"])
    epa = service.calculated_epa_cents
    supplies = service.calculated_shop_supplies_cents
    discount = service.calculated_discount_cents
    total = labor + parts + tires + subcontracts + fees + epa + supplies - discount + tax
    return ServiceTotals(
        labor=labor,
        parts=parts,
        tires=tires,
        subcontracts=subcontracts,
        fees=fees,
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
    ours = totals_of(service)
    differences = {  # Shopmonkey's value minus ours, under the names of `ServiceTotals.by_field`
        "calculatedLaborCents": service.calculated_labor_cents - ours.labor,
        "calculatedPartsCents": service.calculated_parts_cents - ours.parts,
        "calculatedTiresCents": service.calculated_tires_cents - ours.tires,
        "calculatedSubcontractsCents": service.calculated_subcontracts_cents - ours.subcontracts,
        "calculatedFeeCents": service.calculated_fee_cents - ours.fees,
        "totalCents": service.total_cents - ours.total,
    }
    return Reconciliation(
        matches=not any(differences.values()), differences=differences, totals=ours
    )

"""Shopmonkey strategies: services whose totals add up from their line items.

No Shopmonkey source states how a service's ``calculated*Cents`` and ``totalCents`` follow from
its line items (notes/decisions-shopmonkey-services.md, "How a service's totals add up"). The
generated payloads use one reading, written out here once, so that tests built on them see
consistent numbers. It is an assumption, not a rule: the schemas and ``validate`` check no
arithmetic, and a real Shopmonkey payload may add up differently.

The reading (all amounts integer cents; products are exact decimals rounded half up to a cent):

- labor line      = hours x rateCents x multiplier - discountCents
- part, tire line = quantity x retailCostCents - discountCents
  (a tire's ``wasteTireFee`` and excise tax are not added: their units are undocumented)
- subcontract line = retailCostCents - discountCents
- fee line        = amountCents (the fee's own amount, whatever its feeType)
- calculatedLaborCents, calculatedPartsCents, calculatedTiresCents,
  calculatedSubcontractsCents, calculatedFeeCents = the sums of those lines
- totalCents = labor + parts + tires + subcontracts + fees + calculatedEpaCents
  + calculatedShopSuppliesCents - calculatedDiscountCents + calculatedTaxCents
  (+ calculatedGSTCents + calculatedPSTCents + calculatedHSTCents where present)

Sources for the shape of it: the category names of the ``calculated*Cents`` fields (page
L131-143), and a third-party dashboard's note that line discounts are already inside the
category totals and that the pre-tax subtotal is parts + labor + shop supplies + subcontracts +
tires, "validated penny-exact" (notes/decisions-shopmonkey-evidence.md §2, DASH, weak). How
EPA, shop supplies, tax and the service discount are computed from their percents is not
modelled: the strategies keep the ``calculated*`` values they drew for those.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from .._models import UNSET, wire_names
from .._types import JSON
from ..shopmonkey import Fee, Labor, Part, Service, Subcontract, Tire
from ..shopmonkey._totals import CATEGORIES as _CATEGORY
from ..shopmonkey._totals import LineItem
from ..shopmonkey._totals import cents_of_line as _runtime_line_cents
from ..shopmonkey._totals import totals_of as _runtime_service_totals
from ._strategies import register_fixup

__all__ = ["service_totals"]

_ADDED = ("calculatedEpaCents", "calculatedShopSuppliesCents", "calculatedTaxCents")
_ADDED_CA = ("calculatedGSTCents", "calculatedPSTCents", "calculatedHSTCents")

# Model attribute name -> wire key, for every field the runtime arithmetic may read (read from
# the generated models, the one source of wire names).
_WIRE = {
    name: key
    for model in (Service, Labor, Part, Tire, Subcontract, Fee)
    for name, key in wire_names(model).items()
}


_T = TypeVar("_T")


class _Wire:
    """A wire dict read under the models' attribute names, so the runtime arithmetic
    (`dealerbridge.shopmonkey.service_totals`) prices payloads while they are being generated,
    before they are valid models. The formula itself lives there only."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = data

    def __getattr__(self, name: str) -> Any:
        key = _WIRE[name]
        if key in _CATEGORY:
            return [_Wire(line) for line in self._data.get(key, [])]
        return self._data.get(key, UNSET)


def line_cents(kind: str, line: dict[str, Any]) -> int:
    """One line item's amount under the reading above (`dealerbridge.shopmonkey`'s)."""
    return _runtime_line_cents(kind, cast("LineItem", _Wire(line)))


def service_totals(service: Mapping[str, JSON]) -> dict[str, int]:
    """The ``calculated*Cents`` category sums and ``totalCents`` of a Shopmonkey service
    payload, computed from its line items by `dealerbridge.shopmonkey.service_totals`."""
    return _runtime_service_totals(cast("Service", _Wire(service))).by_field()


def _tenths(value: Any, cap: int) -> float:
    scaled = abs(value) * 10 if math.isfinite(value) and abs(value) < 1e12 else 0
    return (int(scaled) % cap) / 10


def _tame(line: dict[str, Any], kind: str) -> None:
    # Bounded, exact inputs derived from what was drawn (a fixup cannot draw): hours and
    # quantities in tenths up to 40, multipliers 1 to 3.9, rates and prices up to $5,000,
    # line discounts within the line's gross amount.
    if "hours" in line:
        line["hours"] = _tenths(line["hours"], 400)
    if "quantity" in line:
        line["quantity"] = _tenths(line["quantity"], 400)
    if "multiplier" in line:
        line["multiplier"] = 1 + _tenths(line["multiplier"], 30)
    for key in ("rateCents", "retailCostCents", "amountCents"):
        if key in line:
            line[key] = abs(line[key]) % 500_000
    if isinstance(line.get("discountPercent"), int | float):  # a percent line discount, 0-99.9
        line["discountPercent"] = _tenths(line["discountPercent"], 1000)
    if "discountCents" in line and kind != "fees":
        drawn = abs(line["discountCents"])
        line["discountCents"] = 0
        line["discountCents"] = drawn % (line_cents(kind, line) + 1)


def balance_service(service: _T) -> _T:
    """Make a generated service's line items and totals add up (in place; returns it)."""
    if not isinstance(service, dict):
        return service
    for kind in _CATEGORY:
        for line in service.get(kind, []):
            if isinstance(line, dict):
                _tame(line, kind)
    for key in (*_ADDED, *_ADDED_CA, "calculatedDiscountCents"):
        if isinstance(service.get(key), int):
            service[key] = abs(service[key]) % 100_000
    service.update(service_totals(service))
    return service


def _each_service(*paths: tuple[str, ...]) -> Any:
    def fix(payload: Any) -> Any:
        for path in paths:
            targets = [payload]
            for key in path:
                nxt: list[Any] = []
                for target in targets:
                    if key == "*" and isinstance(target, list):
                        nxt.extend(target)
                    elif isinstance(target, dict) and key in target:
                        nxt.append(target[key])
                targets = nxt
            for service in targets:
                balance_service(service)
        return payload

    return fix


register_fixup("shopmonkey/service", _each_service(()))
register_fixup("shopmonkey/order", _each_service(("services", "*")))
register_fixup("shopmonkey/get-services-response", _each_service(("data", "*")))
for _name in ("update-service-response", "delete-service-response", "create-services-response"):
    register_fixup(
        f"shopmonkey/{_name}",
        _each_service(("data", "order", "services", "*"), ("data", "services", "*")),
    )

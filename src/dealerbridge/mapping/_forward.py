"""Shopmonkey order + services -> myKaarma create (or update) order request.

Rules and reasons: notes/decisions-mapping.md ("Forward"). In short: one job per included
service (A..Z, AA, ...), Shopmonkey's own per-service categories as the job amounts, line rows
fitted to them exactly, every credit allocated by largest remainder or refused, header = the sum
of the jobs, money as int cents leaving through `money.cents_to_amount`.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from itertools import combinations
from typing import Any

import attrs

from .. import mykaarma as mk
from .. import shopmonkey as sm
from .._errors import DealerbridgeUsageError, Issue, ValidationError
from .._models import load
from ..money import amount_to_cents, cents_to_amount
from ..shopmonkey._totals import exact, product
from ._common import (
    HUNDREDTH,
    Recorder,
    allocate,
    blank,
    config_key,
    decimal_text,
    figure,
    fit,
    hours_text,
    job_index,
    job_letters,
    load_at,
    present,
    reduce_by,
    show,
    utc_parts,
)
from ._config import MappingConfig
from ._report import Mapped, NoteKind, ledger_cents

__all__ = ["shopmonkey_to_mykaarma", "shopmonkey_to_mykaarma_update"]

_NUMBER_OK = re.compile(r"[a-zA-Z0-9\-#_ \t\n\x0b\f\r]*\Z")
_NUMBER_BAD = re.compile(r"[^a-zA-Z0-9\-#_ \t\n\x0b\f\r]")
_ALNUM = re.compile(r"[a-zA-Z0-9]")


@attrs.define
class _Row:
    """One output row made from one input line (a part, tire, labor or subcontract)."""

    source: str
    cents: int
    line: Any


@attrs.define
class _Job:
    rank: int
    index: int  # the service's index in the input
    service: Any
    letter: str
    labor: int
    parts: int
    misc: int
    tax: int
    sublets: list[_Row]
    labor_rows: list[_Row]
    part_rows: list[_Row]
    unreconciled: set[str] = attrs.field(factory=set)
    pay: str = "C"
    """Who pays: C (customer), W (warranty) or I (internal), from ``orders.pay_types``."""

    @property
    def src(self) -> str:
        return f"/services/{self.index}"

    @property
    def tgt(self) -> str:
        return f"/order/jobs/{job_index(self.letter)}"

    def slots(self) -> list[int]:
        return [self.labor, self.parts, self.misc, *(r.cents for r in self.sublets)]

    def set_slots(self, values: Sequence[int]) -> None:
        self.labor, self.parts, self.misc = values[0], values[1], values[2]
        for row, value in zip(self.sublets, values[3:], strict=True):
            row.cents = value


class _Rec(Recorder):
    """The recorder of a forward mapping, with the items whose place in Shopmonkey's own
    ``totalCostCents`` no source documents (decided by the order balance, `_balance`)."""

    def __init__(self, config: MappingConfig | None) -> None:
        super().__init__(config)
        self.uncertain: dict[str, list[tuple[int, int, str]]] = {}
        """Group -> (note handle, ledger cents if the total counts the item, message then)."""

    def maybe(self, group: str, handle: int, cents: int, message: str) -> None:
        self.uncertain.setdefault(group, []).append((handle, cents, message))


#: The decimal context of a forward mapping: every input number is bounded (`exact`), so sums
#: and products of hours, quantities and multipliers are exact in 100 digits.
_EXACT = Context(prec=100, rounding=ROUND_HALF_UP)

_LAST = sys.maxsize  # rank of the order balance's notes: after every service's notes


def _sort_key(line: Any) -> tuple[Decimal, str]:
    return exact(line.ordinal, bounded=False), str(line.id)  # compared, never computed with


_money = cents_to_amount  # an alias, not a wrapper: called several times per line


def _included(rec: _Rec, k: int, service: Any) -> bool:
    src = f"/services/{k}"
    reason = None
    if service.authorization_status != "Authorized":
        reason = f"authorizationStatus is {show(service.authorization_status)}"
    elif service.deferred_reason is not None:
        reason = f"it is deferred ({show(service.deferred_reason, personal=True)})"
    elif service.hidden and rec.orders.hidden_services == "exclude":
        reason = "it is hidden (orders.hidden_services = exclude)"
    if reason is None:
        return True
    total = service.total_cents
    said = (
        f"service {show(service.name)} produces no job: {reason}; its total of "
        f"{figure(total)} cents"
    )
    handle = rec.note(
        k + 1, "excluded", src, None, None, f"{said} is not in the RO (nor in totalCostCents)"
    )
    rec.maybe(
        "excluded services",
        handle,
        total,
        f"{said} is counted in Shopmonkey's totalCostCents and left out of the RO",
    )
    return False


def _order_number(rec: Recorder, order: Any) -> str | None:
    cfg = rec.orders
    source = "/order/number"
    number = sm.order_number(order)
    if cfg.order_number_source == "externalNumber" and not blank(order.external_number):
        number = str(order.external_number)
        source = "/order/externalNumber"
    text = cfg.order_number_prefix + number
    if _NUMBER_OK.match(text) and text.strip():
        return text
    if cfg.order_number_rewrite != "refuse":
        rewrite = cfg.order_number_rewrite
        rewritten = _NUMBER_BAD.sub("-" if rewrite == "replace" else "", text)
        if _ALNUM.search(rewritten):  # "///" -> "---" is no order number
            rec.note(
                0,
                "lossy",
                source,
                "/order/header/orderNumber",
                None,
                f"order number {show(text)} rewritten to {show(rewritten)} to fit myKaarma's "
                f"pattern (orders.order_number_rewrite = {rewrite})",
            )
            return rewritten
    rec.refuse(
        source,
        "mapping.order_number",
        f"order number {show(text)} is empty or does not match ^[a-zA-Z0-9-#_\\s]*$; "
        "set orders.order_number_rewrite = 'replace' or orders.order_number_source",
        number,
    )
    return None


def _status(rec: Recorder, order: Any) -> str | None:
    status = order.status
    if present(status):
        state = "Paid" if status == "Invoice" and order.paid else str(status)
    else:
        state = "Paid" if order.paid else "Invoice" if order.invoiced else "RepairOrder"
        rec.note(
            0,
            "defaulted",
            "/order/status",
            "/order/header/status",
            None,
            f"the order has no status; read as {show(state)} from its paid/invoiced flags",
        )
    choice = rec.orders.statuses.get(state)
    if choice is None or choice == "refuse":
        rec.refuse(
            "/order/status",
            "mapping.status",
            f"orders in state {show(state)} are not mapped ({config_key('orders.statuses', state)} "
            "= "
            f"{show(choice or 'refuse')})",
            status if present(status) else None,
        )
        return None
    return choice


def _dates(rec: Recorder, order: Any, header: dict[str, Any], status: str | None) -> None:
    created = order.order_created_date or order.created_date
    where = "/order/orderCreatedDate" if order.order_created_date else "/order/createdDate"
    parts = utc_parts(created) if isinstance(created, str) else None
    if parts is None:
        rec.refuse(where, "mapping.date", f"{show(created)} is not a UTC date-time", created)
    else:
        header["createDate"], header["createTime"] = parts
    if isinstance(order.due_date, str) and (due := utc_parts(order.due_date)):
        header["promisedDate"], header["promisedTime"] = due
    if status in ("PRE-INVOICED", "CLOSED"):
        key = rec.orders.close_date_source
        attr = {"invoicedDate": "invoiced_date", "fullyPaidDate": "fully_paid_date"}.get(
            key, "completed_date"
        )
        value = getattr(order, attr, None)
        closed = utc_parts(value) if isinstance(value, str) else None
        if closed is None:
            rec.note(
                0,
                "dropped",
                f"/order/{key}",
                None,
                None,
                f"no close date: {key} is {show(value if present(value) else None)} "
                "(orders.close_date_source)",
            )
        else:
            header["closeDate"], header["closeTime"] = closed


def _people(rec: Recorder, order: Any, header: dict[str, Any], body: dict[str, Any]) -> None:
    cfg = rec.orders
    writer = order.service_writer_id
    if cfg.assigned_user_uuid:
        header["assignedUserUuid"] = cfg.assigned_user_uuid
    if writer is not None and writer in cfg.advisors:
        header["advisorNumber"] = cfg.advisors[writer]
    elif cfg.default_advisor_number:
        header["advisorNumber"] = cfg.default_advisor_number
        rec.note(
            0,
            "defaulted",
            "/order/serviceWriterId",
            "/order/header/advisorNumber",
            None,
            f"service writer {show(writer)} not in orders.advisors; "
            "orders.default_advisor_number used",
        )
    elif not cfg.assigned_user_uuid:
        rec.refuse(
            "/order/serviceWriterId",
            "mapping.advisor",
            f"service writer {show(writer)} is not in orders.advisors and neither "
            "orders.default_advisor_number nor orders.assigned_user_uuid is set",
            writer,
        )
    customer = order.customer_id
    if customer is not None and customer in cfg.customers:
        body["customer"] = {"uuid": cfg.customers[customer]}
    elif cfg.default_customer_uuid:
        body["customer"] = {"uuid": cfg.default_customer_uuid}
        rec.note(
            0,
            "defaulted",
            "/order/customerId",
            "/order/customer/uuid",
            None,
            f"customer {show(customer)} not in orders.customers; orders.default_customer_uuid used",
        )
    else:
        rec.refuse(
            "/order/customerId",
            "mapping.customer",
            f"customer {show(customer)} is not in orders.customers and "
            "orders.default_customer_uuid is not set",
            customer,
        )
    vehicle = order.vehicle_id
    if vehicle is not None and vehicle in cfg.vehicles:
        body["vehicle"] = {"uuid": cfg.vehicles[vehicle]}
    elif vehicle is not None:
        rec.note(
            0,
            "dropped",
            "/order/vehicleId",
            None,
            None,
            f"vehicle {show(vehicle)} is not in orders.vehicles; the RO is sent without one",
        )


def _mileage(rec: Recorder, value: Any, key: str, header: dict[str, Any]) -> None:
    if value is None or not present(value):
        return
    number = exact(value, f"/order/{key}")
    whole = number.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if whole != number:
        rec.note(
            0,
            "rounded",
            f"/order/{key}",
            f"/order/header/{key}",
            None,
            f"mileage {show(value)} rounded to {figure(whole)}",
        )
    if whole >= 0:
        header[key] = str(int(whole))


def _job(rec: Recorder, k: int, service: Any, i: int) -> _Job:
    cfg = rec.orders
    src = f"/services/{k}"
    try:
        check = sm.reconcile_service(service)
    except ValidationError as exc:  # a number out of bounds: re-rooted at the service
        raise ValidationError(
            [Issue(src + i.path, i.code, i.message, i.value, i.severity) for i in exc.issues],
            schema=exc.schema,
        ) from None
    tot = check.totals
    lines = tot.lines
    unreconciled = {key for key, diff in check.differences.items() if diff}
    if unreconciled and cfg.unreconciled_services == "refuse":
        for key in sorted(unreconciled):
            diff = check.differences[key]
            rec.refuse(
                f"{src}/{key}",
                "mapping.unreconciled",
                f"Shopmonkey's {key} is {figure(diff)} cents away from what dealerbridge's reading "
                "of "
                "the line items gives (sm.service_totals: an unverified formula, so either may "
                "be wrong; orders.unreconciled_services = refuse)",
                diff,
            )
    labor_rows = _rows(service.labors, lines["labors"], src, "labors")
    part_rows = _rows(service.parts, lines["parts"], src, "parts") + _rows(
        service.tires, lines["tires"], src, "tires"
    )
    sublets = _rows(service.subcontracts, lines["subcontracts"], src, "subcontracts")
    tax = tot.tax
    misc = service.calculated_fee_cents + tot.epa + tot.shop_supplies
    job = _Job(
        rank=k + 1,
        index=k,
        service=service,
        letter=job_letters(i),
        labor=service.calculated_labor_cents,
        parts=service.calculated_parts_cents + service.calculated_tires_cents,
        misc=misc,
        tax=tax,
        sublets=sublets,
        labor_rows=labor_rows,
        part_rows=part_rows,
        unreconciled=unreconciled,
        pay=_pay_type(rec, k, service),
    )
    if cfg.unreconciled_services == "book" and unreconciled:
        _book(rec, job, service, src)
    return job


def _pay_type(rec: Recorder, k: int, service: Any) -> str:
    """``orders.pay_types`` by canned service id, then exact service name, then label name
    (a ``labels`` list the live API may carry on a service); C when none matches."""
    table = rec.orders.pay_types
    if not table:
        return "C"
    keys: list[object] = [service.source_service_id, service.name]
    labels = service.extras.get("labels") if isinstance(service.extras, dict) else None
    if isinstance(labels, list):
        keys += [x.get("name") for x in labels if isinstance(x, dict)]
    for key in keys:
        if isinstance(key, str) and key in table:
            pay = table[key]
            if pay != "C":
                rec.note(
                    k + 1,
                    "defaulted",
                    f"/services/{k}",
                    None,
                    None,
                    f"service {show(service.name)} is {'warranty' if pay == 'W' else 'internal'}"
                    f" work (orders.pay_types[{show(key)}] = {pay}): laborType {pay}, its "
                    "amounts in the header's "
                    f"{'warranty' if pay == 'W' else 'internal'} buckets",
                )
            return pay
    return "C"


def _book(rec: Recorder, job: _Job, service: Any, src: str) -> None:
    sublet_sum = sum(r.cents for r in job.sublets)
    diff = service.calculated_subcontracts_cents - sublet_sum
    if diff:
        if job.sublets:
            job.sublets[-1].cents += diff
        else:
            job.sublets.append(_Row(f"{src}/calculatedSubcontractsCents", diff, None))
        rec.note(
            job.rank,
            "residual",
            f"{src}/calculatedSubcontractsCents",
            "/order/mls",
            None,
            f"calculatedSubcontractsCents is {figure(diff)} cents away from the subcontract lines "
            "as "
            "dealerbridge reads them (retailCostCents - discountCents, an unverified formula); "
            "Shopmonkey's amount is sent, the difference on the job's last sublet row",
        )
    categories = job.labor + job.parts + job.misc + service.calculated_subcontracts_cents
    residual = service.total_cents - (categories - service.calculated_discount_cents + job.tax)
    if residual:
        job.misc += residual
        rec.note(
            job.rank,
            "residual",
            f"{src}/totalCents",
            f"{job.tgt}/miscSale",
            None,
            f"totalCents differs from its categories by {figure(residual)} cents; booked in the "
            "job's miscSale (orders.unreconciled_services = book)",
        )


def _rows(lines: Sequence[Any], cents: Sequence[int], src: str, kind: str) -> list[_Row]:
    indexed = sorted(range(len(lines)), key=lambda n: _sort_key(lines[n]))
    return [_Row(f"{src}/{kind}/{n}", cents[n], lines[n]) for n in indexed]


def _credits(rec: _Rec, jobs: list[_Job], order: Any) -> None:
    """Negative amounts, service discounts, order discounts and card fees, exactly placed.

    Each of these moves money *inside* the RO (the RO's total stays Shopmonkey's), so their
    notes carry ``cents = None`` and say the amount in words; only the card fee may move money
    between the two totals (decided by the order balance)."""
    pool = 0
    pool_sources: list[str] = []
    for job in jobs:
        left = _job_credits(rec, job)
        if left:
            pool += left
            pool_sources.append(f"{job.src}/totalCents")
    order_discount, discount_src = _order_discount(rec, order, jobs)
    pool += order_discount
    payers = [job for job in jobs if job.pay == "C"] or jobs  # the customer's credits
    if pool:
        flat = [v for job in payers for v in job.slots()]
        values, left = reduce_by(flat, pool)
        if left:
            rec.refuse(
                discount_src if order_discount else pool_sources[0],
                "mapping.credit_exceeds_order",
                f"credits exceed every amount of the included services by {figure(left)} cents",
                left,
            )
        at = 0
        for job in payers:
            size = len(job.slots())
            job.set_slots(values[at : at + size])
            at += size
    _card_fee(rec, payers, order)


def _job_credits(rec: _Rec, job: _Job) -> int:
    """Take one job's own credits off its own amounts; returns what they could not absorb
    (to be taken off the other jobs, or refused)."""
    src = job.src
    credit = 0
    parts_amount = job.parts  # before a negative amount is zeroed below
    if job.tax < 0:
        rec.refuse(
            f"{src}/calculatedTaxCents",
            "mapping.negative",
            f"the service's tax is negative ({figure(job.tax)} cents); myKaarma has no place for "
            "it",
            job.tax,
        )
        job.tax = 0
    named = [("calculatedLaborCents", "labor"), ("calculatedPartsCents", "parts")]
    named.append(("calculatedFeeCents", "misc"))
    for field, attr in named:
        value = getattr(job, attr)
        if value < 0:
            if _negative(rec, job, f"{src}/{field}", value, f"job {attr} amount"):
                credit -= value
            setattr(job, attr, 0)
    for row in job.labor_rows:
        if row.cents < 0:  # a credit line: absorbed by its bucket's other rows when fitted
            _negative(rec, job, row.source, row.cents, "labor line")
    # a negative part or tire line stays a negative part row (signed saleTotal) when its job's
    # parts amount is not negative; only a negative parts amount needs the policy
    if parts_amount < 0:
        for row in job.part_rows:
            if row.cents < 0:
                _negative(rec, job, row.source, row.cents, "line")
    for row in job.sublets:
        if row.cents < 0:
            if _negative(rec, job, row.source, row.cents, "sublet line"):
                credit -= row.cents
            row.cents = 0
    discount = job.service.calculated_discount_cents
    if discount < 0:
        rec.refuse(
            f"{src}/calculatedDiscountCents",
            "mapping.negative",
            f"a negative discount ({figure(discount)} cents) is a surcharge with no category",
            discount,
        )
    elif discount:
        credit += discount
        rec.note(
            job.rank,
            "allocated",
            f"{src}/calculatedDiscountCents",
            job.tgt,
            None,
            f"service discount of {figure(discount)} cents taken off the job's labor, parts, misc "
            "and sublet in proportion (largest remainder)",
        )
    if not credit:
        return 0
    values, left = reduce_by(job.slots(), credit)
    job.set_slots(values)
    if not left:
        return 0
    if rec.orders.negative_amounts == "refuse":
        rec.refuse(
            f"{src}/totalCents",
            "mapping.negative",
            f"the service's credits exceed its amounts by {figure(left)} cents "
            "(orders.negative_amounts = refuse)",
            left,
        )
        return 0
    rec.note(
        job.rank,
        "allocated",
        f"{src}/totalCents",
        None,
        None,
        f"{figure(left)} cents of this service's credits exceed it; taken off the other jobs in "
        "proportion",
    )
    return left


_COUNTED = ("Applied", "Redeemed")


def _order_discount(rec: _Rec, order: Any, jobs: list[_Job]) -> tuple[int, str]:
    """The order-level discount to allocate over the jobs and the pointer it comes from.

    ``appliedDiscountCents`` is "the total discount applied to the order"; a coupon counts only
    when its status is Applied or Redeemed. With both a manual discount and a counted coupon,
    the order's own ``totalCostCents`` decides whether the first includes the second; when it
    cannot, ``orders.ambiguous_discount`` does."""
    cfg = rec.orders
    applied = order.applied_discount_cents if present(order.applied_discount_cents) else 0
    coupon = order.coupon_order_discount if present(order.coupon_order_discount) else None
    coupon_cents = 0
    if coupon is not None and coupon.applied_discount_cents:
        amount = coupon.applied_discount_cents
        if coupon.status in _COUNTED:
            coupon_cents = amount
        else:
            said = (
                f"coupon with status {show(coupon.status)} "
                f"({show(coupon.status_invalid_reason)}): its {figure(amount)} cents"
            )
            handle = rec.note(
                0,
                "excluded",
                "/order/couponOrderDiscount",
                None,
                None,
                f"{said} are not deducted (only Applied or Redeemed coupons are)",
            )
            rec.maybe(
                "coupon",
                handle,
                -amount,
                f"{said} are deducted in Shopmonkey's totalCostCents but not in the RO (only "
                "Applied or Redeemed coupons are)",
            )
    how = ""
    if coupon_cents and applied:
        readings = {"included": applied, "separate": applied + coupon_cents}
        fits = [name for name, cents in readings.items() if _closes(rec, order, jobs, cents)]
        if len(fits) == 1:
            reading = fits[0]
            why = "the only reading that gives the order's totalCostCents"
        elif cfg.ambiguous_discount == "refuse":
            rec.refuse(
                "/order/couponOrderDiscount/appliedDiscountCents",
                "mapping.ambiguous_discount",
                f"a coupon of {figure(coupon_cents)} cents beside a manual order discount of "
                f"{figure(applied)} "
                "cents, and totalCostCents cannot tell whether appliedDiscountCents includes "
                "it; set orders.ambiguous_discount to 'included' or 'separate'",
                coupon_cents,
            )
            return 0, "/order/appliedDiscountCents"
        else:
            reading = cfg.ambiguous_discount
            why = "orders.ambiguous_discount"
        amount = readings[reading]
        source = "/order/appliedDiscountCents"
        how = (
            f" (appliedDiscountCents {figure(applied)} read as including the coupon's"
            f" {figure(coupon_cents)}: "
            f"{why})"
            if reading == "included"
            else f" (appliedDiscountCents {figure(applied)} plus the coupon's "
            f"{figure(coupon_cents)}:"
            f" {why})"
        )
    elif coupon_cents:
        amount, source = coupon_cents, "/order/couponOrderDiscount/appliedDiscountCents"
    else:
        amount, source = applied, "/order/appliedDiscountCents"
    if not amount:
        return 0, source
    if cfg.order_discounts == "refuse" or amount < 0:
        rec.refuse(
            source,
            "mapping.order_discount",
            f"order-level discount of {figure(amount)} cents; set orders.order_discounts = "
            "'allocate' "
            "to spread it over the jobs",
            amount,
        )
        return 0, source
    rec.note(
        0,
        "allocated",
        source,
        None,
        None,
        f"order-level discount of {figure(amount)} cents{how} taken off every job's labor, parts, "
        "misc "
        "and sublet in proportion (largest remainder)",
    )
    return amount, source


def _card_fee_cents(rec: _Rec, order: Any, jobs: list[_Job]) -> int:
    """The card fee the RO will carry (0 when there is none or it is refused)."""
    fee = order.transactional_fee_subtotal_cents
    if not present(fee) or not isinstance(fee, int) or fee <= 0 or not jobs:
        return 0
    return fee if rec.orders.transactional_fees == "misc" else 0


def _closes(rec: _Rec, order: Any, jobs: list[_Job], discount: int) -> bool:
    """Whether the order's totalCostCents follows from its included services with this order
    discount, under some reading of the items whose place in it is undocumented."""
    fee = _card_fee_cents(rec, order, jobs)
    target = sum(job.service.total_cents for job in jobs) - discount + fee
    amounts = [sum(c for _, c, _ in items) for items in rec.uncertain.values()]
    if fee:
        amounts.append(-fee)
    return _closing(order.total_cost_cents - target, amounts) is not None


def _closing(need: int, amounts: Sequence[int]) -> tuple[int, ...] | None:
    """The smallest (then earliest) set of *amounts* (by index) that sums to *need*."""
    for size in range(len(amounts) + 1):
        for chosen in combinations(range(len(amounts)), size):
            if sum(amounts[i] for i in chosen) == need:
                return chosen
    return None


def _card_fee(rec: _Rec, jobs: list[_Job], order: Any) -> None:
    fee = order.transactional_fee_subtotal_cents
    if not present(fee) or not isinstance(fee, int) or not fee:
        return
    if rec.orders.transactional_fees == "refuse" or fee < 0 or not jobs:
        rec.refuse(
            "/order/transactionalFeeSubtotalCents",
            "mapping.transactional_fee",
            f"order-level card fee of {figure(fee)} cents; set orders.transactional_fees = 'misc' "
            "to add it to the jobs' misc",
            fee,
        )
        return
    shares = allocate(fee, [sum(job.slots()) for job in jobs])
    for job, share in zip(jobs, shares, strict=True):
        job.misc += share
    said = f"card fee of {figure(fee)} cents added to the jobs' miscSale in proportion to them"
    handle = rec.note(
        0,
        "fee",
        "/order/transactionalFeeSubtotalCents",
        None,
        None,
        f"{said} (Shopmonkey's totalCostCents includes it)",
    )
    rec.maybe("card fee", handle, -fee, f"{said}; Shopmonkey's totalCostCents does not include it")


def _negative(rec: Recorder, job: _Job, source: str, value: int, what: str) -> bool:
    if rec.orders.negative_amounts == "refuse":
        rec.refuse(
            source,
            "mapping.negative",
            f"negative {what} ({figure(value)} cents); set orders.negative_amounts = 'allocate' to "
            "take it off the other amounts",
            value,
        )
        return False
    rec.note(
        job.rank,
        "allocated",
        source,
        None,
        None,
        f"negative {what} ({figure(value)} cents) taken off the other amounts in proportion",
    )
    return True


def _fitted(
    rec: Recorder,
    job: _Job,
    rows: list[_Row],
    target: int,
    what: str,
    where: str,
    into: str,
    *,
    signed: bool = False,
) -> list[int]:
    """The rows' amounts made to add up to *target* exactly (notes say how); an extra row is
    appended (value last) when there are no rows but an amount. With *signed* (part rows,
    whose saleTotal may be negative) a negative row stays as it is and only the others are
    fitted, when they can absorb the change."""
    original = [r.cents for r in rows]
    if not rows:
        if target:
            rec.note(
                job.rank,
                "residual",
                f"{job.src}/{where}",
                f"{job.tgt}/{into}",
                None,
                f"{figure(target)} cents of {what} with no {what} line; sent as one extra row",
            )
            return [target]
        return []
    values = _fit_signed(original, target) if signed else fit(original, target)
    if values != original:
        change = target - sum(original)
        kind: NoteKind = "residual" if job.unreconciled else "allocated"
        how = f"adjusted by {figure(change)} cents in total" if change else "redistributed"
        rec.note(
            job.rank,
            kind,
            f"{job.src}/{where}",
            f"{job.tgt}/{into}",
            None,
            f"the {what} rows were {how} so that they equal the job's {what} amount exactly "
            "(largest remainder)",
        )
    return values


def _fit_signed(values: Sequence[int], target: int) -> list[int]:
    """`fit` for rows that may stay negative: the negative rows are kept and the others fitted
    to what is left, when that is not negative and there are others; else plain `fit`."""
    credits = sum(v for v in values if v < 0)
    positive = [v for v in values if v >= 0]
    if sum(values) == target:
        return list(values)
    if not positive or target - credits < 0:
        return fit(values, target)
    fitted = iter(fit(positive, target - credits))
    return [v if v < 0 else next(fitted) for v in values]


def _write_job(rec: Recorder, job: _Job, n: int, order: Any, first: bool) -> dict[str, Any]:
    cfg = rec.orders
    service = job.service
    src = job.src
    tgt = f"/order/jobs/{n}"
    letter = job.letter
    op_code = None
    if service.source_service_id and service.source_service_id in cfg.op_codes:
        op_code = cfg.op_codes[service.source_service_id]
    elif service.name in cfg.op_codes:
        op_code = cfg.op_codes[service.name]
    elif cfg.default_op_code:
        op_code = cfg.default_op_code
        rec.note(
            job.rank,
            "defaulted",
            f"{src}/name",
            f"{tgt}/laborOpCode",
            None,
            f"no op code for service {show(service.name)} in orders.op_codes; "
            "orders.default_op_code used",
        )
    else:
        rec.refuse(
            f"{src}/sourceServiceId",
            "mapping.op_code",
            f"no op code for service {show(service.name)}: add it to orders.op_codes or set "
            "orders.default_op_code",
            service.source_service_id,
        )
    out: dict[str, Any] = {
        "jobIdentifier": f"{letter}-1",
        "jobNumberString": letter,
        "lopSeqNumber": "1",
        "laborOpCode": op_code or "?",
        "laborType": job.pay,
    }
    if not blank(service.name):
        out["laborOpCodeDesc"] = service.name
    # labor and tech hours
    labor_values = _fitted(
        rec, job, job.labor_rows, job.labor, "labor", "calculatedLaborCents", "techHours"
    )
    tech_rows: list[dict[str, Any]] = []
    first_tech: str | None = None
    labor_count = len(job.labor_rows)
    exact_hours = [_billed_hours(cfg.sold_hours, row) for row in job.labor_rows]
    total_hours = sum(exact_hours, Decimal(0)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
    row_hours = _hundredths(exact_hours, total_hours)
    pairs = zip(job.labor_rows, labor_values[:labor_count], exact_hours, row_hours, strict=True)
    for m, (row, cents, hours, rounded) in enumerate(pairs):
        line = row.line
        text = str(rounded)
        if rounded != hours:
            rec.note(
                job.rank,
                "rounded",
                f"{row.source}/hours",
                f"{tgt}/techHours/{m}/soldHours",
                None,
                f"hours {figure(decimal_text(hours))} sent as {figure(text)} (the job's hours are "
                "summed "
                "before rounding half up, then shared out by largest remainder)",
            )
        tech: dict[str, Any] = {"soldHours": text, "laborSale": _money(cents), "laborType": job.pay}
        tech_id = line.technician_id
        if tech_id is not None and tech_id in cfg.technicians:
            tech["techNo"] = cfg.technicians[tech_id]
            first_tech = first_tech or tech["techNo"]
        elif tech_id is not None:
            rec.note(
                job.rank,
                "dropped",
                f"{row.source}/technicianId",
                None,
                None,
                f"technician {show(tech_id)} is not in orders.technicians; row sent without techNo",
            )
        if line.cost_total_cents is not None and line.cost_total_cents >= 0:
            tech["laborCost"] = _money(line.cost_total_cents)
        tech_rows.append(tech)
    for extra in labor_values[labor_count:]:
        tech_rows.append({"soldHours": "0.00", "laborSale": _money(extra), "laborType": job.pay})
    out["laborSale"] = _money(job.labor)
    out["soldHours"] = hours_text(sum(row_hours, Decimal(0)))
    out["partsSale"] = _money(job.parts)
    out["miscSale"] = _money(job.misc)
    if first_tech:
        out["techNo"] = first_tech
    # parts and tires
    part_values = _fitted(
        rec, job, job.part_rows, job.parts, "parts", "calculatedPartsCents", "parts", signed=True
    )
    parts: list[dict[str, Any]] = []
    part_count = len(job.part_rows)
    for row, cents in zip(job.part_rows, part_values[:part_count], strict=True):
        line = row.line
        number = line.part_number
        if blank(number):
            number = cfg.missing_part_number
            rec.note(
                job.rank,
                "defaulted",
                f"{row.source}/partNumber",
                f"{tgt}/parts/{len(parts)}/partNumber",
                None,
                f"no part number for {show(line.name)}; orders.missing_part_number used",
            )
        quantity = decimal_text(exact(line.quantity, f"{row.source}/quantity"))
        part: dict[str, Any] = {
            "partNumber": number,
            "quantityOrdered": quantity,
            "quantitySold": quantity,
            "salePrice": _money(line.retail_cost_cents) if line.retail_cost_cents >= 0 else None,
            "saleTotal": _signed(cents),
            "laborType": job.pay,
        }
        if part["salePrice"] is None:
            del part["salePrice"]
        description = _tire_name(line) if "/tires/" in row.source else line.name
        if not blank(description):
            part["description"] = description
        if line.wholesale_cost_cents is not None and line.wholesale_cost_cents >= 0:
            part["cost"] = _money(line.wholesale_cost_cents)
        if "/tires/" in row.source:
            for attr, key in (
                ("federal_excise_tax_cents", "federalExciseTaxCents"),
                ("waste_tire_fee", "wasteTireFee"),
            ):
                value = getattr(line, attr)
                if value:
                    rec.note(
                        job.rank,
                        "lossy",
                        f"{row.source}/{key}",
                        None,
                        None,
                        f"tire {key} {value} has no field of its own: the RO carries the tires "
                        "as Shopmonkey priced them (calculatedTiresCents), so it is in the "
                        "row's amount exactly when Shopmonkey counted it",
                    )
        parts.append(part)
    for extra in part_values[part_count:]:
        parts.append(
            {
                "partNumber": cfg.missing_part_number,
                "description": "RESIDUAL",
                "quantityOrdered": "1",
                "quantitySold": "1",
                "salePrice": _money(extra),
                "saleTotal": _money(extra),
                "laborType": job.pay,
            }
        )
    if parts:
        out["parts"] = parts
    if tech_rows:
        out["techHours"] = tech_rows
    complaint = order.complaint if first and not blank(order.complaint) else service.name
    ccc: dict[str, Any] = {}
    if not blank(complaint):
        ccc["complaint"] = complaint
    if not blank(service.note):
        ccc["cause"] = service.note
    if ccc:
        out["ccc"] = ccc
    return out


def _billed_hours(sold_hours: str, row: _Row) -> Decimal:
    """A labor line's hours, exact: × multiplier for Hours-type labor when billed hours are
    sent (``orders.sold_hours``)."""
    line = row.line
    hours = exact(line.hours, f"{row.source}/hours")
    if sold_hours == "billed" and line.multiplier_type == "Hours":
        hours = product(hours, exact(line.multiplier, f"{row.source}/multiplier"))
    return hours


def _hundredths(values: Sequence[Decimal], total: Decimal) -> list[Decimal]:
    """Exact hours as hundredths that add up to *total* (their sum rounded half up): each
    value's floor, the hundredths left over going to the largest remainders (ties to the
    earlier row). Rows with a negative value are rounded on their own, the rest fitted."""
    if any(v < 0 for v in values):
        return [v.quantize(HUNDREDTH, rounding=ROUND_HALF_UP) for v in values]
    scaled = [v * 100 for v in values]
    floors = [int(x) for x in scaled]  # int() truncates toward zero: the floor of a value >= 0
    left = int(total * 100) - sum(floors)
    order = sorted(range(len(values)), key=lambda i: (-(scaled[i] - floors[i]), i))
    for i in order[: max(left, 0)]:
        floors[i] += 1
    return [(Decimal(f) / 100).quantize(HUNDREDTH) for f in floors]


def _tire_name(line: Any) -> str:
    parts = [
        getattr(line.brand, "name", None) if present(line.brand) else None,
        line.model,
        line.size,
    ]
    named = " ".join(str(p) for p in parts if isinstance(p, str) and p.strip())
    return named or str(line.name)


def _cost_total(rec: Recorder, values: list[int | None], field: str, header: str) -> int | None:
    """The header cost: the sum of every line's cost (negative costs included, e.g. a core
    return), or None, with a note, when a line has no cost or the sum is negative."""
    if not values:
        return None
    missing = sum(1 for v in values if v is None)
    if missing == len(values):
        return None  # no line has a cost: nothing to carry, nothing dropped
    if missing:
        rec.note(
            0,
            "dropped",
            "/services",
            None,
            None,
            f"header {header} left out: {missing} of the {len(values)} lines lack a {field} "
            "(a partial sum would mislead)",
        )
        return None
    total = sum(v for v in values if v is not None)
    if total < 0:
        rec.note(
            0,
            "dropped",
            "/services",
            None,
            None,
            f"header {header} left out: the lines' {field} add up to {figure(total)} cents, and a "
            "myKaarma header amount cannot be negative",
        )
        return None
    return total


def _signed(cents: int) -> str:
    """A signed amount for the fields that take one (a part row's saleTotal): ``-4500`` ->
    ``"-45.00"``."""
    return _money(cents) if cents >= 0 else "-" + _money(-cents)


def _check_services(rec: Recorder, order: Any, services: Sequence[Any]) -> None:
    """Each service once, and each of this order: a list that breaks either would bill a
    service twice or bill another order's work under this order's number."""
    first: dict[str, int] = {}
    for k, service in enumerate(services):
        if service.id in first:
            rec.refuse(
                f"/services/{k}/id",
                "mapping.duplicate_service",
                f"service id {show(service.id)} is already at /services/{first[service.id]}; "
                "a service listed twice would be billed twice",
                service.id,
            )
        else:
            first[service.id] = k
        if service.order_id != order.id:
            rec.refuse(
                f"/services/{k}/orderId",
                "mapping.foreign_service",
                f"service {show(service.name)} belongs to order {show(service.order_id)}, "
                f"not to this order {show(order.id)}",
                service.order_id,
            )


def _build(
    order: object, services: Sequence[object] | sm.GetServicesResponse, config: MappingConfig | None
) -> tuple[dict[str, Any], Recorder]:
    rec = _Rec(config)
    order = load_at(sm.Order, order, "/order")
    if isinstance(services, sm.GetServicesResponse):
        services = services.data
    if not isinstance(services, Sequence) or isinstance(services, str | bytes):
        raise DealerbridgeUsageError(
            "services must be the order's services (a list of sm.Service or their JSON "
            f"values, or the sm.GetServicesResponse), got {type(services).__name__}"
        )
    loaded = [load_at(sm.Service, s, f"/services/{k}") for k, s in enumerate(services)]
    _check_services(rec, order, loaded)
    header: dict[str, Any] = {}
    body: dict[str, Any] = {"type": "RO", "header": header}
    number = _order_number(rec, order)
    if number is not None:
        header["orderNumber"] = number
    status = _status(rec, order)
    if status is not None:
        header["status"] = status
    _dates(rec, order, header, status)
    _people(rec, order, header, body)
    _mileage(rec, order.mileage_in, "mileageIn", header)
    _mileage(rec, order.mileage_out, "mileageOut", header)
    description = order.name if not blank(order.name) else order.complaint
    if not blank(description):
        header["description"] = description
    included = [(k, s) for k, s in enumerate(loaded) if _included(rec, k, s)]
    included.sort(key=lambda item: _sort_key(item[1]))
    limit = rec.orders.max_jobs
    if limit is not None and len(included) > limit:
        rec.refuse(
            "/services",
            "mapping.too_many_jobs",
            f"{len(included)} included services exceed orders.max_jobs = {limit}",
            len(included),
        )
    jobs = [_job(rec, k, s, i) for i, (k, s) in enumerate(included)]
    _credits(rec, jobs, order)
    written = [_write_job(rec, job, n, order, n == 0) for n, job in enumerate(jobs)]
    if written:
        body["jobs"] = written
    mls: list[dict[str, Any]] = []
    for job in jobs:
        for row in job.sublets:
            line = row.line
            item: dict[str, Any] = {
                "mlsType": "S",
                "opCode": rec.orders.sublet_op_code,
                "salePrice": _money(row.cents),
                "lineCode": job.letter,
                "laborType": job.pay,
            }
            if line is not None:
                item["opCodeDesc"] = line.name
                if line.cost_cents is not None and line.cost_cents >= 0:
                    item["costPrice"] = _money(line.cost_cents)
                vendor = line.vendor if present(line.vendor) else None
                if vendor is not None and not blank(getattr(vendor, "name", None)):
                    item["sourceCompany"] = vendor.name
            else:
                item["opCodeDesc"] = "RESIDUAL"
            mls.append(item)
    if mls:
        body["mls"] = mls
    _header_amounts(rec, jobs, included, written, header)
    if not rec.issues:
        _balance(rec, order, header)
    rec.raise_if_refused()
    return {"order": body}, rec


_PAYERS = (("C", "Customer"), ("I", "Internal"), ("W", "Warranty"))


def _header_amounts(
    rec: _Rec,
    jobs: list[_Job],
    included: list[tuple[int, Any]],
    written: list[dict[str, Any]],
    header: dict[str, Any],
) -> None:
    """The header's buckets (each split by payer), costs, tax and pay amounts: sums of jobs."""
    canadian = sum(
        cents
        for _, s in included
        for cents in (s.calculated_gst_cents, s.calculated_pst_cents, s.calculated_hst_cents)
        if isinstance(cents, int)
    )
    if canadian:
        rec.note(
            0,
            "lossy",
            "/services",
            "/order/header/customerPayStateTax",
            None,
            f"GST/PST/HST of {figure(canadian)} cents sent in customerPayStateTax, the only tax "
            "slot",
        )
    hours = sum((Decimal(j["soldHours"]) for j in written), Decimal(0))
    header["soldHours"] = hours_text(hours)
    buckets: dict[str, dict[str, int]] = {}
    for name, of_job in (
        ("labor", lambda j: j.labor),
        ("parts", lambda j: j.parts),
        ("misc", lambda j: j.misc),
        ("sublet", lambda j: sum(r.cents for r in j.sublets)),
        ("lube", lambda j: 0),
    ):
        split = {pay: sum(of_job(j) for j in jobs if j.pay == pay) for pay, _ in _PAYERS}
        buckets[name] = split
        header[f"{name}Sale"] = _money(sum(split.values()))
        for pay, word in _PAYERS:
            header[f"{name}Sale{word}"] = _money(split[pay])
    labor_costs = [r.line.cost_total_cents for job in jobs for r in job.labor_rows]
    labor_cost = _cost_total(rec, labor_costs, "costTotalCents", "laborCost")
    if labor_cost is not None:
        header["laborCost"] = _money(labor_cost)
    part_costs: dict[str, list[int | None]] = {pay: [] for pay, _ in _PAYERS}
    for job in jobs:
        for row in job.part_rows:
            cost = row.line.wholesale_cost_cents
            if cost is None:
                part_costs[job.pay].append(None)
            else:
                quantity = exact(row.line.quantity, f"{row.source}/quantity")
                part_costs[job.pay].append(
                    int(product(quantity, cost).quantize(Decimal(1), ROUND_HALF_UP))
                )
    every = [c for pay, _ in _PAYERS for c in part_costs[pay]]
    parts_cost = _cost_total(rec, every, "wholesaleCostCents", "partsCost")
    if parts_cost is not None:
        split_costs = {pay: sum(c or 0 for c in part_costs[pay]) for pay, _ in _PAYERS}
        if all(v >= 0 for v in split_costs.values()):
            header["partsCost"] = _money(parts_cost)
            for pay, word in _PAYERS:
                header[f"partsCost{word}"] = _money(split_costs[pay])
    taxes = {pay: sum(j.tax for j in jobs if j.pay == pay) for pay, _ in _PAYERS}
    for job in jobs:
        if job.pay != "C" and job.tax:
            rec.note(
                job.rank,
                "lossy",
                f"{job.src}/calculatedTaxCents",
                "/order/header/" + ("warrantyPayAmount" if job.pay == "W" else "internalPayAmount"),
                None,
                f"the service's tax of {figure(job.tax)} cents is inside its payer's pay amount: "
                "myKaarma has a tax field for customer pay only",
            )
    header["customerPayStateTax"] = _money(taxes["C"])
    for pay, key in (("C", "customer"), ("I", "internal"), ("W", "warranty")):
        header[f"{key}PayAmount"] = _money(
            sum(split[pay] for split in buckets.values()) + taxes[pay]
        )


def _ro_total(header: dict[str, Any]) -> int:
    return sum(
        amount_to_cents(header[f"{key}PayAmount"]) for key in ("customer", "internal", "warranty")
    )


def _balance(rec: _Rec, order: Any, header: dict[str, Any]) -> None:
    """The order balance: Shopmonkey's ``totalCostCents`` against the RO's total, one ``total``
    note, and the difference no other note explains refused or reported (`unexplained`).

    Items whose place in ``totalCostCents`` no source documents (excluded services, an
    invalid coupon, the card fee) are read the way that makes the ledger close, preferring
    the fewest such items counted; their notes say which reading was taken."""
    source = order.total_cost_cents
    target = _ro_total(header)
    diff = source - target
    fixed = ledger_cents(rec.report)
    groups = list(rec.uncertain.values())
    amounts = [sum(c for _, c, _ in items) for items in groups]
    chosen = _closing(diff - fixed, amounts) or ()
    for i in chosen:
        for handle, cents, message in groups[i]:
            rec.amend(handle, cents, message)
    unexplained = diff - fixed - sum(amounts[i] for i in chosen)
    where = "/order/header/customerPayAmount"
    if unexplained:
        said = (
            f"{figure(unexplained)} cents of the difference between Shopmonkey's totalCostCents "
            f"({_signed(source)}) and the RO's total ({_signed(target)}) are explained by no "
            "note (an order total above or below its services, a service missing from or "
            "added to the services list, or an undocumented Shopmonkey rule)"
        )
        if rec.orders.unexplained_total == "refuse":
            rec.refuse(
                "/order/totalCostCents",
                "mapping.order_total",
                f"{said}; check the services list, or set orders.unexplained_total = 'report'",
                source,
            )
            return
        rec.note(_LAST, "unexplained", "/order/totalCostCents", where, unexplained, said + ".")
    explaining = [n for n in rec.report if n.cents is not None and n.kind != "total"]
    if explaining:
        why = "; explained by " + ", ".join(
            f"{n.kind} {n.source} ({n.cents:+d})" for n in explaining
        )
    else:
        why = "" if not diff else "; explained by no note"
    rec.note(
        _LAST,
        "total",
        "/order/totalCostCents",
        where,
        diff,
        f"Shopmonkey order total {_signed(source)} (totalCostCents), RO total "
        f"{_signed(target)} (customerPayAmount + internalPayAmount + warrantyPayAmount): "
        f"difference {figure(diff)} cents{why}",
    )


def shopmonkey_to_mykaarma(
    order: object,
    services: Sequence[object] | sm.GetServicesResponse,
    config: MappingConfig | None = None,
) -> Mapped[mk.CreateOrderRequest]:
    """The myKaarma create-order request for a Shopmonkey order and its services.

    *order* is a ``sm.Order`` or its JSON value; *services* the services of its GET response
    (``data``: a list of ``sm.Service`` or JSON values, or the ``sm.GetServicesResponse``).
    Raises `MappingError` (a `ValidationError`) with ``mapping.*`` issues when it refuses.
    """
    with localcontext(_EXACT):
        body, rec = _build(order, services, config)
    return Mapped(load(mk.CreateOrderRequest, body), rec.report)


def shopmonkey_to_mykaarma_update(
    order: object,
    services: Sequence[object] | sm.GetServicesResponse,
    config: MappingConfig | None = None,
) -> Mapped[mk.UpdateOrderRequest]:
    """The same mapping as `shopmonkey_to_mykaarma`, as the update-order body: use it when the
    RO already exists in myKaarma (same order number within ±30 days, `mk.same_order`)."""
    with localcontext(_EXACT):
        body, rec = _build(order, services, config)
    return Mapped(load(mk.UpdateOrderRequest, body), rec.report)

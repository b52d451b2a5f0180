"""Shopmonkey order + services -> myKaarma create (or update) order request.

Rules and reasons: notes/decisions-mapping.md ("Forward"). In short: one job per included
service (A..Z, AA, ...), Shopmonkey's own per-service categories as the job amounts, line rows
fitted to them exactly, every credit allocated by largest remainder or refused, header = the sum
of the jobs, money as int cents leaving through `money.cents_to_amount`.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from itertools import combinations
from operator import attrgetter
from typing import Generic, Literal, Protocol, TypeVar, cast

import attrs

from .. import mykaarma as mk
from .. import shopmonkey as sm
from .._errors import DealerbridgeUsageError, Issue, ValidationError
from .._models import UNSET, UnsetType, dump
from .._render import redaction, redaction_level
from ..money import cents_to_amount
from ..shopmonkey._totals import MAX_INT, exact, product
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


L = TypeVar("L")
Line = TypeVar("Line", bound="_Ordered")
R = TypeVar("R", mk.CreateOrderRequest, mk.UpdateOrderRequest)
_Status = Literal["OPENED", "PRE-INVOICED", "CLOSED"]
_PAYS = ("C", "I", "W")
_BUCKETS = ("labor", "parts", "misc", "sublet", "lube")


@attrs.define
class _Row(Generic[L]):
    """One output row made from one input line (a part, tire, labor or subcontract; None for
    a sublet row booked from a residual)."""

    source: str
    cents: int
    line: L


@attrs.define
class _Job:
    rank: int
    index: int  # the service's index in the input
    service: sm.Service
    letter: str
    labor: int
    parts: int
    misc: int
    tax: int
    sublets: list[_Row[sm.Subcontract | None]]
    labor_rows: list[_Row[sm.Labor]]
    part_rows: list[_Row[sm.Part | sm.Tire]]
    unreconciled: set[str] = attrs.field(factory=set)
    pay: str = "C"
    """Who pays: C (customer), W (warranty) or I (internal), from ``orders.pay_types``."""
    hours: Decimal = Decimal(0)
    """The job's sold hours (hundredths), once written (`_write_job`)."""

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
        self.excluded: list[sm.Service] = []
        """The services left out of the RO (their categories count when the total does)."""
        self.order_discount = 0
        """The order-level discount spread over the jobs (cents)."""

    def maybe(self, group: str, handle: int, cents: int, message: str) -> None:
        self.uncertain.setdefault(group, []).append((handle, cents, message))


#: The decimal context of a forward mapping: every input number is bounded (`exact`), so sums
#: and products of hours, quantities and multipliers are exact in 100 digits.
_EXACT = Context(prec=100, rounding=ROUND_HALF_UP)

_LAST = sys.maxsize  # rank of the order balance's notes: after every service's notes
_ZERO = Decimal(0)


class _Ordered(Protocol):
    """A service or line item: ordered by its ordinal, then its id."""

    @property
    def ordinal(self) -> float: ...
    @property
    def id(self) -> str: ...


def _sort_key(line: _Ordered) -> tuple[float, str]:
    """(ordinal, id): Python compares ints and floats exactly, in the order of their exact
    decimal values (``exact``), so the JSON numbers are compared, never computed with."""
    return line.ordinal, str(line.id)


_money = cents_to_amount  # an alias, not a wrapper: called several times per line


def _included(rec: _Rec, k: int, service: sm.Service) -> bool:
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
    rec.excluded.append(service)
    return False


def _order_number(rec: Recorder, order: sm.Order) -> str | None:
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


@attrs.define
class _Head:
    """The RO values that come from the order itself (header and people), each None when
    absent or refused."""

    number: str | None = None
    status: _Status | None = None
    created: tuple[str, str] | None = None
    promised: tuple[str, str] | None = None
    closed: tuple[str, str] | None = None
    assigned_user_uuid: str | None = None
    advisor_number: str | None = None
    customer: str | None = None
    vehicle: str | None = None
    mileage_in: str | None = None
    mileage_out: str | None = None
    description: str | None = None


def _advisor(rec: Recorder, order: sm.Order, head: _Head) -> None:
    cfg = rec.orders
    writer = order.service_writer_id
    if cfg.assigned_user_uuid:
        head.assigned_user_uuid = cfg.assigned_user_uuid
    if writer is not None and writer in cfg.advisors:
        head.advisor_number = cfg.advisors[writer]
    elif cfg.default_advisor_number:
        head.advisor_number = cfg.default_advisor_number
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


def _head(rec: Recorder, order: sm.Order) -> _Head:
    """The header section: number, status, dates, people, mileage and description."""
    head = _Head(number=_order_number(rec, order))
    head.status = _status(rec, order)
    _dates(rec, order, head)
    _people(rec, order, head)
    head.mileage_in = _mileage(rec, order.mileage_in, "mileageIn")
    head.mileage_out = _mileage(rec, order.mileage_out, "mileageOut")
    description = order.name if not blank(order.name) else order.complaint
    if description is not None and not blank(description):
        head.description = description
    return head


def _status(rec: Recorder, order: sm.Order) -> _Status | None:
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


def _dates(rec: Recorder, order: sm.Order, head: _Head) -> None:
    created = order.order_created_date or order.created_date
    where = "/order/orderCreatedDate" if order.order_created_date else "/order/createdDate"
    head.created = utc_parts(created) if isinstance(created, str) else None
    if head.created is None:
        rec.refuse(where, "mapping.date", f"{show(created)} is not a UTC date-time", created)
    if isinstance(order.due_date, str):
        head.promised = utc_parts(order.due_date)
    if head.status in ("PRE-INVOICED", "CLOSED"):
        key = rec.orders.close_date_source
        value = {"invoicedDate": order.invoiced_date, "fullyPaidDate": order.fully_paid_date}.get(
            key, order.completed_date
        )
        head.closed = utc_parts(value) if isinstance(value, str) else None
        if head.closed is None:
            rec.note(
                0,
                "dropped",
                f"/order/{key}",
                None,
                None,
                f"no close date: {key} is {show(value if present(value) else None)} "
                "(orders.close_date_source)",
            )


def _people(rec: Recorder, order: sm.Order, head: _Head) -> None:
    cfg = rec.orders
    _advisor(rec, order, head)
    customer = order.customer_id
    if customer is not None and customer in cfg.customers:
        head.customer = cfg.customers[customer]
    elif cfg.default_customer_uuid:
        head.customer = cfg.default_customer_uuid
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
        head.vehicle = cfg.vehicles[vehicle]
    elif vehicle is not None:
        rec.note(
            0,
            "dropped",
            "/order/vehicleId",
            None,
            None,
            f"vehicle {show(vehicle)} is not in orders.vehicles; the RO is sent without one",
        )


def _mileage(rec: Recorder, value: float | None, key: str) -> str | None:
    if value is None:
        return None
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
    return str(int(whole)) if whole >= 0 else None


def _job(rec: Recorder, k: int, service: sm.Service, i: int) -> _Job:
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
    unreconciled = set() if check.matches else {k for k, d in check.differences.items() if d}
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
    parts: Sequence[sm.Part | sm.Tire] = service.parts
    part_rows = _rows(parts, lines["parts"], src, "parts")
    if service.tires:
        tires: Sequence[sm.Part | sm.Tire] = service.tires
        part_rows += _rows(tires, lines["tires"], src, "tires")
    # the rows as they are (a booked residual may append a sublet row without a line)
    sublets = cast(
        "list[_Row[sm.Subcontract | None]]",
        _rows(service.subcontracts, lines["subcontracts"], src, "subcontracts"),
    )
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


def _pay_type(rec: Recorder, k: int, service: sm.Service) -> str:
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


def _book(rec: Recorder, job: _Job, service: sm.Service, src: str) -> None:
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


def _rows(lines: Sequence[Line], cents: Sequence[int], src: str, kind: str) -> list[_Row[Line]]:
    """The rows of one line-item array, in (ordinal, id) order."""
    if len(lines) < 2:  # nothing to order (the usual case)
        return [_Row(f"{src}/{kind}/0", cents[0], lines[0])] if lines else []
    keys = [_sort_key(line) for line in lines]
    indexed = sorted(range(len(lines)), key=keys.__getitem__)
    return [_Row(f"{src}/{kind}/{n}", cents[n], lines[n]) for n in indexed]


def _credits(rec: _Rec, jobs: list[_Job], order: sm.Order) -> None:
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
    rec.order_discount = order_discount
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


def _negative_amounts(rec: _Rec, job: _Job) -> int:
    """Zero a job's negative tax, category amounts and sublet rows (noted or refused);
    returns the credit they carry (to be taken off the job's other amounts)."""
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
    if job.labor < 0:
        if _negative(rec, job, f"{src}/calculatedLaborCents", job.labor, "job labor amount"):
            credit -= job.labor
        job.labor = 0
    if job.parts < 0:
        if _negative(rec, job, f"{src}/calculatedPartsCents", job.parts, "job parts amount"):
            credit -= job.parts
        job.parts = 0
    if job.misc < 0:
        if _negative(rec, job, f"{src}/calculatedFeeCents", job.misc, "job misc amount"):
            credit -= job.misc
        job.misc = 0
    for labor in job.labor_rows:
        if labor.cents < 0:  # a credit line: absorbed by its bucket's other rows when fitted
            _negative(rec, job, labor.source, labor.cents, "labor line")
    # a negative part or tire line stays a negative part row (signed saleTotal) when its job's
    # parts amount is not negative; only a negative parts amount needs the policy
    if parts_amount < 0:
        for part in job.part_rows:
            if part.cents < 0:
                _negative(rec, job, part.source, part.cents, "line")
    for sublet in job.sublets:
        if sublet.cents < 0:
            if _negative(rec, job, sublet.source, sublet.cents, "sublet line"):
                credit -= sublet.cents
            sublet.cents = 0
    return credit


def _service_discount(rec: _Rec, job: _Job) -> int:
    """The service's own discount (to be taken off its amounts), noted; a negative one is
    refused (0)."""
    discount = job.service.calculated_discount_cents
    if discount < 0:
        rec.refuse(
            f"{job.src}/calculatedDiscountCents",
            "mapping.negative",
            f"a negative discount ({figure(discount)} cents) is a surcharge with no category",
            discount,
        )
        return 0
    if discount:
        rec.note(
            job.rank,
            "allocated",
            f"{job.src}/calculatedDiscountCents",
            job.tgt,
            None,
            f"service discount of {figure(discount)} cents taken off the job's labor, parts, misc "
            "and sublet in proportion (largest remainder)",
        )
    return discount


def _coupon_cents(rec: _Rec, order: sm.Order) -> int:
    """The order coupon's cents when it counts (status Applied or Redeemed); another status
    is an ``excluded`` note whose place in ``totalCostCents`` the order balance decides."""
    coupon = order.coupon_order_discount
    if not isinstance(coupon, sm.CouponOrderDiscount) or not coupon.applied_discount_cents:
        return 0
    amount = coupon.applied_discount_cents
    if coupon.status in _COUNTED:
        return amount
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
    return 0


def _both_discounts(
    rec: _Rec, order: sm.Order, jobs: list[_Job], applied: int, coupon: int
) -> tuple[int, str] | None:
    """A counted coupon beside a manual order discount: the amount to allocate and how it was
    read (the order's totalCostCents decides, else ``orders.ambiguous_discount``); None when
    refused."""
    readings = {"included": applied, "separate": applied + coupon}
    fits = [name for name, cents in readings.items() if _closes(rec, order, jobs, cents)]
    if len(fits) == 1:
        reading = fits[0]
        why = "the only reading that gives the order's totalCostCents"
    elif rec.orders.ambiguous_discount == "refuse":
        rec.refuse(
            "/order/couponOrderDiscount/appliedDiscountCents",
            "mapping.ambiguous_discount",
            f"a coupon of {figure(coupon)} cents beside a manual order discount of "
            f"{figure(applied)} "
            "cents, and totalCostCents cannot tell whether appliedDiscountCents includes "
            "it; set orders.ambiguous_discount to 'included' or 'separate'",
            coupon,
        )
        return None
    else:
        reading = rec.orders.ambiguous_discount
        why = "orders.ambiguous_discount"
    how = (
        f" (appliedDiscountCents {figure(applied)} read as including the coupon's"
        f" {figure(coupon)}: "
        f"{why})"
        if reading == "included"
        else f" (appliedDiscountCents {figure(applied)} plus the coupon's {figure(coupon)}: {why})"
    )
    return readings[reading], how


def _job_credits(rec: _Rec, job: _Job) -> int:
    """Take one job's own credits off its own amounts; returns what they could not absorb
    (to be taken off the other jobs, or refused)."""
    credit = _negative_amounts(rec, job)
    credit += _service_discount(rec, job)
    if not credit:
        return 0
    values, left = reduce_by(job.slots(), credit)
    job.set_slots(values)
    if not left:
        return 0
    if rec.orders.negative_amounts == "refuse":
        rec.refuse(
            f"{job.src}/totalCents",
            "mapping.negative",
            f"the service's credits exceed its amounts by {figure(left)} cents "
            "(orders.negative_amounts = refuse)",
            left,
        )
        return 0
    rec.note(
        job.rank,
        "allocated",
        f"{job.src}/totalCents",
        None,
        None,
        f"{figure(left)} cents of this service's credits exceed it; taken off the other jobs in "
        "proportion",
    )
    return left


_COUNTED = ("Applied", "Redeemed")


def _order_discount(rec: _Rec, order: sm.Order, jobs: list[_Job]) -> tuple[int, str]:
    """The order-level discount to allocate over the jobs and the pointer it comes from.

    ``appliedDiscountCents`` is "the total discount applied to the order"; a coupon counts only
    when its status is Applied or Redeemed. With both a manual discount and a counted coupon,
    the order's own ``totalCostCents`` decides whether the first includes the second; when it
    cannot, ``orders.ambiguous_discount`` does."""
    cfg = rec.orders
    applied = order.applied_discount_cents
    if not isinstance(applied, int):
        applied = 0
    coupon_cents = _coupon_cents(rec, order)
    how = ""
    if coupon_cents and applied:
        both = _both_discounts(rec, order, jobs, applied, coupon_cents)
        if both is None:
            return 0, "/order/appliedDiscountCents"
        amount, how = both
        source = "/order/appliedDiscountCents"
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


def _card_fee_cents(rec: _Rec, order: sm.Order, jobs: list[_Job]) -> int:
    """The card fee the RO will carry (0 when there is none or it is refused)."""
    fee = order.transactional_fee_subtotal_cents
    if not present(fee) or not isinstance(fee, int) or fee <= 0 or not jobs:
        return 0
    return fee if rec.orders.transactional_fees == "misc" else 0


def _closes(rec: _Rec, order: sm.Order, jobs: list[_Job], discount: int) -> bool:
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


def _card_fee(rec: _Rec, jobs: list[_Job], order: sm.Order) -> None:
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
    original: list[int],
    target: int,
    what: str,
    where: str,
    into: str,
    *,
    signed: bool = False,
) -> list[int]:
    """The rows' amounts (*original*) made to add up to *target* exactly (notes say how); an
    extra row is appended (value last) when there are no rows but an amount. With *signed*
    (part rows, whose saleTotal may be negative) a negative row stays as it is and only the
    others are fitted, when they can absorb the change."""
    if original and sum(original) == target and (signed or min(original) >= 0):
        return original  # the rows already give the amount: nothing to fit (the usual case)
    if not original:
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


def _op_code(rec: Recorder, job: _Job, tgt: str) -> str | None:
    """The job's labor op code: by canned service id, then service name, then the default."""
    cfg = rec.orders
    service = job.service
    if service.source_service_id and service.source_service_id in cfg.op_codes:
        return cfg.op_codes[service.source_service_id]
    if service.name in cfg.op_codes:
        return cfg.op_codes[service.name]
    if cfg.default_op_code:
        rec.note(
            job.rank,
            "defaulted",
            f"{job.src}/name",
            f"{tgt}/laborOpCode",
            None,
            f"no op code for service {show(service.name)} in orders.op_codes; "
            "orders.default_op_code used",
        )
        return cfg.default_op_code
    rec.refuse(
        f"{job.src}/sourceServiceId",
        "mapping.op_code",
        f"no op code for service {show(service.name)}: add it to orders.op_codes or set "
        "orders.default_op_code",
        service.source_service_id,
    )
    return None


@attrs.define
class _Labor:
    """A job's labor section: its techHours rows, hours (hundredths) and first technician."""

    rows: list[mk.CreateOrderTechHours]
    hours: Decimal
    tech_no: str | None


def _labor_lines(rec: Recorder, job: _Job, tgt: str) -> _Labor:
    """One techHours row per labor line, amounts fitted to the job's labor exactly, hours
    summed before rounding then shared out; an extra 0-hour row for labor with no line."""
    values = _fitted(
        rec,
        job,
        [r.cents for r in job.labor_rows],
        job.labor,
        "labor",
        "calculatedLaborCents",
        "techHours",
    )
    lines = job.labor_rows
    count = len(lines)
    sold_hours = rec.orders.sold_hours
    exact_hours = [_billed_hours(sold_hours, row) for row in lines]
    total_hours = sum(exact_hours, _ZERO).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
    row_hours = _hundredths(exact_hours, total_hours)
    rows = [
        _tech_row(rec, job, lines[m], values[m], exact_hours[m], row_hours[m], tgt, m)
        for m in range(count)
    ]
    for extra in values[count:]:
        rows.append(
            mk.CreateOrderTechHours(sold_hours="0.00", labor_sale=_money(extra), labor_type=job.pay)
        )
    first = None
    for tech in rows:
        if isinstance(tech.tech_no, str) and tech.tech_no:
            first = tech.tech_no
            break
    return _Labor(rows, sum(row_hours, _ZERO), first)


def _tech_row(
    rec: Recorder,
    job: _Job,
    row: _Row[sm.Labor],
    cents: int,
    hours: Decimal,
    rounded: Decimal,
    tgt: str,
    m: int,
) -> mk.CreateOrderTechHours:
    """The techHours row *m* of the job at *tgt*."""
    cfg = rec.orders
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
    tech_no: str | UnsetType = UNSET
    tech_id = line.technician_id
    if tech_id is not None and tech_id in cfg.technicians:
        tech_no = cfg.technicians[tech_id]
    elif tech_id is not None:
        rec.note(
            job.rank,
            "dropped",
            f"{row.source}/technicianId",
            None,
            None,
            f"technician {show(tech_id)} is not in orders.technicians; row sent without techNo",
        )
    cost = line.cost_total_cents
    return mk.CreateOrderTechHours(
        sold_hours=text,
        labor_sale=_money(cents),
        labor_type=job.pay,
        tech_no=tech_no,
        labor_cost=_money(cost) if cost is not None and cost >= 0 else UNSET,
    )


def _part_lines(rec: Recorder, job: _Job, tgt: str) -> list[mk.CreateOrderPart]:
    """One part row per part or tire line, amounts fitted to the job's parts exactly (a
    negative row, e.g. a core return, kept); an extra row for parts with no line."""
    values = _fitted(
        rec,
        job,
        [r.cents for r in job.part_rows],
        job.parts,
        "parts",
        "calculatedPartsCents",
        "parts",
        signed=True,
    )
    lines = job.part_rows
    count = len(lines)
    parts = [_part_row(rec, job, lines[m], values[m], tgt, m) for m in range(count)]
    for extra in values[count:]:
        parts.append(
            mk.CreateOrderPart(
                part_number=rec.orders.missing_part_number,
                description="RESIDUAL",
                quantity_ordered="1",
                quantity_sold="1",
                sale_price=_money(extra),
                sale_total=_money(extra),
                labor_type=job.pay,
            )
        )
    return parts


def _part_row(
    rec: Recorder, job: _Job, row: _Row[sm.Part | sm.Tire], cents: int, tgt: str, m: int
) -> mk.CreateOrderPart:
    """The part row *m* of the job at *tgt*."""
    line = row.line
    number = line.part_number
    if number is None or blank(number):
        number = rec.orders.missing_part_number
        rec.note(
            job.rank,
            "defaulted",
            f"{row.source}/partNumber",
            f"{tgt}/parts/{m}/partNumber",
            None,
            f"no part number for {show(line.name)}; orders.missing_part_number used",
        )
    quantity = _quantity_text(line.quantity, row.source)
    description = _tire_name(line) if isinstance(line, sm.Tire) else line.name
    cost = line.wholesale_cost_cents
    retail = line.retail_cost_cents
    part = mk.CreateOrderPart(
        part_number=number,
        quantity_ordered=quantity,
        quantity_sold=quantity,
        sale_price=_money(retail) if retail >= 0 else UNSET,
        sale_total=_signed(cents),
        labor_type=job.pay,
        description=UNSET if blank(description) else description,
        cost=_money(cost) if cost is not None and cost >= 0 else UNSET,
    )
    if isinstance(line, sm.Tire):
        _tire_notes(rec, job, row.source, line)
    return part


def _tire_notes(rec: Recorder, job: _Job, source: str, line: sm.Tire) -> None:
    """A tire's FET and waste-tire fee have no myKaarma field: noted when set."""
    for key, value in (
        ("federalExciseTaxCents", line.federal_excise_tax_cents),
        ("wasteTireFee", line.waste_tire_fee),
    ):
        if value:
            rec.note(
                job.rank,
                "lossy",
                f"{source}/{key}",
                None,
                None,
                f"tire {key} {value} has no field of its own: the RO carries the tires "
                "as Shopmonkey priced them (calculatedTiresCents), so it is in the "
                "row's amount exactly when Shopmonkey counted it",
            )


def _ccc(
    order: sm.Order, service: sm.Service, first: bool
) -> mk.CreateOrderComplaintCauseCorrection | UnsetType:
    """The job's complaint (the order's for the first job, else the service name) and cause
    (the service note)."""
    complaint = order.complaint if first and not blank(order.complaint) else service.name
    no_complaint, no_cause = blank(complaint), blank(service.note)
    if no_complaint and no_cause:
        return UNSET
    return mk.CreateOrderComplaintCauseCorrection(
        complaint=UNSET if no_complaint else complaint,
        cause=UNSET if no_cause else service.note,
    )


def _mls_row(rec: Recorder, job: _Job, row: _Row[sm.Subcontract | None]) -> mk.CreateOrderMls:
    """One sublet mls row per subcontract line (or booked residual) of a job."""
    line = row.line
    if line is None:
        description = "RESIDUAL"
        cost: str | UnsetType = UNSET
        company: str | UnsetType = UNSET
    else:
        description = line.name
        cost = _money(line.cost_cents) if line.cost_cents >= 0 else UNSET
        vendor = line.vendor
        has_name = isinstance(vendor, sm.Vendor) and not blank(vendor.name)
        company = vendor.name if isinstance(vendor, sm.Vendor) and has_name else UNSET
    return mk.CreateOrderMls(
        mls_type="S",
        op_code=rec.orders.sublet_op_code,
        op_code_desc=description,
        sale_price=_money(row.cents),
        line_code=job.letter,
        labor_type=job.pay,
        cost_price=cost,
        source_company=company,
    )


def _write_job(rec: Recorder, job: _Job, n: int, order: sm.Order, first: bool) -> mk.CreateOrderJob:
    """The job section: op code, labor lines, part lines, the job's amounts and its CCC."""
    service = job.service
    tgt = f"/order/jobs/{n}"
    op_code = _op_code(rec, job, tgt)
    labor = _labor_lines(rec, job, tgt)
    parts = _part_lines(rec, job, tgt)
    job.hours = labor.hours
    return mk.CreateOrderJob(
        job_identifier=f"{job.letter}-1",
        job_number_string=job.letter,
        lop_seq_number="1",
        labor_op_code=op_code or "?",
        labor_op_code_desc=UNSET if blank(service.name) else service.name,
        labor_type=job.pay,
        labor_sale=_money(job.labor),
        sold_hours=hours_text(labor.hours),
        parts_sale=_money(job.parts),
        misc_sale=_money(job.misc),
        tech_no=labor.tech_no or UNSET,
        parts=parts or UNSET,
        tech_hours=labor.rows or UNSET,
        ccc=_ccc(order, service, first),
    )


def _billed_hours(sold_hours: str, row: _Row[sm.Labor]) -> Decimal:
    """A labor line's hours, exact: × multiplier for Hours-type labor when billed hours are
    sent (``orders.sold_hours``)."""
    line = row.line
    hours = exact(line.hours, f"{row.source}/hours")
    multiplier = line.multiplier
    if type(multiplier) is int and multiplier == 1:  # the usual multiplier: nothing to do
        return hours
    if sold_hours == "billed" and line.multiplier_type == "Hours":
        hours = product(hours, exact(multiplier, f"{row.source}/multiplier"))
    return hours


def _hundredths(values: Sequence[Decimal], total: Decimal) -> list[Decimal]:
    """Exact hours as hundredths that add up to *total* (their sum rounded half up): each
    value's floor, the hundredths left over going to the largest remainders (ties to the
    earlier row). Rows with a negative value are rounded on their own, the rest fitted."""
    if len(values) == 1:  # one line (the usual case): the same steps without the lists
        value = values[0]
        if value < 0:
            return [value.quantize(HUNDREDTH, rounding=ROUND_HALF_UP)]
        hundredths = value.quantize(HUNDREDTH)
        # a value that is not in hundredths gets every hundredth left over: *total*
        return [hundredths if hundredths == value else total]
    if any(v < 0 for v in values):
        return [v.quantize(HUNDREDTH, rounding=ROUND_HALF_UP) for v in values]
    exact_hundredths = [v.quantize(HUNDREDTH) for v in values]
    if exact_hundredths == values:  # already hundredths (1.5 h): nothing to share out
        return exact_hundredths
    scaled = [v * 100 for v in values]
    floors = [int(x) for x in scaled]  # int() truncates toward zero: the floor of a value >= 0
    left = int(total * 100) - sum(floors)
    order = sorted(range(len(values)), key=lambda i: (-(scaled[i] - floors[i]), i))
    for i in order[: max(left, 0)]:
        floors[i] += 1
    return [(Decimal(f) / 100).quantize(HUNDREDTH) for f in floors]


def _quantity_text(value: float, source: str) -> str:
    """A part quantity as written for myKaarma (``2``, ``5.7``, ``-1``): a whole number
    directly, another through its exact decimal (`exact`, `decimal_text`; a number out of
    bounds is refused at *source*'s quantity)."""
    if type(value) is int and -MAX_INT < value < MAX_INT:
        return str(value)
    return decimal_text(exact(value, f"{source}/quantity"))


def _line_cost(quantity: float, cost: int, where: str) -> int:
    """quantity x unit cost in cents, rounded half up (exact for a whole quantity)."""
    if type(quantity) is int and -MAX_INT < quantity < MAX_INT:
        return quantity * cost
    number = exact(quantity, f"{where}/quantity")
    return int(product(number, cost).quantize(Decimal(1), ROUND_HALF_UP))


def _tire_name(line: sm.Tire) -> str:
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


def _services(services: Sequence[object] | sm.GetServicesResponse) -> list[sm.Service]:
    """The services argument as models (JSON values loaded, issues rooted at /services/N)."""
    if isinstance(services, sm.GetServicesResponse):
        return list(services.data)
    if not isinstance(services, Sequence) or isinstance(services, str | bytes):
        raise DealerbridgeUsageError(
            "services must be the order's services (a list of sm.Service or their JSON "
            f"values, or the sm.GetServicesResponse), got {type(services).__name__}"
        )
    return [load_at(sm.Service, s, f"/services/{k}") for k, s in enumerate(services)]


def _jobs(rec: _Rec, services: list[sm.Service]) -> tuple[list[_Job], list[sm.Service]]:
    """The jobs of the included services in ordinal order (and those services)."""
    included = [(k, s) for k, s in enumerate(services) if _included(rec, k, s)]
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
    return jobs, [s for _, s in included]


def _order_body(
    head: _Head,
    amounts: _Amounts,
    jobs: list[mk.CreateOrderJob],
    mls: list[mk.CreateOrderMls],
) -> mk.CreateOrder:
    """The RO from its sections (called once nothing was refused: every required value of
    *head* is then set)."""
    assert head.customer is not None, "a missing customer is refused (mapping.customer)"
    return mk.CreateOrder(
        type="RO",
        header=_header(head, amounts),
        customer=mk.CreateOrderCustomer(uuid=head.customer),
        vehicle=UNSET if head.vehicle is None else mk.CreateOrderVehicle(uuid=head.vehicle),
        jobs=jobs or UNSET,
        mls=mls or UNSET,
    )


@attrs.define
class _Amounts:
    """The header's money as cents: each bucket split by payer (C/I/W), costs and taxes."""

    hours: Decimal
    buckets: dict[str, dict[str, int]]
    """Bucket (labor, parts, misc, sublet, lube) -> payer -> cents."""
    labor_cost: int | None
    parts_cost: dict[str, int] | None
    """Payer -> cents, or None when left out (a line without cost, or a negative sum)."""
    taxes: dict[str, int]

    def sale(self, bucket: str, payer: str | None = None) -> str:
        split = self.buckets[bucket]
        return _money(sum(split.values()) if payer is None else split[payer])

    def pay(self, payer: str) -> int:
        """What *payer* pays: its share of every bucket plus its tax."""
        return sum(split[payer] for split in self.buckets.values()) + self.taxes[payer]

    @property
    def total(self) -> int:
        """The RO's total: customer + internal + warranty pay amounts."""
        return sum(self.pay(payer) for payer in _PAYS)


def _canadian_tax(rec: _Rec, included: list[sm.Service]) -> None:
    canadian = sum(
        cents
        for s in included
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


def _payer_tax(rec: _Rec, jobs: list[_Job]) -> None:
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


def _parts_cost(rec: _Rec, jobs: list[_Job]) -> dict[str, int] | None:
    """partsCost split by payer: quantity x wholesale cost per line, negative lines included."""
    costs: dict[str, list[int | None]] = {pay: [] for pay in _PAYS}
    for job in jobs:
        for row in job.part_rows:
            cost = row.line.wholesale_cost_cents
            if cost is None:
                costs[job.pay].append(None)
            else:
                costs[job.pay].append(_line_cost(row.line.quantity, cost, row.source))
    every = [c for pay in _PAYS for c in costs[pay]]
    if _cost_total(rec, every, "wholesaleCostCents", "partsCost") is None:
        return None
    split = {pay: sum(c or 0 for c in costs[pay]) for pay in _PAYS}
    return split if all(v >= 0 for v in split.values()) else None


def _optional(value: str | None) -> str | UnsetType:
    return UNSET if value is None else value


def _header(head: _Head, a: _Amounts) -> mk.CreateOrderHeader:
    """The header from the order's values and the jobs' sums."""
    assert head.number is not None, "a bad order number is refused (mapping.order_number)"
    assert head.status is not None, "an unmapped state is refused (mapping.status)"
    assert head.created is not None, "a bad date is refused (mapping.date)"
    promised = head.promised or (None, None)
    closed = head.closed or (None, None)
    parts_cost = a.parts_cost
    return mk.CreateOrderHeader(
        order_number=head.number,
        status=head.status,
        advisor_number=_optional(head.advisor_number),
        assigned_user_uuid=_optional(head.assigned_user_uuid),
        mileage_in=_optional(head.mileage_in),
        mileage_out=_optional(head.mileage_out),
        create_date=head.created[0],
        create_time=head.created[1],
        promised_date=_optional(promised[0]),
        promised_time=_optional(promised[1]),
        close_date=_optional(closed[0]),
        close_time=_optional(closed[1]),
        sold_hours=hours_text(a.hours),
        labor_cost=UNSET if a.labor_cost is None else _money(a.labor_cost),
        labor_sale=a.sale("labor"),
        labor_sale_customer=a.sale("labor", "C"),
        labor_sale_internal=a.sale("labor", "I"),
        labor_sale_warranty=a.sale("labor", "W"),
        parts_cost=UNSET if parts_cost is None else _money(sum(parts_cost.values())),
        parts_cost_customer=UNSET if parts_cost is None else _money(parts_cost["C"]),
        parts_cost_internal=UNSET if parts_cost is None else _money(parts_cost["I"]),
        parts_cost_warranty=UNSET if parts_cost is None else _money(parts_cost["W"]),
        parts_sale=a.sale("parts"),
        parts_sale_customer=a.sale("parts", "C"),
        parts_sale_internal=a.sale("parts", "I"),
        parts_sale_warranty=a.sale("parts", "W"),
        lube_sale=a.sale("lube"),
        lube_sale_customer=a.sale("lube", "C"),
        lube_sale_internal=a.sale("lube", "I"),
        lube_sale_warranty=a.sale("lube", "W"),
        misc_sale=a.sale("misc"),
        misc_sale_customer=a.sale("misc", "C"),
        misc_sale_internal=a.sale("misc", "I"),
        misc_sale_warranty=a.sale("misc", "W"),
        sublet_sale=a.sale("sublet"),
        sublet_sale_customer=a.sale("sublet", "C"),
        sublet_sale_internal=a.sale("sublet", "I"),
        sublet_sale_warranty=a.sale("sublet", "W"),
        customer_pay_amount=_money(a.pay("C")),
        customer_pay_state_tax=_money(a.taxes["C"]),
        internal_pay_amount=_money(a.pay("I")),
        warranty_pay_amount=_money(a.pay("W")),
        description=_optional(head.description),
    )


def _validated(request: R) -> R:
    """*request* checked once against its schema (a mapping bug is a `ValidationError`)."""
    dump(request)
    return request


def _check_services(rec: Recorder, order: sm.Order, services: Sequence[sm.Service]) -> None:
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
) -> tuple[mk.CreateOrder, _Rec]:
    """The RO (not yet validated) and its recorder; raises `MappingError` when refused."""
    rec = _Rec(config)
    source = load_at(sm.Order, order, "/order")
    loaded = _services(services)
    _check_services(rec, source, loaded)
    head = _head(rec, source)
    jobs, included = _jobs(rec, loaded)
    _credits(rec, jobs, source)
    written = [_write_job(rec, job, n, source, n == 0) for n, job in enumerate(jobs)]
    mls = [_mls_row(rec, job, row) for job in jobs for row in job.sublets]
    amounts = _header_amounts(rec, jobs, included)
    if not rec.issues:
        _balance(rec, source, amounts, included)
    rec.raise_if_refused()
    return _order_body(head, amounts, written, mls), rec


def _header_amounts(rec: _Rec, jobs: list[_Job], included: list[sm.Service]) -> _Amounts:
    """The header's buckets (each split by payer), costs, tax and pay amounts: sums of jobs."""
    _canadian_tax(rec, included)
    buckets = {name: dict.fromkeys(_PAYS, 0) for name in _BUCKETS}
    labor, parts, misc = buckets["labor"], buckets["parts"], buckets["misc"]
    sublet = buckets["sublet"]
    taxes = dict.fromkeys(_PAYS, 0)
    for job in jobs:  # one pass over the jobs (lube: no Shopmonkey amount maps to it)
        pay = job.pay
        labor[pay] += job.labor
        parts[pay] += job.parts
        misc[pay] += job.misc
        if job.sublets:
            sublet[pay] += sum([r.cents for r in job.sublets])
        taxes[pay] += job.tax
    labor_costs = [r.line.cost_total_cents for job in jobs for r in job.labor_rows]
    labor_cost = _cost_total(rec, labor_costs, "costTotalCents", "laborCost")
    parts_cost = _parts_cost(rec, jobs)
    _payer_tax(rec, jobs)
    hours = sum((job.hours for job in jobs), Decimal(0))
    return _Amounts(hours, buckets, labor_cost, parts_cost, taxes)


@attrs.frozen
class _Category:
    """One of the Shopmonkey order's category sums, read as the sum of one service field over
    the services the order counts (notes/decisions-mapping.md, "The order balance")."""

    field: str
    """The order's member (wire name)."""
    service_field: str
    """The service member it sums."""
    bucket: str
    """The RO header bucket that carries it (``""``: the discount, spread over the buckets)."""
    of_order: Callable[[sm.Order], int]
    of_service: Callable[[sm.Service], int]


def _or_0(value: int | UnsetType) -> int:
    return value if isinstance(value, int) else 0


_CATEGORIES = (
    _Category(
        "laborCents",
        "calculatedLaborCents",
        "labor",
        lambda o: o.labor_cents,
        attrgetter("calculated_labor_cents"),
    ),
    _Category(
        "partsCents",
        "calculatedPartsCents",
        "parts",
        lambda o: o.parts_cents,
        attrgetter("calculated_parts_cents"),
    ),
    _Category(
        "tiresCents",
        "calculatedTiresCents",
        "parts",
        lambda o: o.tires_cents,
        attrgetter("calculated_tires_cents"),
    ),
    _Category(
        "subcontractsCents",
        "calculatedSubcontractsCents",
        "sublet",
        lambda o: o.subcontracts_cents,
        attrgetter("calculated_subcontracts_cents"),
    ),
    _Category(
        "feesCents",
        "calculatedFeeCents",
        "misc",
        lambda o: o.fees_cents,
        attrgetter("calculated_fee_cents"),
    ),
    _Category(
        "epaCents",
        "calculatedEpaCents",
        "misc",
        lambda o: o.epa_cents,
        attrgetter("calculated_epa_cents"),
    ),
    _Category(
        "shopSuppliesCents",
        "calculatedShopSuppliesCents",
        "misc",
        lambda o: o.shop_supplies_cents,
        attrgetter("calculated_shop_supplies_cents"),
    ),
    _Category(
        "discountCents",
        "calculatedDiscountCents",
        "",
        lambda o: o.discount_cents,
        attrgetter("calculated_discount_cents"),
    ),
    _Category(
        "taxCents",
        "calculatedTaxCents",
        "tax",
        lambda o: o.tax_cents,
        attrgetter("calculated_tax_cents"),
    ),
    _Category(
        "gstCents",
        "calculatedGSTCents",
        "tax",
        lambda o: o.gst_cents,
        lambda s: _or_0(s.calculated_gst_cents),
    ),
    _Category(
        "pstCents",
        "calculatedPSTCents",
        "tax",
        lambda o: o.pst_cents,
        lambda s: _or_0(s.calculated_pst_cents),
    ),
    _Category(
        "hstCents",
        "calculatedHSTCents",
        "tax",
        lambda o: o.hst_cents,
        lambda s: _or_0(s.calculated_hst_cents),
    ),
)

#: The RO header buckets the categories go to, as the total note names them.
_BUCKET_NAMES = (
    ("labor", "labor (laborSale)"),
    ("parts", "parts and tires (partsSale)"),
    ("misc", "fees, EPA and shop supplies (miscSale)"),
    ("sublet", "subcontracts (subletSale)"),
    ("tax", "tax (customerPayStateTax and the other payers' tax)"),
)


def _category_gaps(rec: _Rec, order: sm.Order, counted: list[sm.Service]) -> dict[str, int]:
    """Each order category sum minus the sum of its service field over the *counted*
    services, where they differ. ``discountCents`` may also read as including the order-level
    discount the jobs took (no source says which)."""
    gaps: dict[str, int] = {}
    for category in _CATEGORIES:
        of_service = category.of_service
        gap = category.of_order(order) - sum(map(of_service, counted))
        if category.field == "discountCents" and gap == rec.order_discount:
            gap = 0
        if gap:
            gaps[category.field] = gap
    return gaps


def _by_category(order: sm.Order, amounts: _Amounts) -> str:
    """The order's category sums against the RO's header buckets, for the total note."""
    differ = []
    for bucket, name in _BUCKET_NAMES:
        source = sum(c.of_order(order) for c in _CATEGORIES if c.bucket == bucket)
        if bucket == "tax":
            target = sum(amounts.taxes.values())
        else:
            target = sum(amounts.buckets[bucket].values())
        if source != target:
            differ.append(f"{name} {figure(_signed(source))} -> {figure(_signed(target))}")
    if not differ:
        return "; by category, every Shopmonkey order sum equals its RO header bucket"
    return (
        "; by category (Shopmonkey order sum -> RO header bucket; discounts, fees and booked "
        "residuals move money between buckets, each with its note): " + ", ".join(differ)
    )


def _counted(
    rec: _Rec, order: sm.Order, included: list[sm.Service], chosen: list[str]
) -> tuple[list[sm.Service], dict[str, int]]:
    """The services the order's sums count (the excluded ones too when the total's reading
    counts them; else the excluded ones whose total is 0, which the total cannot place, when
    only that reading makes the categories agree) and the category differences then."""
    counted = included + rec.excluded if "excluded services" in chosen else included
    gaps = _category_gaps(rec, order, counted)
    silent = [s for s in rec.excluded if not s.total_cents]
    if gaps and silent and counted is included:
        alternative = _category_gaps(rec, order, included + silent)
        if not alternative:
            return included + silent, alternative
    return counted, gaps


def _category_issues(rec: _Rec, gaps: dict[str, int], order: sm.Order, counted: int) -> None:
    """A category difference no note explains: refused (``mapping.order_category``) or, with
    ``orders.unexplained_total = "report"``, an ``unexplained`` note (cents None: it moves no
    money between the two totals; the total note carries any money)."""
    buckets = {c.field: c for c in _CATEGORIES}
    for field, gap in gaps.items():
        category = buckets[field]
        stated = category.of_order(order)
        said = (
            f"Shopmonkey's order {field} is {figure(stated)} cents, its {counted} counted "
            f"services' {category.service_field} add up to {figure(stated - gap)}: "
            f"{figure(f'{gap:+d}')} cents of the category no note explains (the RO carries "
            "the services' own figures)"
        )
        if rec.orders.unexplained_total == "refuse":
            rec.refuse(
                f"/order/{field}",
                "mapping.order_category",
                f"{said}; check the services list, or set orders.unexplained_total = 'report'",
                stated,
            )
        else:
            target = f"/order/header/{category.bucket}Sale" if category.bucket else None
            if category.bucket == "tax":
                target = "/order/header/customerPayStateTax"
            rec.note(_LAST, "unexplained", f"/order/{field}", target, None, said + ".")


def _sits_in(gaps: dict[str, int]) -> str:
    if not gaps:
        return "; every category sum agrees with the services"
    return "; the difference sits in " + ", ".join(
        f"{field} ({figure(f'{gap:+d}')})" for field, gap in gaps.items()
    )


def _total_note(rec: _Rec, order: sm.Order, amounts: _Amounts, diff: int) -> None:
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
        "/order/header/customerPayAmount",
        diff,
        f"Shopmonkey order total {_signed(order.total_cost_cents)} (totalCostCents), RO total "
        f"{_signed(amounts.total)} (customerPayAmount + internalPayAmount + warrantyPayAmount): "
        f"difference {figure(diff)} cents{why}{_by_category(order, amounts)}",
    )


def _balance(rec: _Rec, order: sm.Order, amounts: _Amounts, included: list[sm.Service]) -> None:
    """The order balance: Shopmonkey's ``totalCostCents`` against the RO's total, one ``total``
    note, and the difference no other note explains refused or reported (`unexplained`); then
    the same for each of the order's category sums against the services it counts.

    Items whose place in ``totalCostCents`` no source documents (excluded services, an
    invalid coupon, the card fee) are read the way that makes the ledger close, preferring
    the fewest such items counted; their notes say which reading was taken."""
    source = order.total_cost_cents
    target = amounts.total
    diff = source - target
    fixed = ledger_cents(rec.report)
    names = list(rec.uncertain)
    groups = list(rec.uncertain.values())
    group_cents = [sum(c for _, c, _ in items) for items in groups]
    chosen = _closing(diff - fixed, group_cents) or ()
    for i in chosen:
        for handle, cents, message in groups[i]:
            rec.amend(handle, cents, message)
    counted, gaps = _counted(rec, order, included, [names[i] for i in chosen])
    _category_issues(rec, gaps, order, len(counted))
    unexplained = diff - fixed - sum(group_cents[i] for i in chosen)
    where = "/order/header/customerPayAmount"
    if unexplained:
        said = (
            f"{figure(unexplained)} cents of the difference between Shopmonkey's totalCostCents "
            f"({_signed(source)}) and the RO's total ({_signed(target)}) are explained by no "
            "note (an order total above or below its services, a service missing from or "
            "added to the services list, or an undocumented Shopmonkey rule)" + _sits_in(gaps)
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
    _total_note(rec, order, amounts, diff)


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
    with localcontext(_EXACT), redaction(redaction_level()):  # the level read once
        body, rec = _build(order, services, config)
    return Mapped(_validated(mk.CreateOrderRequest(order=body)), rec.report)


def shopmonkey_to_mykaarma_update(
    order: object,
    services: Sequence[object] | sm.GetServicesResponse,
    config: MappingConfig | None = None,
) -> Mapped[mk.UpdateOrderRequest]:
    """The same mapping as `shopmonkey_to_mykaarma`, as the update-order body: use it when the
    RO already exists in myKaarma (same order number within ±30 days, `mk.same_order`)."""
    with localcontext(_EXACT), redaction(redaction_level()):  # the level read once
        body, rec = _build(order, services, config)
    return Mapped(_validated(mk.UpdateOrderRequest(order=body)), rec.report)

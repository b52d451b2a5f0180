"""Shopmonkey order + services -> myKaarma create (or update) order request.

Rules and reasons: notes/decisions-mapping.md ("Forward"). In short: one job per included
service (A..Z, AA, ...), Shopmonkey's own per-service categories as the job amounts, line rows
fitted to them exactly, every credit allocated by largest remainder or refused, header = the sum
of the jobs, money as int cents leaving through `money.cents_to_amount`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs

from .. import mykaarma as mk
from .. import shopmonkey as sm
from .._models import load
from ..money import cents_to_amount
from ..shopmonkey._totals import exact
from ._common import (
    HUNDREDTH,
    Recorder,
    allocate,
    blank,
    decimal_text,
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
from ._report import Mapped, NoteKind

__all__ = ["shopmonkey_to_mykaarma", "shopmonkey_to_mykaarma_update"]

_NUMBER_OK = re.compile(r"[a-zA-Z0-9\-#_ \t\n\x0b\f\r]*\Z")
_NUMBER_BAD = re.compile(r"[^a-zA-Z0-9\-#_ \t\n\x0b\f\r]")


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


def _sort_key(line: Any) -> tuple[Decimal, str]:
    return exact(line.ordinal), str(line.id)


_money = cents_to_amount  # an alias, not a wrapper: called several times per line


def _included(rec: Recorder, k: int, service: Any) -> bool:
    src = f"/services/{k}"
    reason = None
    if service.authorization_status != "Authorized":
        reason = f"authorizationStatus is {show(service.authorization_status)}"
    elif service.deferred_reason is not None:
        reason = f"it is deferred ({show(service.deferred_reason)})"
    elif service.hidden and rec.orders.hidden_services == "exclude":
        reason = "it is hidden (orders.hidden_services = exclude)"
    if reason is None:
        return True
    rec.note(
        k + 1,
        "excluded",
        src,
        None,
        service.total_cents,
        f"service {show(service.name)} produces no job: {reason}; its total is left out",
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
    if cfg.order_number_rewrite == "strip":
        stripped = _NUMBER_BAD.sub("", text)
        if stripped.strip():
            rec.note(
                0,
                "lossy",
                source,
                "/order/header/orderNumber",
                None,
                f"order number {show(text)} rewritten to {show(stripped)} to fit myKaarma's "
                "pattern (orders.order_number_rewrite = strip)",
            )
            return stripped
    rec.refuse(
        source,
        "mapping.order_number",
        f"order number {show(text)} is empty or does not match ^[a-zA-Z0-9-#_\\s]*$; "
        "set orders.order_number_rewrite = 'strip' or orders.order_number_source",
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
            f"the order has no status; read as {state} from its paid/invoiced flags",
        )
    choice = rec.orders.statuses.get(state)
    if choice is None or choice == "refuse":
        rec.refuse(
            "/order/status",
            "mapping.status",
            f"orders in state {show(state)} are not mapped (orders.statuses.{state} = "
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
            f"mileage {show(value)} rounded to {whole}",
        )
    if whole >= 0:
        header[key] = str(int(whole))


def _job(rec: Recorder, k: int, service: Any, i: int) -> _Job:
    cfg = rec.orders
    src = f"/services/{k}"
    check = sm.reconcile_service(service)
    tot = check.totals
    lines = tot.lines
    unreconciled = {key for key, diff in check.differences.items() if diff}
    if unreconciled and cfg.unreconciled_services == "refuse":
        for key in sorted(unreconciled):
            diff = check.differences[key]
            rec.refuse(
                f"{src}/{key}",
                "mapping.unreconciled",
                f"{key} differs from what the line items give by {diff} cents "
                "(orders.unreconciled_services = refuse)",
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
    )
    if cfg.unreconciled_services == "book" and unreconciled:
        _book(rec, job, service, src)
    return job


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
            diff,
            f"subcontract lines differ from calculatedSubcontractsCents by {diff} cents; "
            "booked on the job's last sublet row",
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
            residual,
            f"totalCents differs from its categories by {residual} cents; booked in the "
            "job's miscSale (orders.unreconciled_services = book)",
        )


def _rows(lines: Sequence[Any], cents: Sequence[int], src: str, kind: str) -> list[_Row]:
    indexed = sorted(range(len(lines)), key=lambda n: _sort_key(lines[n]))
    return [_Row(f"{src}/{kind}/{n}", cents[n], lines[n]) for n in indexed]


def _credits(rec: Recorder, jobs: list[_Job], order: Any) -> None:
    """Negative amounts, service discounts, order discounts and card fees, exactly placed."""
    cfg = rec.orders
    pool = 0
    pool_sources: list[str] = []
    for job in jobs:
        src = job.src
        credit = 0
        if job.tax < 0:
            rec.refuse(
                f"{src}/calculatedTaxCents",
                "mapping.negative",
                f"the service's tax is negative ({job.tax} cents); myKaarma has no place for it",
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
        for row in [*job.labor_rows, *job.part_rows]:
            if row.cents < 0:  # a credit line: absorbed by its bucket's other rows when fitted
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
                f"a negative discount ({discount} cents) is a surcharge with no category",
                discount,
            )
        elif discount:
            credit += discount
            rec.note(
                job.rank,
                "allocated",
                f"{src}/calculatedDiscountCents",
                job.tgt,
                -discount,
                f"service discount of {discount} cents taken off the job's labor, parts, misc "
                "and sublet in proportion (largest remainder)",
            )
        if credit:
            values, left = reduce_by(job.slots(), credit)
            job.set_slots(values)
            if left:
                if cfg.negative_amounts == "refuse":
                    rec.refuse(
                        f"{src}/totalCents",
                        "mapping.negative",
                        f"the service's credits exceed its amounts by {left} cents "
                        "(orders.negative_amounts = refuse)",
                        left,
                    )
                else:
                    pool += left
                    pool_sources.append(f"{src}/totalCents")
                    rec.note(
                        job.rank,
                        "allocated",
                        f"{src}/totalCents",
                        None,
                        -left,
                        f"{left} cents of this service's credits exceed it; taken off the "
                        "other jobs in proportion",
                    )
    discount_src = "/order/appliedDiscountCents"
    order_discount = order.applied_discount_cents if present(order.applied_discount_cents) else 0
    coupon = order.coupon_order_discount
    if not order_discount and present(coupon) and coupon is not None:
        amount = getattr(coupon, "applied_discount_cents", None)
        if isinstance(amount, int) and amount > 0:
            order_discount = amount
            discount_src = "/order/couponOrderDiscount/appliedDiscountCents"
    if order_discount:
        if cfg.order_discounts == "refuse" or order_discount < 0:
            rec.refuse(
                discount_src,
                "mapping.order_discount",
                f"order-level discount of {order_discount} cents; set "
                "orders.order_discounts = 'allocate' to spread it over the jobs",
                order_discount,
            )
        else:
            pool += order_discount
            rec.note(
                0,
                "allocated",
                discount_src,
                None,
                -order_discount,
                f"order-level discount of {order_discount} cents taken off every job's labor, "
                "parts, misc and sublet in proportion (largest remainder)",
            )
    if pool:
        flat = [v for job in jobs for v in job.slots()]
        values, left = reduce_by(flat, pool)
        if left:
            rec.refuse(
                discount_src if order_discount else pool_sources[0],
                "mapping.credit_exceeds_order",
                f"credits exceed every amount of the included services by {left} cents",
                left,
            )
        at = 0
        for job in jobs:
            size = len(job.slots())
            job.set_slots(values[at : at + size])
            at += size
    fee = order.transactional_fee_subtotal_cents
    if present(fee) and isinstance(fee, int) and fee:
        if cfg.transactional_fees == "refuse" or fee < 0 or not jobs:
            rec.refuse(
                "/order/transactionalFeeSubtotalCents",
                "mapping.transactional_fee",
                f"order-level card fee of {fee} cents; set orders.transactional_fees = 'misc' "
                "to add it to the jobs' misc",
                fee,
            )
        else:
            shares = allocate(fee, [sum(job.slots()) for job in jobs])
            for job, share in zip(jobs, shares, strict=True):
                job.misc += share
            rec.note(
                0,
                "allocated",
                "/order/transactionalFeeSubtotalCents",
                None,
                fee,
                f"card fee of {fee} cents added to the jobs' miscSale in proportion to them",
            )


def _negative(rec: Recorder, job: _Job, source: str, value: int, what: str) -> bool:
    if rec.orders.negative_amounts == "refuse":
        rec.refuse(
            source,
            "mapping.negative",
            f"negative {what} ({value} cents); set orders.negative_amounts = 'allocate' to "
            "take it off the other amounts",
            value,
        )
        return False
    rec.note(
        job.rank,
        "allocated",
        source,
        None,
        value,
        f"negative {what} ({value} cents) taken off the other amounts in proportion",
    )
    return True


def _fitted(
    rec: Recorder, job: _Job, rows: list[_Row], target: int, what: str, where: str, into: str
) -> list[int]:
    """The rows' amounts made to add up to *target* exactly (notes say how); an extra row is
    appended (value last) when there are no rows but an amount."""
    original = [r.cents for r in rows]
    if not rows:
        if target:
            rec.note(
                job.rank,
                "residual",
                f"{job.src}/{where}",
                f"{job.tgt}/{into}",
                target,
                f"{target} cents of {what} with no {what} line; sent as one extra row",
            )
            return [target]
        return []
    values = fit(original, target)
    if values != original:
        change = target - sum(original)
        kind: NoteKind = "residual" if job.unreconciled else "allocated"
        how = f"adjusted by {change} cents in total" if change else "redistributed"
        rec.note(
            job.rank,
            kind,
            f"{job.src}/{where}",
            f"{job.tgt}/{into}",
            change,
            f"the {what} rows were {how} so that they equal the job's {what} amount exactly "
            "(largest remainder)",
        )
    return values


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
        "laborType": "C",
    }
    if not blank(service.name):
        out["laborOpCodeDesc"] = service.name
    # labor and tech hours
    labor_values = _fitted(
        rec, job, job.labor_rows, job.labor, "labor", "calculatedLaborCents", "techHours"
    )
    tech_rows: list[dict[str, Any]] = []
    total_hours = Decimal(0)
    first_tech: str | None = None
    labor_count = len(job.labor_rows)
    for m, (row, cents) in enumerate(zip(job.labor_rows, labor_values[:labor_count], strict=True)):
        line = row.line
        hours = exact(line.hours, f"{row.source}/hours")
        if cfg.sold_hours == "billed" and line.multiplier_type == "Hours":
            hours *= exact(line.multiplier, f"{row.source}/multiplier")
        rounded = hours.quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
        text = str(rounded)  # hours_text(hours), keeping the Decimal for the sums
        if rounded != hours:
            rec.note(
                job.rank,
                "rounded",
                f"{row.source}/hours",
                f"{tgt}/techHours/{m}/soldHours",
                None,
                f"hours {decimal_text(hours)} rounded half up to {text}",
            )
        total_hours += rounded
        tech: dict[str, Any] = {"soldHours": text, "laborSale": _money(cents), "laborType": "C"}
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
        tech_rows.append({"soldHours": "0.00", "laborSale": _money(extra), "laborType": "C"})
    out["laborSale"] = _money(job.labor)
    out["soldHours"] = hours_text(total_hours)
    out["partsSale"] = _money(job.parts)
    out["miscSale"] = _money(job.misc)
    if first_tech:
        out["techNo"] = first_tech
    # parts and tires
    part_values = _fitted(
        rec, job, job.part_rows, job.parts, "parts", "calculatedPartsCents", "parts"
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
            "saleTotal": _money(cents),
            "laborType": "C",
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
                        "dropped",
                        f"{row.source}/{key}",
                        None,
                        value,
                        f"tire {key} {value} is not carried (its unit is undocumented)",
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
                "laborType": "C",
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


def _tire_name(line: Any) -> str:
    parts = [
        getattr(line.brand, "name", None) if present(line.brand) else None,
        line.model,
        line.size,
    ]
    named = " ".join(str(p) for p in parts if isinstance(p, str) and p.strip())
    return named or str(line.name)


def _partial_cost(rec: Recorder, values: list[int | None], field: str, header: str) -> None:
    known = [v for v in values if v is not None and v >= 0]
    if known and len(known) < len(values):
        rec.note(
            0,
            "dropped",
            "/services",
            None,
            sum(known),
            f"header {header} left out: only {len(known)} of {len(values)} lines have a "
            f"{field} (a partial sum would mislead)",
        )


def _cost(values: list[int | None]) -> int | None:
    if not values or any(v is None or v < 0 for v in values):
        return None
    return sum(v for v in values if v is not None)


def _build(
    order: object, services: Sequence[object] | sm.GetServicesResponse, config: MappingConfig | None
) -> tuple[dict[str, Any], Recorder]:
    rec = Recorder(config)
    order = load_at(sm.Order, order, "/order")
    if isinstance(services, sm.GetServicesResponse):
        services = services.data
    loaded = [load_at(sm.Service, s, f"/services/{k}") for k, s in enumerate(services)]
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
                "laborType": "C",
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
    labor = sum(job.labor for job in jobs)
    parts = sum(job.parts for job in jobs)
    misc = sum(job.misc for job in jobs)
    sublet = sum(r.cents for job in jobs for r in job.sublets)
    tax = sum(job.tax for job in jobs)
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
            canadian,
            f"GST/PST/HST of {canadian} cents sent in customerPayStateTax, the only tax slot",
        )
    zero = _money(0)
    hours = sum((Decimal(j["soldHours"]) for j in written), Decimal(0))
    header["soldHours"] = hours_text(hours)
    for name, cents in (
        ("labor", labor),
        ("parts", parts),
        ("misc", misc),
        ("sublet", sublet),
        ("lube", 0),
    ):
        header[f"{name}Sale"] = _money(cents)
        header[f"{name}SaleCustomer"] = _money(cents)
        header[f"{name}SaleInternal"] = zero
        header[f"{name}SaleWarranty"] = zero
    labor_costs = [r.line.cost_total_cents for job in jobs for r in job.labor_rows]
    labor_cost = _cost(labor_costs)
    if labor_cost is not None:
        header["laborCost"] = _money(labor_cost)
    _partial_cost(rec, labor_costs, "costTotalCents", "laborCost")
    part_costs: list[int | None] = []
    for job in jobs:
        for row in job.part_rows:
            cost = row.line.wholesale_cost_cents
            if cost is None:
                part_costs.append(None)
            else:
                quantity = exact(row.line.quantity)
                part_costs.append(int((quantity * cost).quantize(Decimal(1), ROUND_HALF_UP)))
    parts_cost = _cost(part_costs)
    _partial_cost(rec, part_costs, "wholesaleCostCents", "partsCost")
    if parts_cost is not None:
        header["partsCost"] = _money(parts_cost)
        header["partsCostCustomer"] = _money(parts_cost)
        header["partsCostInternal"] = zero
        header["partsCostWarranty"] = zero
    header["customerPayStateTax"] = _money(tax)
    header["customerPayAmount"] = _money(labor + parts + misc + sublet + tax)
    header["internalPayAmount"] = zero
    header["warrantyPayAmount"] = zero
    rec.raise_if_refused()
    return {"order": body}, rec


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
    body, rec = _build(order, services, config)
    return Mapped(load(mk.CreateOrderRequest, body), rec.report)


def shopmonkey_to_mykaarma_update(
    order: object,
    services: Sequence[object] | sm.GetServicesResponse,
    config: MappingConfig | None = None,
) -> Mapped[mk.UpdateOrderRequest]:
    """The same mapping as `shopmonkey_to_mykaarma`, as the update-order body: use it when the
    RO already exists in myKaarma (same order number within ±30 days, `mk.same_order`)."""
    body, rec = _build(order, services, config)
    return Mapped(load(mk.UpdateOrderRequest, body), rec.report)

"""myKaarma order -> the body of Shopmonkey's ``POST /v3/order/:orderId/service``.

Rules and reasons: notes/decisions-mapping.md ("Reverse"). One custom service per
customer-pay job, in (``jobNumberString``, ``lopSeqNumber``) order, whose line items price back
(under the ``sm.service_totals`` reading) to the job's labor + parts + misc plus its linked mls
rows, exactly; what the lines do not explain becomes a reported residual line. The order's
"total" note closes the ledger against the RO's customer-pay amount before tax.

Every inbound amount, hours and quantity is a free string: each is checked against the bounds
below (plain decimal text, digits before and after the point) before any arithmetic, so a value
such as ``soldHours "1e999999"`` is a `MappingError` (``mapping.range``) at its pointer, never
a long computation or a stray exception.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import TypeVar

import attrs

from .. import mykaarma as mk
from .. import shopmonkey as sm
from .._errors import DealerbridgeUsageError, Issue
from .._models import UnsetType, dump
from .._validation import validate
from ..money import amount_to_cents, cents_to_amount
from ._common import Recorder, allocate, decimal_text, figure, load_at, show
from ._config import MappingConfig
from ._report import Mapped, MappingError, ledger_cents

__all__ = ["KEY_PREFIX", "mykaarma_to_shopmonkey", "service_key"]

SCHEMA = "shopmonkey/create-services-request"
T = TypeVar("T")

#: The last line of every service note the reverse writes: the service's stable key, which
#: `mykaarma_to_shopmonkey_plan` matches existing services on.
KEY_PREFIX = "dealerbridge-key: "

#: Bounds of the inbound numbers (the text is a plain decimal: sign, digits, point, digits).
MAX_NUMBER_TEXT = 40
AMOUNT_DIGITS = 15
"""Digits before the point of an amount (below 10^15 units: cents fit in 64 bits)."""
QUANTITY_DIGITS = 9
"""Digits before the point of hours and quantities."""
FRACTION_DIGITS = 6
"""Digits after the point of hours, quantities and unit prices."""

_PLAIN = re.compile(r"([+-]?)([0-9]+)(?:\.([0-9]+))?\Z")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")
_ONE = Decimal(1)

#: mlsType spellings (upper-cased) -> what the row becomes. FORT's fee types are L=Lube,
#: M=Miscellaneous, S=Sublet; the words are the documented names of the letters.
_MLS_KINDS = {
    "S": "subcontract",
    "SUBLET": "subcontract",
    "L": "part",
    "LUBE": "part",
    "M": "fee",
    "MISC": "fee",
    "MISCELLANEOUS": "fee",
}


def service_key(order_number: str, part: str) -> str:
    """The stable key of one created service: ``mykaarma/<orderNumber>/<part>`` where *part*
    is ``job/<jobNumberString>/<lopSeqNumber>`` or ``mls`` (the unlinked mls rows)."""
    return f"mykaarma/{order_number}/{part}"


# ------------------------------------------------------------------------------ the input


def order_of(value: object) -> mk.Order:
    """The order inside an ``mk.OrderEvent``, ``mk.ReadOrderResponse`` or ``mk.Order`` (a
    model or its JSON value)."""
    if isinstance(value, dict):  # an envelope's JSON: load it first
        if "payload" in value:
            value = load_at(mk.OrderEvent, value, "")
        elif "header" not in value and ("order" in value or "statusCode" in value):
            value = load_at(mk.ReadOrderResponse, value, "")
    if isinstance(value, mk.OrderEvent):
        return value.payload.order
    if isinstance(value, mk.ReadOrderResponse):
        if not isinstance(value.order, mk.ReadOrderEnvelope):
            raise MappingError(
                [Issue("/order", "mapping.no_order", "the read response carries no order")]
            )
        return value.order.order
    return load_at(mk.Order, value, "")


def _text(value: object) -> str | None:
    if isinstance(value, str):
        text = value.strip()
        if text:
            return text
    return None


def _decimal(rec: Recorder, value: object, where: str, digits: int, what: str) -> Decimal | None:
    """A bounded plain decimal (None when absent or blank); refusals at *where*."""
    text = _text(value)
    if text is None:
        return None
    match = _PLAIN.match(text) if len(text) <= MAX_NUMBER_TEXT else None
    if match is not None:
        whole, fraction = match.group(2).lstrip("0"), match.group(3) or ""
        if len(whole) <= digits and len(fraction) <= FRACTION_DIGITS:
            return Decimal(text)
    elif len(text) <= MAX_NUMBER_TEXT and _NUMBER.match(text) is None:
        rec.refuse(where, "mapping.amount", f"{show(value)} is not {what}", value)
        return None
    rec.refuse(
        where,
        "mapping.range",
        f"{show(value)} is outside the bounds the mapping reads for {what}: a plain decimal "
        f"with at most {digits} digits before the point and {FRACTION_DIGITS} after",
        value,
    )
    return None


def _cents(rec: Recorder, value: object, where: str) -> int:
    """A signed myKaarma amount in cents (0 when absent or blank)."""
    text = _text(value)
    match = _PLAIN.match(text) if text is not None and len(text) <= MAX_NUMBER_TEXT else None
    if match is not None:
        sign, whole, fraction = match.group(1), match.group(2), match.group(3) or ""
        if len(fraction) <= 2 and len(whole.lstrip("0")) <= AMOUNT_DIGITS:
            # at most two decimals (the usual amount): money's exact reading of the unsigned
            # digits, the cents the Decimal below would give
            read = amount_to_cents(match.group(0)[len(sign) :])
            return -read if sign == "-" else read
    number = _decimal(rec, value, where, AMOUNT_DIGITS, "an amount")
    if number is None:
        return 0
    cents = number * 100
    if cents != cents.to_integral_value():
        rec.refuse(where, "mapping.amount", f"{show(value)} is not an exact amount", value)
        return 0
    return int(cents)


def _amount(cents: int) -> str:
    """An amount for a message (hidden under redaction level ``"all"``)."""
    return figure(("-" if cents < 0 else "") + cents_to_amount(abs(cents)))


def _half_up(value: Decimal) -> int:
    return int(value.quantize(_ONE, rounding=ROUND_HALF_UP))


def _exact_float(value: Decimal) -> float:
    """A bounded decimal as the JSON number that reads back (``repr``) as the same value."""
    return float(decimal_text(value))


def _number(value: Decimal) -> float | int:
    return int(value) if value == value.to_integral_value() else _exact_float(value)


def _price_for(quantity: Decimal, total: int) -> tuple[int, int]:
    """``(unit, discount)`` so that half-up(quantity x unit) - discount == total, discount >= 0
    and as small as a whole unit price allows (quantity != 0)."""
    exact = Decimal(total) / quantity
    unit = int(exact.to_integral_value(rounding=ROUND_CEILING if quantity > 0 else ROUND_FLOOR))
    return unit, _half_up(quantity * unit) - total


def _each(items: Sequence[T] | UnsetType | None) -> Sequence[T]:
    return items if isinstance(items, list | tuple) else ()


def _int(value: object) -> int:
    return value if isinstance(value, int) else 0


def _dec(value: object, default: Decimal = Decimal(0)) -> Decimal:
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value) if isinstance(value, int) else default


def _payer(value: object) -> str:
    return value if value in ("W", "I") else "C"


# ------------------------------------------------------------------------------ rows


@attrs.frozen
class _Row:
    """One job or mls row of the RO: its pointer, cents, payer and what became of it."""

    source: str
    cents: int
    payer: str
    mapped: bool


@attrs.define
class _Build:
    """The state of one reverse mapping."""

    rec: Recorder
    order: mk.Order
    technicians: dict[str, str]
    services: list[sm.CreateCustomService] = attrs.field(factory=list)
    rows: list[_Row] = attrs.field(factory=list)
    keys: dict[str, int] = attrs.field(factory=dict)
    loose: list[tuple[int, mk.OrderMls]] = attrs.field(factory=list)
    """mls rows for the unlinked service: no job of their lineCode, or a skipped job."""

    def key(self, part: str) -> str:
        key = service_key(self.order.header.order_number, part)
        seen = self.keys.get(key, 0)
        self.keys[key] = seen + 1
        return key if not seen else f"{key}#{seen + 1}"


def _skip_or_label(
    b: _Build, payer: str, source: str, cents: int, kind: str, name: object
) -> str | None:
    """None when a W/I row is skipped (an ``excluded`` note), else the name prefix."""
    if payer == "C":
        return ""
    what = f"{kind} {show(name)}"
    key = "warranty_jobs" if payer == "W" else "internal_jobs"
    choice = b.rec.orders.warranty_jobs if payer == "W" else b.rec.orders.internal_jobs
    if choice == "skip":
        b.rec.note(
            b.rec.current,
            "excluded",
            source,
            None,
            None,
            f"{what} is paid by {payer} ({_amount(cents)}): not customer pay, skipped "
            f"(orders.{key} = skip)",
        )
        b.rows.append(_Row(source, cents, payer, False))
        return None
    b.rec.note(
        b.rec.current,
        "lossy",
        f"{source}/laborType",
        None,
        -cents,
        f"{what} is paid by {payer} ({_amount(cents)}) and sent (orders.{key} = include): "
        f"the customer-pay total does not carry it, and Shopmonkey has no payer field, so the "
        f"service name carries [{payer}]",
    )
    b.rows.append(_Row(source, cents, payer, True))
    return f"[{payer}] "


# ------------------------------------------------------------------------------ labor


def _labor(
    b: _Build, name: str, hours: Decimal | None, cents: int, tech: str | None, where: str
) -> sm.CreateLabor | None:
    """One labor line worth exactly *cents* under hours x rate - discount (half up)."""
    if not cents and not hours:
        return None
    line = sm.CreateLabor(
        name=name, multiplier=1, multiplier_type="Hours", taxable=b.rec.orders.taxable
    )
    if tech is not None:
        line.technician_id = tech
    if hours:
        unit, discount = _price_for(hours, cents)
        line.hours, line.rate_cents, line.discount_cents = _number(hours), unit, discount
        if discount:
            b.rec.note(
                b.rec.current,
                "rounded",
                where,
                None,
                None,
                f"{_amount(cents)} over {figure(decimal_text(hours))} hours is not a whole rate in "
                f"cents: sent as {figure(decimal_text(hours))} hours at {_amount(unit)} less a "
                f"discount of {_amount(discount)}, which is {_amount(cents)} exactly",
            )
        return line
    line.hours, line.rate_cents, line.discount_cents = 1, cents, 0
    line.show_hours = False
    line.note = "Flat rate: no sold hours"
    b.rec.note(
        b.rec.current,
        "lossy",
        where,
        None,
        None,
        f"labor of {_amount(cents)} with no sold hours (a flat rate): sent as 1 hour at the "
        "amount with showHours false, so the invoice shows no hours",
    )
    return line


def _tech_id(b: _Build, tech_no: str, where: str) -> str | None:
    if tech_no in b.technicians:
        return b.technicians[tech_no]
    b.rec.note(
        b.rec.current,
        "dropped",
        where,
        None,
        None,
        f"technician {show(tech_no)} is not in orders.technicians: the labor line has no "
        "technician",
    )
    return None


def _labors(b: _Build, job: mk.OrderJob, src: str, name: str, cents: int) -> list[sm.CreateLabor]:
    """The labor lines of a job: one per techHours row when it has several, else one."""
    rec = b.rec
    hours = _decimal(rec, job.sold_hours, f"{src}/soldHours", QUANTITY_DIGITS, "hours")
    rows = [r for r in _each(job.tech_hours) if r is not None]
    if len(rows) >= 2:
        return _split_labors(b, rows, src, name, cents, hours)
    listed = (_text(rows[0].tech_no) if rows else None) or _text(job.tech_nos) or ""
    techs = [t.strip() for t in listed.replace("/", ",").split(",") if t.strip()]
    tech = _tech_id(b, techs[0], f"{src}/techNos") if techs else None
    if len(techs) > 1:
        rec.note(
            rec.current,
            "dropped",
            f"{src}/techNos",
            None,
            None,
            f"techNos names {len(techs)} technicians and the job has no techHours split: "
            f"the labor line carries the first, {show(techs[0])}",
        )
    line = _labor(b, name, hours, cents, tech, f"{src}/soldHours")
    return [line] if line is not None else []


def _split_labors(
    b: _Build,
    rows: Sequence[mk.OrderTechHours],
    src: str,
    name: str,
    cents: int,
    job_hours: Decimal | None,
) -> list[sm.CreateLabor]:
    rec = b.rec
    hours: list[Decimal] = []
    sales: list[int | None] = []
    for k, row in enumerate(rows):
        where = f"{src}/techHours/{k}"
        hours.append(
            _decimal(rec, row.sold_hours, f"{where}/soldHours", QUANTITY_DIGITS, "hours")
            or Decimal(0)
        )
        sale = _text(row.labor_sale)
        sales.append(_cents(rec, sale, f"{where}/laborSale") if sale is not None else None)
    shares: list[int]
    if all(s is not None for s in sales) and sum(s or 0 for s in sales) == cents:
        shares = [s or 0 for s in sales]
    else:
        weights = [max(int(h.scaleb(FRACTION_DIGITS)), 0) for h in hours]
        split = allocate(abs(cents), weights)
        shares = [s if cents >= 0 else -s for s in split]
        rec.note(
            rec.current,
            "allocated",
            f"{src}/techHours",
            None,
            None,
            f"the techHours rows' laborSale do not add up to the job's {_amount(cents)}: "
            "the job's labor is split over the rows by their hours (largest remainder)",
        )
    total_hours = sum(hours, Decimal(0))
    if job_hours is not None and total_hours != job_hours:
        rec.note(
            rec.current,
            "lossy",
            f"{src}/soldHours",
            None,
            None,
            f"the techHours rows add up to {figure(decimal_text(total_hours))} hours, the job sold "
            f"{figure(decimal_text(job_hours))}: the labor lines carry the technicians' hours",
        )
    lines = []
    for k, row in enumerate(rows):
        where = f"{src}/techHours/{k}"
        tech_no = _text(row.tech_no)
        tech = _tech_id(b, tech_no, f"{where}/techNo") if tech_no is not None else None
        line = _labor(b, name, hours[k], shares[k], tech, f"{where}/soldHours")
        if line is not None:
            lines.append(line)
    return lines


# ------------------------------------------------------------------------------ parts


def _part(
    b: _Build,
    where: str,
    name: str,
    number: str | None,
    quantity_value: object,
    price_value: object,
    total_value: object,
    cost_value: object,
) -> tuple[sm.CreatePart, int]:
    """A part from a myKaarma part, gog item or lube mls row, and its cents."""
    rec = b.rec
    quantity = _decimal(rec, quantity_value, f"{where}/quantitySold", QUANTITY_DIGITS, "a quantity")
    unit = _decimal(rec, price_value, f"{where}/salePrice", AMOUNT_DIGITS, "a price")
    price = unit * 100 if unit is not None else None
    if price is not None and price != price.to_integral_value():
        price = None  # e.g. a unit price of "6.475": the total still carries the money
    if _text(total_value) is not None:
        total = _cents(rec, total_value, f"{where}/saleTotal")
    elif quantity is not None and price is not None:
        total = _half_up(quantity * price)
    else:
        rec.refuse(
            f"{where}/saleTotal", "mapping.amount", "no saleTotal, and no quantity and price"
        )
        total = 0
    part = sm.CreatePart(name=name, taxable=rec.orders.taxable)
    if number is not None:
        part.part_number = number
    if quantity and price is not None and _half_up(quantity * price) == total:
        part.quantity, part.retail_cost_cents, part.discount_cents = (
            _number(quantity),
            int(price),
            0,
        )
    elif quantity:
        retail, discount = _price_for(quantity, total)
        part.quantity, part.retail_cost_cents, part.discount_cents = (
            _number(quantity),
            retail,
            discount,
        )
        rec.note(
            rec.current,
            "rounded",
            where,
            None,
            None,
            f"quantity {show(quantity_value)} x salePrice {show(price_value)} is not the "
            f"saleTotal {_amount(total)} (half up): sent as {figure(decimal_text(quantity))} at "
            f"{_amount(retail)} less a discount of {_amount(discount)}",
        )
    else:
        part.quantity, part.retail_cost_cents, part.discount_cents = 1, total, 0
        rec.note(
            rec.current,
            "lossy",
            where,
            None,
            None,
            f"no usable quantity ({show(quantity_value)}): sent as one unit at the saleTotal "
            f"{_amount(total)}",
        )
    if _text(cost_value) is not None:
        part.wholesale_cost_cents = _cents(rec, cost_value, f"{where}/cost")
    return part, total


def _parts(b: _Build, job: mk.OrderJob, src: str, at: int, parts_sale: int) -> list[sm.CreatePart]:
    parts: list[sm.CreatePart] = []
    explained = 0
    for k, item in enumerate(_each(job.parts)):
        name = _text(item.description) or item.part_number
        quantity = item.quantity_sold if _text(item.quantity_sold) else item.quantity_ordered
        part, cents = _part(
            b,
            f"{src}/parts/{k}",
            name,
            _text(item.part_number),
            quantity,
            item.sale_price,
            item.sale_total,
            item.cost,
        )
        parts.append(part)
        explained += cents
    for k, gog in enumerate(_each(job.gog)):
        name = _text(gog.item_description) or "GOG"
        part, cents = _part(
            b, f"{src}/gog/{k}", name, None, gog.quantity, gog.sale_price, gog.sale_total, None
        )
        parts.append(part)
        explained += cents
    residual = parts_sale - explained
    cfg = b.rec.orders
    if residual > 0:
        parts.append(
            sm.CreatePart(
                name=cfg.residual_part_name,
                quantity=1,
                retail_cost_cents=residual,
                discount_cents=0,
                taxable=cfg.taxable,
            )
        )
        b.rec.note(
            b.rec.current,
            "residual",
            f"{src}/partsSale",
            f"/{at}/parts/{len(parts) - 1}",
            None,
            f"partsSale is {_amount(residual)} more than its part lines; sent as one part "
            f"named {show(cfg.residual_part_name)}",
        )
    elif residual < 0:
        b.rec.refuse(
            f"{src}/partsSale",
            "mapping.amount",
            f"the part lines add up to {_amount(-residual)} more than partsSale",
        )
    return parts


# ------------------------------------------------------------------------------ mls


def _mls_into(
    b: _Build, m: int, row: mk.OrderMls, service: sm.CreateCustomService, label: str
) -> None:
    """Add mls row *m* (customer pay, or included with its payer *label*) to *service*."""
    rec = b.rec
    where = f"/mls/{m}"
    price = _cents(rec, row.sale_price, f"{where}/salePrice")
    name = label + (_text(row.op_code_desc) or _text(row.op_code) or "MLS")
    spelled = _text(row.mls_type)
    kind = _MLS_KINDS.get(spelled.upper()) if spelled is not None else None
    if kind == "subcontract":
        sub = sm.CreateSubcontract(
            name=name, retail_cost_cents=price, discount_cents=0, taxable=rec.orders.taxable
        )
        if _text(row.cost_price) is not None:
            sub.cost_cents = _cents(rec, row.cost_price, f"{where}/costPrice")
        vendor = _text(row.source_company)
        if vendor is not None:
            sub.note = f"Vendor: {vendor}"
        service.subcontracts = [*_each(service.subcontracts), sub]
    elif kind == "part":
        part, _ = _part(b, where, name, None, "1", row.sale_price, row.sale_price, row.cost_price)
        service.parts = [*_each(service.parts), part]
    else:
        fee = sm.CreateFee(name=name, fee_type="FixedCents", amount_cents=price)
        service.fees = [*_each(service.fees), fee]
        if kind is None:
            rec.note(
                rec.current,
                "lossy",
                f"{where}/mlsType",
                None,
                None,
                f"mls row {show(name)} has mlsType {show(row.mls_type)}, not one of S/SUBLET, "
                "L/LUBE, M/MISC: sent as a fixed fee (not guessed from its op code)",
            )


# ------------------------------------------------------------------------------ services


def _job_order(jobs: Sequence[mk.OrderJob]) -> list[int]:
    def key(n: int) -> tuple[str, int, str]:
        seq = _text(jobs[n].lop_seq_number) or ""
        number = int(seq) if seq.isascii() and seq.isdigit() and len(seq) <= 18 else 0
        return (jobs[n].job_number_string.rjust(8), number, seq)

    return sorted(range(len(jobs)), key=key)


def _note_of(job: mk.OrderJob, key: str) -> str:
    identity = f"Op {job.labor_op_code} ({_text(job.job_identifier) or job.job_number_string}"
    if _text(job.dms_labor_type) is not None:
        identity += f", {job.dms_labor_type}"
    lines = [identity + ")"]
    ccc = job.ccc
    if isinstance(ccc, mk.OrderComplaintCauseCorrection):
        for title, text in (
            ("Complaint", ccc.complaint),
            ("Cause", ccc.cause),
            ("Correction", ccc.correction),
        ):
            if _text(text) is not None:
                lines.append(f"{title}: {text}")
    for comment in _each(job.comments):
        if _text(comment.comment) is not None:
            lines.append(str(comment.comment))
    lines.append(KEY_PREFIX + key)
    return "\n".join(lines)


def _new_service(b: _Build, name: str, note: str, recommended: bool) -> sm.CreateCustomService:
    return sm.CreateCustomService(
        name=name,
        note=note,
        authorization_status="Authorized",
        recommended=recommended,
        pricing="LineItem",
        lump_sum=False,
        hide_line_item_pricing=False,
        ordinal=len(b.services) + 1,
    )


def _job_service(
    b: _Build, n: int, job: mk.OrderJob, linked: Sequence[tuple[int, mk.OrderMls]]
) -> None:
    """The service of job *n* (with its linked mls rows), or an excluded note."""
    rec = b.rec
    src = f"/jobs/{n}"
    labor = _cents(rec, job.labor_sale, f"{src}/laborSale")
    parts_sale = _cents(rec, job.parts_sale, f"{src}/partsSale")
    misc = _cents(rec, job.misc_sale, f"{src}/miscSale")
    cents = labor + parts_sale + misc
    label = _skip_or_label(b, _payer(job.labor_type), src, cents, "job", job.job_identifier)
    if label is None:
        _orphans(b, linked, job)
        return
    if label == "":
        b.rows.append(_Row(src, cents, "C", True))
    _job_total(b, job, src, cents)
    at = len(b.services)
    ccc = job.ccc if isinstance(job.ccc, mk.OrderComplaintCauseCorrection) else None
    name = (
        _text(job.labor_op_code_desc)
        or (_text(ccc.complaint) if ccc is not None else None)
        or job.labor_op_code
    )
    seq = _text(job.lop_seq_number) or ""
    key = b.key(f"job/{job.job_number_string}/{seq}")
    service = _new_service(b, label + name, _note_of(job, key), job.add_on_line == "Y")
    rec.note(
        rec.current,
        "lossy",
        f"{src}/laborOpCode",
        f"/{at}/note",
        None,
        "the DMS op code and job identity are kept only in the service note "
        "(the POST body has no metadata)",
    )
    labors = _labors(b, job, src, name, labor)
    if labors:
        service.labors = labors
    parts = _parts(b, job, src, at, parts_sale)
    if parts:
        service.parts = parts
    if misc:
        service.fees = [sm.CreateFee(name="Misc", fee_type="FixedCents", amount_cents=misc)]
    b.services.append(service)
    for m, row in linked:
        rec.current = len(_each(b.order.jobs)) + 1 + m
        row_label = _mls_row(b, m, row)
        if row_label is not None:
            _mls_into(b, m, row, service, row_label)


def _job_total(b: _Build, job: mk.OrderJob, src: str, cents: int) -> None:
    """A stated ``jobTotal`` other than laborSale + partsSale + miscSale is a difference no
    row explains: refused, or reported with ``orders.unexplained_total = "report"``."""
    if _text(job.job_total) is None:
        return
    stated = _cents(b.rec, job.job_total, f"{src}/jobTotal")
    if stated == cents or b.rec.issues:
        return
    what = f"jobTotal {_amount(stated)} is not laborSale + partsSale + miscSale = {_amount(cents)}"
    if b.rec.orders.unexplained_total != "report":
        b.rec.refuse(
            f"{src}/jobTotal",
            "mapping.order_total",
            f"{what}: {_amount(stated - cents)} no line explains "
            "(orders.unexplained_total = refuse)",
        )
        return
    b.rec.note(
        b.rec.current,
        "lossy",
        f"{src}/jobTotal",
        None,
        None,
        f"{what}: the service carries the parts ({_amount(cents)}); the RO's totals, not "
        "jobTotal, are balanced in the total note",
    )


def _mls_row(b: _Build, m: int, row: mk.OrderMls) -> str | None:
    """The name prefix if mls row *m* becomes a line (its payer and amount decide), else
    None (and a note)."""
    where = f"/mls/{m}"
    cents = _cents(b.rec, row.sale_price, f"{where}/salePrice")
    name = _text(row.op_code_desc) or _text(row.op_code)
    label = _skip_or_label(b, _payer(row.labor_type), where, cents, "mls row", name)
    if label is None:
        return None
    if cents == 0:
        b.rec.note(
            b.rec.current, "excluded", where, None, None, f"mls row {show(name)} is 0.00: no line"
        )
        b.rows.append(_Row(where, 0, _payer(row.labor_type), False))
        return None
    if label == "":
        b.rows.append(_Row(where, cents, "C", True))
    return label


_Orphans = list[tuple[int, mk.OrderMls]]


def _orphans(b: _Build, linked: Sequence[tuple[int, mk.OrderMls]], job: mk.OrderJob) -> None:
    """Rows linked to a skipped job go with the unlinked rows (their own payer decides)."""
    for m, row in linked:
        b.rec.current = len(_each(b.order.jobs)) + 1 + m
        b.rec.note(
            b.rec.current,
            "lossy",
            f"/mls/{m}/lineCode",
            None,
            None,
            f"mls row linked to job {show(job.job_number_string)}, which was skipped: its "
            "own payer decides, and a line goes with the rows not linked to a job",
        )
        b.loose.append((m, row))


def _loose_service(b: _Build) -> None:
    rows = sorted(b.loose, key=lambda x: x[0])
    cfg = b.rec.orders
    service = _new_service(
        b,
        cfg.unlinked_mls_service_name,
        "mls rows of the RO not linked to a job\n" + KEY_PREFIX + b.key("mls"),
        False,
    )
    for m, row in rows:
        b.rec.current = len(_each(b.order.jobs)) + 1 + m
        row_label = _mls_row(b, m, row)
        if row_label is not None:
            _mls_into(b, m, row, service, row_label)
    if service.fees or service.parts or service.subcontracts:
        b.services.append(service)


# ------------------------------------------------------------------------------ the balance


def priced(service: sm.CreateCustomService) -> int:
    """A created service's pre-tax amount under the ``sm.service_totals`` reading (hours x
    rate x multiplier and quantity x price rounded half up per line, less line discounts)."""
    total = 0
    for labor in _each(service.labors):
        gross = _dec(labor.hours) * _int(labor.rate_cents) * _dec(labor.multiplier, _ONE)
        total += _half_up(gross) - _int(labor.discount_cents)
    for part in _each(service.parts):
        total += _half_up(_dec(part.quantity) * _int(part.retail_cost_cents))
        total -= _int(part.discount_cents)
    for sub in _each(service.subcontracts):
        total += _int(sub.retail_cost_cents) - _int(sub.discount_cents)
    total += sum(_int(fee.amount_cents) for fee in _each(service.fees))
    return total


def _row_sums(b: _Build) -> dict[tuple[str, str, str], int]:
    """(bucket, payer, "jobs" or "mls") -> cents: what the RO's rows put in each header sale
    bucket (labor, parts, misc from the jobs; sublet, lube, misc from the mls rows by type)."""
    sums: dict[tuple[str, str, str], int] = {}

    def add(bucket: str, payer: str, origin: str, cents: int) -> None:
        sums[bucket, payer, origin] = sums.get((bucket, payer, origin), 0) + cents

    for n, job in enumerate(_each(b.order.jobs)):
        payer = _payer(job.labor_type)
        add("labor", payer, "jobs", _cents(b.rec, job.labor_sale, f"/jobs/{n}/laborSale"))
        add("parts", payer, "jobs", _cents(b.rec, job.parts_sale, f"/jobs/{n}/partsSale"))
        add("misc", payer, "jobs", _cents(b.rec, job.misc_sale, f"/jobs/{n}/miscSale"))
    for m, row in enumerate(_each(b.order.mls)):
        spelled = _text(row.mls_type)
        kind = _MLS_KINDS.get(spelled.upper()) if spelled is not None else None
        bucket = {"subcontract": "sublet", "part": "lube"}.get(kind or "", "misc")
        cents = _cents(b.rec, row.sale_price, f"/mls/{m}/salePrice")
        add(bucket, _payer(row.labor_type), "mls", cents)
    return sums


#: The header's sale buckets and payer scopes (suffix of the member name, payers counted).
_BUCKETS = ("labor", "parts", "misc", "sublet", "lube")
_SCOPES = (("", ("C", "I", "W")), ("Customer", ("C",)), ("Internal", ("I",)), ("Warranty", ("W",)))


def _category_gaps(b: _Build) -> dict[str, tuple[int, int, int]]:
    """Header member -> (stated, the jobs' cents, the mls rows' cents) for every sale amount
    the header states that its rows do not give. A bucket may count the mls rows of its kind
    or not (the example event's miscSale counts its untyped towing row; another RO may not):
    either reading agrees."""
    header = dump(b.order.header, validate=False)
    assert isinstance(header, dict)  # a model dumps to an object
    sums = _row_sums(b)
    gaps: dict[str, tuple[int, int, int]] = {}
    for bucket in _BUCKETS:
        for suffix, payers in _SCOPES:
            key = f"{bucket}Sale{suffix}"
            if _text(header.get(key)) is None:
                continue
            stated = _cents(b.rec, header.get(key), f"/header/{key}")
            jobs = sum(sums.get((bucket, p, "jobs"), 0) for p in payers)
            mls = sum(sums.get((bucket, p, "mls"), 0) for p in payers)
            if stated not in (jobs, jobs + mls):
                gaps[key] = (stated, jobs, mls)
    return gaps


def _category_issues(b: _Build, gaps: dict[str, tuple[int, int, int]]) -> None:
    """Each header sale amount its rows do not give: refused (``mapping.order_category``) or
    an ``unexplained`` note (cents None: the total note carries any money)."""
    rec = b.rec
    for key, (stated, jobs, mls) in gaps.items():
        said = (
            f"the RO header's {key} is {_amount(stated)}, its rows give {_amount(jobs)} "
            f"(jobs) or {_amount(jobs + mls)} (with the mls rows of that kind): "
            f"{_amount(stated - jobs - mls)} of the category no row explains"
        )
        if rec.orders.unexplained_total != "report":
            rec.refuse(
                f"/header/{key}",
                "mapping.order_category",
                f"{said} (orders.unexplained_total = refuse)",
            )
        else:
            rec.note(0, "unexplained", f"/header/{key}", None, None, said + ".")


def _sits_in(gaps: dict[str, tuple[int, int, int]]) -> str:
    if not gaps:
        return "; every sale amount the header states agrees with its rows"
    return "; the header's categories that disagree with their rows: " + ", ".join(
        f"{key} {_amount(stated)} against {_amount(jobs + mls)}"
        for key, (stated, jobs, mls) in gaps.items()
    )


def _balance(b: _Build) -> None:
    """The ``total`` note: the RO's customer-pay amount before tax against the services."""
    rec = b.rec
    rec.current = 0
    header = b.order.header
    rows_total = sum(r.cents for r in b.rows if r.payer == "C")
    if _text(header.customer_pay_amount) is not None:
        stated = _cents(rec, header.customer_pay_amount, "/header/customerPayAmount")
        tax = _cents(rec, header.customer_pay_state_tax, "/header/customerPayStateTax")
        source, where = stated - tax, "/header/customerPayAmount"
        basis = f"customerPayAmount {_amount(stated)} less customerPayStateTax {_amount(tax)}"
    else:
        source, where = rows_total, ""
        basis = "the customer-pay jobs and mls rows (the header states no customerPayAmount)"
    if rec.issues:
        return
    gaps = _category_gaps(b)
    _category_issues(b, gaps)
    target = sum(priced(s) for s in b.services)
    explaining = [n for n in rec.report if n.cents is not None]
    explained = ledger_cents(explaining)
    gap = source - target - explained
    if gap:
        if rec.orders.unexplained_total != "report":
            rec.refuse(
                where or "/header",
                "mapping.order_total",
                f"the RO's customer-pay total before tax ({basis}) is {_amount(source)}, its "
                f"customer-pay jobs and mls rows add up to {_amount(rows_total)}: "
                f"{_amount(gap)} no row explains (orders.unexplained_total = refuse)"
                + _sits_in(gaps),
            )
            return
        rec.note(
            0,
            "unexplained",
            where,
            None,
            gap,
            f"{_amount(gap)} of the customer-pay total before tax ({basis}) is on no job or "
            "mls row (orders.unexplained_total = report)",
        )
    names = [f"{n.kind} {n.source} {_amount(n.cents or 0)}" for n in explaining]
    if gap:
        names.append(f"unexplained {where} {_amount(gap)}")
    rec.note(
        0,
        "total",
        where,
        None,
        source - target,
        f"customer-pay total before tax {_amount(source)} ({basis}); the services total "
        f"{_amount(target)}; difference {_amount(source - target)}"
        + (f", explained by: {'; '.join(names)}" if names else "")
        + _sits_in(gaps),
    )


# ------------------------------------------------------------------------------ entry point


def build_services(order: mk.Order, rec: Recorder) -> list[sm.CreateCustomService]:
    """The services of *order* (refusals and notes on *rec*; not yet validated)."""
    cfg = rec.orders
    if order.header.is_voided is True:
        rec.refuse(
            "/header/isVoided",
            "mapping.voided",
            "the RO is voided: nothing of it is owed, so nothing is mapped",
            True,
        )
        rec.raise_if_refused()
    jobs = list(_each(order.jobs))
    b = _Build(rec, order, {no: sm_id for sm_id, no in cfg.technicians.items()})
    first: dict[str, int] = {}
    for n in _job_order(jobs):
        first.setdefault(jobs[n].job_number_string, n)
    by_job: dict[int, _Orphans] = {}
    for m, row in enumerate(_each(order.mls)):  # one pass: rows indexed by their job
        owner = first.get(row.line_code) if isinstance(row.line_code, str) else None
        if owner is None:
            b.loose.append((m, row))
        else:
            by_job.setdefault(owner, []).append((m, row))
    for n in _job_order(jobs):
        rec.current = n + 1  # notes in input order: jobs by their input index, then mls
        _job_service(b, n, jobs[n], by_job.get(n, []))
    if b.loose:
        _loose_service(b)
    rec.current = 0
    if b.services:
        rec.note(
            0,
            "lossy",
            "/header",
            None,
            None,
            "taxes are not carried: the order carries none per job, and created lines are "
            f"taxable = {str(cfg.taxable).lower()} (orders.taxable)",
        )
    _balance(b)
    return b.services


def mykaarma_to_shopmonkey(
    order: object, config: MappingConfig | None = None
) -> Mapped[list[sm.CreateCustomService]]:
    """The Shopmonkey custom services for a myKaarma order (``mk.Order``, ``mk.OrderEvent`` or
    ``mk.ReadOrderResponse``, or their JSON values). Pointers are rooted at the order.

    A voided RO is refused (``mapping.voided``). The report closes like a ledger: the RO's
    customer-pay amount before tax = the services' total + the ``cents`` of every note that
    moves money (the ``total`` note states the difference and names them)."""
    rec = Recorder(check_config(config))
    services = build_services(order_of(order), rec)
    rec.raise_if_refused()
    validate_services(services)
    return Mapped(services, rec.report)


def check_config(config: object) -> MappingConfig | None:
    """*config* if it is a `MappingConfig` or None; anything else is misuse."""
    if config is None or isinstance(config, MappingConfig):
        return config
    raise DealerbridgeUsageError(
        f"config must be a mapping.MappingConfig (see mapping.load_config), got "
        f"{type(config).__name__}"
    )


def validate_services(services: list[sm.CreateCustomService]) -> None:
    """The one validation of the built body (a mapping bug surfaces as `ValidationError`)."""
    validate(dump(services, validate=False), SCHEMA)

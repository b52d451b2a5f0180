"""myKaarma order -> the body of Shopmonkey's ``POST /v3/order/:orderId/service``.

Rules and reasons: notes/decisions-mapping.md ("Reverse"). One custom service per job, in
(``jobNumberString``, ``lopSeqNumber``) order, whose line inputs price back (under the
``sm.service_totals`` reading) to the job's labor + parts + misc plus its linked mls rows,
exactly; what the lines do not explain becomes a reported residual line.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from .. import mykaarma as mk
from .. import shopmonkey as sm
from .._errors import Issue, ValidationError
from .._models import load
from ..money import amount_to_cents
from ._common import Recorder, blank, decimal_text, load_at, present, show
from ._config import MappingConfig
from ._report import Mapped, MappingError

__all__ = ["mykaarma_to_shopmonkey"]


def _order_of(value: object) -> mk.Order:
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


def _cents(rec: Recorder, value: Any, where: str) -> int:
    if value is None or not present(value) or value == "":
        return 0
    try:
        return amount_to_cents(value)
    except ValidationError:
        rec.refuse(where, "mapping.amount", f"{show(value)} is not an exact amount", value)
        return 0


def _quantity(rec: Recorder, value: Any, where: str) -> Decimal | None:
    if value is None or not present(value) or blank(value):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or number < 0:
        rec.refuse(where, "mapping.amount", f"{show(value)} is not a quantity", value)
        return None
    return number


def _number(value: Decimal) -> float | int:
    if value == value.to_integral_value():
        return int(value)
    return float(decimal_text(value))


def _job_key(job: Any) -> tuple[str, int, str]:
    seq = job.lop_seq_number if isinstance(job.lop_seq_number, str) else ""
    return (
        job.job_number_string.rjust(8),
        int(seq) if seq.isdigit() else 0,
        seq,
    )


def _line(
    rec: Recorder, item: Any, where: str, name: str, number: Any
) -> tuple[dict[str, Any], int]:
    """A part from a myKaarma part, gog item or L-type mls row (all priced the same way)."""
    quantity_value = getattr(item, "quantity_sold", None)
    if not present(quantity_value) or quantity_value is None:
        quantity_value = getattr(item, "quantity_ordered", getattr(item, "quantity", None))
    quantity = _quantity(rec, quantity_value, f"{where}/quantitySold")
    price: int | None
    try:
        price = amount_to_cents(item.sale_price) if isinstance(item.sale_price, str) else None
    except ValidationError:
        price = None  # e.g. a unit price of "6.475": the total still carries the money
    total_value = item.sale_total if present(item.sale_total) else None
    if total_value is None and quantity is not None and price is not None:
        product = quantity * price
        total = int(product) if product == product.to_integral_value() else None
        if total is None:
            rec.refuse(
                f"{where}/saleTotal",
                "mapping.amount",
                "no saleTotal, and quantity x salePrice is not a whole number of cents",
                None,
            )
            total = 0
    else:
        total = _cents(rec, total_value, f"{where}/saleTotal")
    part: dict[str, Any] = {"name": name}
    if not blank(number):
        part["partNumber"] = number
    if quantity is not None and price is not None and quantity * price == total and quantity > 0:
        part["quantity"] = _number(quantity)
        part["retailCostCents"] = price
    else:
        part["quantity"] = 1
        part["retailCostCents"] = total
        rec.note(
            rec.current,
            "lossy",
            where,
            None,
            total,
            f"quantity {show(quantity_value)} x salePrice {show(item.sale_price)} is not the "
            f"saleTotal; sent as one unit at the total",
        )
    cost = getattr(item, "cost", None)
    if isinstance(cost, str) and cost:
        part["wholesaleCostCents"] = _cents(rec, cost, f"{where}/cost")
    part["taxable"] = rec.orders.taxable
    return part, total


def _mls_into(rec: Recorder, row: Any, where: str, service: dict[str, Any]) -> int:
    price = _cents(rec, row.sale_price, f"{where}/salePrice")
    name = row.op_code_desc if not blank(row.op_code_desc) else row.op_code or "MLS"
    kind = row.mls_type if isinstance(row.mls_type, str) else None
    if kind == "S":
        sub: dict[str, Any] = {"name": name, "retailCostCents": price}
        sub["costCents"] = _cents(rec, row.cost_price, f"{where}/costPrice")
        sub["taxable"] = rec.orders.taxable
        service.setdefault("subcontracts", []).append(sub)
    elif kind == "L":
        service.setdefault("parts", []).append(
            {"name": name, "quantity": 1, "retailCostCents": price, "taxable": rec.orders.taxable}
        )
    else:
        service.setdefault("fees", []).append(
            {"name": name, "feeType": "FixedCents", "amountCents": price}
        )
        if kind is None:
            rec.note(
                rec.current,
                "lossy",
                f"{where}/mlsType",
                None,
                price,
                f"mls row {show(name)} has no mlsType; sent as a fixed fee (not guessed from "
                "its op code)",
            )
    return price


def mykaarma_to_shopmonkey(
    order: object, config: MappingConfig | None = None
) -> Mapped[list[sm.CreateCustomService]]:
    """The Shopmonkey custom services for a myKaarma order (``mk.Order``, ``mk.OrderEvent`` or
    ``mk.ReadOrderResponse``, or their JSON values). Pointers are rooted at the order."""
    rec = Recorder(config)
    cfg = rec.orders
    source = _order_of(order)
    jobs: list[Any] = list(source.jobs) if isinstance(source.jobs, list) else []
    mls: list[Any] = list(source.mls) if isinstance(source.mls, list) else []
    indexed = sorted(range(len(jobs)), key=lambda n: _job_key(jobs[n]))
    linked: dict[str, int] = {}
    for n in indexed:
        linked.setdefault(jobs[n].job_number_string, n)
    technicians = {tech_no: tech_id for tech_id, tech_no in cfg.technicians.items()}
    services: list[dict[str, Any]] = []
    for n in indexed:
        job = jobs[n]
        rec.current = n + 1  # notes in input order: jobs by their input index, then mls
        src = f"/jobs/{n}"
        labor = _cents(rec, job.labor_sale, f"{src}/laborSale")
        parts_sale = _cents(rec, job.parts_sale, f"{src}/partsSale")
        misc = _cents(rec, job.misc_sale, f"{src}/miscSale")
        own_mls = [
            (m, row)
            for m, row in enumerate(mls)
            if linked.get(row.line_code if isinstance(row.line_code, str) else "") == n
        ]
        pay = job.labor_type if isinstance(job.labor_type, str) else "C"
        label = ""
        if pay in ("W", "I"):
            choice = cfg.warranty_jobs if pay == "W" else cfg.internal_jobs
            key = "warranty_jobs" if pay == "W" else "internal_jobs"
            if choice == "skip":
                linked_total = sum(
                    _cents(rec, r.sale_price, f"/mls/{m}/salePrice") for m, r in own_mls
                )
                rec.note(
                    rec.current,
                    "excluded",
                    src,
                    None,
                    labor + parts_sale + misc + linked_total,
                    f"job {show(job.job_identifier)} is paid by {pay}; skipped "
                    f"(orders.{key} = skip)",
                )
                continue
            label = f"[{pay}] "
            rec.note(
                rec.current,
                "lossy",
                f"{src}/laborType",
                None,
                None,
                f"payer {pay} has no Shopmonkey field; the service name carries [{pay}]",
            )
        at = len(services)
        tgt = f"/{at}"
        name = job.labor_op_code_desc
        ccc = job.ccc if present(job.ccc) and job.ccc is not None else None
        if blank(name) and ccc is not None and not blank(ccc.complaint):
            name = ccc.complaint
        if blank(name):
            name = job.labor_op_code
        identity = f"Op {job.labor_op_code} ({job.job_identifier or job.job_number_string}"
        if isinstance(job.dms_labor_type, str) and job.dms_labor_type:
            identity += f", {job.dms_labor_type}"
        identity += ")"
        lines = [identity]
        if ccc is not None:
            for title, text in (
                ("Complaint", ccc.complaint),
                ("Cause", ccc.cause),
                ("Correction", ccc.correction),
            ):
                if not blank(text):
                    lines.append(f"{title}: {text}")
        for comment in job.comments or []:
            if not blank(comment.comment):
                lines.append(str(comment.comment))
        service: dict[str, Any] = {
            "name": label + str(name),
            "note": "\n".join(lines),
            "authorizationStatus": "Authorized",
            "recommended": job.add_on_line == "Y",
            "pricing": "LineItem",
            "lumpSum": False,
            "hideLineItemPricing": False,
            "ordinal": at + 1,
        }
        rec.note(
            rec.current,
            "lossy",
            f"{src}/laborOpCode",
            f"{tgt}/note",
            None,
            "the DMS op code and job identity are kept only in the service note "
            "(the POST body has no metadata)",
        )
        hours = _quantity(rec, job.sold_hours, f"{src}/soldHours")
        if labor or (hours is not None and hours > 0):
            entry: dict[str, Any] = {
                "name": str(name),
                "multiplier": 1,
                "multiplierType": "Hours",
                "discountCents": 0,
                "taxable": cfg.taxable,
            }
            rate = Decimal(labor) / hours if hours else None
            if hours and rate is not None and rate == rate.to_integral_value():
                entry["hours"] = _number(hours)
                entry["rateCents"] = int(rate)
            else:
                entry["hours"] = 1
                entry["rateCents"] = labor
                entry["note"] = f"Sold hours: {job.sold_hours}"
                rec.note(
                    rec.current,
                    "lossy",
                    f"{src}/soldHours",
                    f"{tgt}/labors/0/hours",
                    labor,
                    f"laborSale {show(job.labor_sale)} over {show(job.sold_hours)} hours "
                    "is not a whole rate in cents; sent as 1 hour at the labor amount",
                )
            techs = job.tech_nos if isinstance(job.tech_nos, str) else ""
            first = techs.replace("/", ",").split(",")[0].strip()
            if first and first in technicians:
                entry["technicianId"] = technicians[first]
            service["labors"] = [entry]
        explained = 0
        parts: list[dict[str, Any]] = []
        for k, item in enumerate(job.parts or []):
            name_k = item.description if not blank(item.description) else item.part_number
            part, total = _line(rec, item, f"{src}/parts/{k}", str(name_k), item.part_number)
            parts.append(part)
            explained += total
        for k, item in enumerate(job.gog or []):
            name_k = item.item_description if not blank(item.item_description) else "GOG"
            part, total = _line(rec, item, f"{src}/gog/{k}", str(name_k), None)
            parts.append(part)
            explained += total
        residual = parts_sale - explained
        if residual > 0:
            parts.append(
                {
                    "name": cfg.residual_part_name,
                    "quantity": 1,
                    "retailCostCents": residual,
                    "taxable": cfg.taxable,
                }
            )
            rec.note(
                rec.current,
                "residual",
                f"{src}/partsSale",
                f"{tgt}/parts/{len(parts) - 1}",
                residual,
                f"partsSale is {residual} cents more than its part lines; sent "
                f"as one part named {show(cfg.residual_part_name)}",
            )
        elif residual < 0:
            rec.refuse(
                f"{src}/partsSale",
                "mapping.amount",
                f"the part lines add up to {-residual} cents more than partsSale",
                None,
            )
        if parts:
            service["parts"] = parts
        if misc:
            service["fees"] = [{"name": "Misc", "feeType": "FixedCents", "amountCents": misc}]
        for m, row in own_mls:
            rec.current = len(jobs) + 1 + m
            _mls_into(rec, row, f"/mls/{m}", service)
        services.append(service)
    loose = [
        (m, row)
        for m, row in enumerate(mls)
        if (row.line_code if isinstance(row.line_code, str) else "") not in linked
    ]
    if loose:
        service = {
            "name": cfg.unlinked_mls_service_name,
            "note": "mls rows of the RO not linked to a job",
            "authorizationStatus": "Authorized",
            "recommended": False,
            "pricing": "LineItem",
            "lumpSum": False,
            "hideLineItemPricing": False,
            "ordinal": len(services) + 1,
        }
        for m, row in loose:
            rec.current = len(jobs) + 1 + m
            _mls_into(rec, row, f"/mls/{m}", service)
        services.append(service)
    rec.current = 0
    if services:
        rec.note(
            rec.current,
            "lossy",
            "/header",
            None,
            None,
            "taxes are not carried: the order carries none per job, and created lines are "
            f"taxable = {str(cfg.taxable).lower()} (orders.taxable)",
        )
    rec.raise_if_refused()
    value = load(sm.CreateServicesRequest, services)
    return Mapped(list(value), rec.report)  # type: ignore[arg-type]

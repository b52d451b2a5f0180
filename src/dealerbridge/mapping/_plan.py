"""A myKaarma order against the services a Shopmonkey order already has: what to create,
update and delete so that the order carries the mapping's services exactly once.

The key is the last line of each service note the reverse writes (``dealerbridge-key:
mykaarma/<orderNumber>/job/<jobNumberString>/<lopSeqNumber>``, or ``.../mls``): the POST body
has no metadata or external-id field, and the note is the one free-text service field the
body, the PUT body and the GET response all carry. Decisions: notes/decisions-mapping.md
("The plan").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from .. import shopmonkey as sm
from .._errors import DealerbridgeUsageError
from .._models import JSON, dump, load
from ._common import Recorder, load_at
from ._config import MappingConfig
from ._report import Mapped
from ._reverse import (
    KEY_PREFIX,
    build_services,
    check_config,
    order_of,
    service_key,
    validate_services,
)

__all__ = ["ServicePlan", "ServiceUpdate", "mykaarma_to_shopmonkey_plan"]

LINES = ("labors", "parts", "tires", "subcontracts", "fees")


@attrs.frozen
class ServiceUpdate:
    """One existing service to change with ``PUT /v3/order/:orderId/service/:id``."""

    id: str
    body: sm.UpdateServiceRequest


@attrs.frozen
class ServicePlan:
    """What to send so that the Shopmonkey order carries the RO's services exactly once.

    - ``create``: the body of one ``POST /v3/order/:orderId/service`` (may be empty).
    - ``update``: services whose line items match and whose service fields differ (``PUT``
      with only the differing fields).
    - ``delete``: ids of services to delete: a keyed service the RO no longer has, a second
      service with the same key, and a service whose line items differ (the PUT body cannot
      change line items, so it is deleted and created again).
    - ``unchanged``: ids of keyed services that already match.

    Services without a key of this RO (created by the shop, or another RO's) are left alone.
    """

    create: tuple[sm.CreateCustomService, ...] = ()
    update: tuple[ServiceUpdate, ...] = ()
    delete: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()

    @property
    def changes_nothing(self) -> bool:
        """True when there is nothing to send."""
        return not (self.create or self.update or self.delete)

    def to_dict(self) -> dict[str, JSON]:
        """The plan as JSON: ``create`` (the POST body), ``update`` (``{"id", "body"}``),
        ``delete`` and ``unchanged`` (ids)."""
        return {
            "create": dump(list(self.create), validate=False) if self.create else [],
            "update": [{"id": u.id, "body": dump(u.body, validate=False)} for u in self.update],
            "delete": list(self.delete),
            "unchanged": list(self.unchanged),
        }


def key_of(note: object) -> str | None:
    """The stable key in a service note (its last line), or None."""
    if not isinstance(note, str):
        return None
    last = note.rstrip().rsplit("\n", 1)[-1].strip()
    return last[len(KEY_PREFIX) :].strip() if last.startswith(KEY_PREFIX) else None


def _same(wanted: JSON, found: JSON) -> bool:
    """Whether *found* has every member of *wanted* with an equal value (lines as lists in
    order; extra members of *found*, such as ids and calculated values, do not count)."""
    if isinstance(wanted, dict):
        return isinstance(found, dict) and all(
            key in found and _same(value, found[key]) for key, value in wanted.items()
        )
    if isinstance(wanted, list):
        return (
            isinstance(found, list)
            and len(wanted) == len(found)
            and all(_same(w, f) for w, f in zip(wanted, found, strict=True))
        )
    if isinstance(wanted, bool) or isinstance(found, bool):
        return wanted is found
    return bool(wanted == found)


def _ordinal(item: JSON) -> float:
    value = item.get("ordinal") if isinstance(item, dict) else None
    return float(value) if isinstance(value, int | float) else 0.0


def _lines(service: Mapping[str, JSON]) -> dict[str, list[JSON]]:
    out: dict[str, list[JSON]] = {}
    for kind in LINES:
        items = service.get(kind)
        listed = list(items) if isinstance(items, list) else []
        if listed and all(isinstance(i, dict) and "ordinal" in i for i in listed):
            listed.sort(key=_ordinal)
        out[kind] = listed
    return out


def _compare(
    wanted: sm.CreateCustomService, found: Mapping[str, JSON]
) -> tuple[bool, dict[str, JSON]]:
    """``(lines match, the differing service-level members of *wanted*)``."""
    body = dump(wanted, validate=False)
    assert isinstance(body, dict)
    ours = _lines(body)
    theirs = _lines(found)
    lines_match = all(
        len(ours[k]) == len(theirs[k])
        and all(_same(w, f) for w, f in zip(ours[k], theirs[k], strict=True))
        for k in LINES
    )
    fields = {
        key: value
        for key, value in body.items()
        if key not in LINES and not _same(value, found.get(key))
    }
    return lines_match, fields


def mykaarma_to_shopmonkey_plan(
    order: object, existing_services: Sequence[object], config: MappingConfig | None = None
) -> Mapped[ServicePlan]:
    """The plan that makes the Shopmonkey order carry the services `mykaarma_to_shopmonkey`
    gives for *order*, exactly once, given the order's *existing_services* (``sm.Service``
    models or the items of ``GET /v3/order/:orderId/service``'s ``data``). Mapping the same RO
    again against the result changes nothing (``plan.changes_nothing``). The report is the
    mapping's; refusals are the mapping's (and `ValidationError` for an existing service that
    is not a Shopmonkey service, at ``/existing/N``)."""
    rec = Recorder(check_config(config))
    if not isinstance(existing_services, list | tuple):
        raise DealerbridgeUsageError(
            "existing_services must be a list of Shopmonkey services (the data of GET "
            f"/v3/order/:orderId/service), got {type(existing_services).__name__}"
        )
    source = order_of(order)
    found = [load_at(sm.Service, s, f"/existing/{i}") for i, s in enumerate(existing_services)]
    wanted = build_services(source, rec)
    rec.raise_if_refused()
    validate_services(wanted)
    ours = service_key(source.header.order_number, "")
    by_key: dict[str, sm.Service] = {}
    delete: list[str] = []
    for existing in found:
        key = key_of(existing.note)
        if key is None or not key.startswith(ours):
            continue  # the shop's own service, or another RO's: left alone
        if key in by_key:
            delete.append(existing.id)  # a duplicate of an earlier run
        else:
            by_key[key] = existing
    create: list[sm.CreateCustomService] = []
    update: list[ServiceUpdate] = []
    unchanged: list[str] = []
    for service in wanted:
        key = key_of(service.note)
        match = by_key.pop(key, None) if key is not None else None
        if match is None:
            create.append(service)
            continue
        current = dump(match, validate=False)
        assert isinstance(current, dict)
        lines_match, fields = _compare(service, current)
        if not lines_match:
            delete.append(match.id)
            create.append(service)
        elif fields:
            update.append(ServiceUpdate(match.id, load(sm.UpdateServiceRequest, fields)))
        else:
            unchanged.append(match.id)
    delete.extend(s.id for s in by_key.values())
    plan = ServicePlan(tuple(create), tuple(update), tuple(delete), tuple(unchanged))
    return Mapped(plan, rec.report)

"""Validation: `dealerbridge.validate` against json.loads of the same bytes and pure-Python
jsonschema (validator built once, formats asserted), on the documented myKaarma order, on a
50-job order and on two Shopmonkey responses.

    python benchmarks/validation.py [--quick]

Target (reported, never asserted; issue 20): validate on a Python value costs at most 0.3x
json.loads of the same payload (it was 1x before), printed for all four payloads. With the C
accelerator (dealerbridge._speedups) built, `validate` answers a plain, valid value with its
one-pass walk (value check and schema together, `dealerbridge._checker`) and asks the engine
only when the walk cannot tell; the pure-Python value check is timed beside it.

On the two orders the parts of `validate` are timed too, so the target can be read against
them: the one-pass walk alone, the engine alone (jsonschema-rs ``is_valid``), the value check alone
(`dealerbridge._json.check_value`), a bare walk that visits every value of the order and
checks nothing (the floor of any check written in Python), and the stdlib's one C-level walk
that refuses some of what the check refuses (``json.dumps`` with ``allow_nan=False``,
``check_circular=True`` and a ``default`` that raises; it still misses tuples, non-str keys,
the int64 range and the depth). ``notes/decisions-speed.md`` says what they show.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

import jsonschema
import referencing
from _common import (
    big_event,
    example_event,
    interleaved,
    is_quick,
    print_table,
    shopmonkey_responses,
)

import dealerbridge as db
from dealerbridge import _json
from dealerbridge._engine import compiled
from dealerbridge._json import check_value

#: validate on a Python value / json.loads of the same payload (issue 20 item 3).
TARGET = 0.3


def reference_validator(name: str) -> Any:
    """Pure-Python jsonschema for the newest version of ``name``, over every bundled schema."""
    registry: referencing.Registry[Any] = referencing.Registry().with_resources(
        (str(document["$id"]), referencing.Resource.from_contents(document))
        for document in (
            db.schema(schema, version=version)
            for schema in db.schema_names()
            for version in db.schema_versions(schema)
        )
    )
    return jsonschema.Draft202012Validator(
        db.schema(name),
        registry=registry,
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )


WALK = "  part: one-pass C walk alone (checker)"
ENGINE = "  part: engine alone (jsonschema-rs is_valid)"
CHECK = "  part: value check alone (check_value)"
PURE = "  value check, pure Python (accelerator off)"
BARE = "  floor: bare walk of every value, no check"
DUMPS = "  rejected: json.dumps(allow_nan=False, default=raise)"


def bare_walk(value: object) -> None:
    """Visit every value of *value* level by level and check nothing: what any value check
    written in Python costs at the least (the value check is such a walk plus its tests)."""
    level: list[Any] = [value]
    while level:
        following: list[Any] = []
        extend = following.extend
        for item in level:
            kind = type(item)
            if kind is str:
                continue
            if kind is dict:
                extend(item.values())
            elif kind is list:
                extend(item)
        level = following


def pure_check(value: object) -> object:
    """`check_value` as it runs without the C accelerator."""
    with _json._pure_python():
        return check_value(value)


def _refuse(value: object) -> object:
    raise TypeError(f"{type(value).__name__} is not a JSON value")


def main(quick: bool = False) -> None:
    built = "built" if _json._speedups is not None else "NOT built: pure Python"
    print(f"C accelerator (dealerbridge._speedups): {built}")
    print()
    engine = compiled("mykaarma/order")._validator  # the engine part, timed alone
    walk = compiled("mykaarma/order")._check  # the one-pass walk (None: not built)
    reference = reference_validator("mykaarma/order")
    summary = []
    for event in (example_event(), big_event()):
        order, raw = event.order, event.order_raw
        assert reference.is_valid(order)
        db.validate(order, "mykaarma/order")
        rows = {
            "json.loads": partial(json.loads, raw),
            "jsonschema (pure Python) is_valid": partial(reference.is_valid, order),
            "dealerbridge.validate": partial(db.validate, order, "mykaarma/order"),
            **({WALK: partial(walk, order)} if walk is not None else {}),
            ENGINE: partial(engine.is_valid, order),
            CHECK: partial(check_value, order),
            PURE: partial(pure_check, order),
            BARE: partial(bare_walk, order),
            DUMPS: partial(
                json.dumps, order, allow_nan=False, check_circular=True, default=_refuse
            ),
        }
        timings = interleaved(rows, quick=quick)
        print_table(
            f"myKaarma order, {event.label} ({len(raw):,} B)",
            timings,
            "json.loads",
        )
        summary.append((f"{event.label} order", timings, True))

    for response in shopmonkey_responses():
        value, raw, schema = response.value, response.raw, response.schema
        db.validate(value, schema)
        timings = interleaved(
            {
                "json.loads": partial(json.loads, raw),
                "dealerbridge.validate": partial(db.validate, value, schema),
            },
            quick=quick,
        )
        print_table(
            f"{response.label} ({len(raw):,} B)",
            timings,
            "json.loads",
        )
        summary.append((response.label, timings, False))

    print(f"validate / json.loads of the same payload (target <= {TARGET}):")
    for label, timings, has_parts in summary:
        low, high = timings.ratio_range("dealerbridge.validate", "json.loads")
        ratio = timings.ratio("dealerbridge.validate", "json.loads")
        best = timings.min_ratio("dealerbridge.validate", "json.loads")
        verdict = "within target" if ratio <= TARGET else "over target"
        print(
            f"  {label:<44} {ratio:5.2f}  (rounds {low:.2f}-{high:.2f}, best rounds"
            f" {best:.2f}) {verdict}"
        )
        if not has_parts:
            continue
        parts = ", ".join(
            f"{short} {timings.ratio(name, 'json.loads'):.2f}"
            for short, name in (
                *((("walk", WALK),) if walk is not None else ()),
                ("engine", ENGINE),
                ("value check", CHECK),
                ("pure-Python check", PURE),
                ("bare walk", BARE),
                ("json.dumps", DUMPS),
            )
        )
        print(f"  {'':<44} parts / json.loads: {parts}")
    print()


if __name__ == "__main__":
    main(quick=is_quick())

"""Validation: `dealerbridge.validate` against json.loads of the same bytes and pure-Python
jsonschema (validator built once, formats asserted), on the documented myKaarma order, on a
50-job order and on two Shopmonkey responses.

    python benchmarks/validation.py [--quick]

Target (reported, never asserted; issue 20): validate on a Python value costs at most 0.3x
json.loads of the same payload (it was 1x before).
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


def main(quick: bool = False) -> None:
    reference = reference_validator("mykaarma/order")
    summary = []
    for event in (example_event(), big_event()):
        order, raw = event.order, event.order_raw
        assert reference.is_valid(order)
        db.validate(order, "mykaarma/order")
        timings = interleaved(
            {
                "json.loads": partial(json.loads, raw),
                "jsonschema (pure Python) is_valid": partial(reference.is_valid, order),
                "dealerbridge.validate": partial(db.validate, order, "mykaarma/order"),
            },
            quick=quick,
        )
        print_table(
            f"myKaarma order, {event.label} ({len(raw):,} B)",
            timings,
            "json.loads",
        )
        summary.append((event.label, timings))

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

    print(f"validate / json.loads of the same order (target <= {TARGET}):")
    for label, timings in summary:
        low, high = timings.ratio_range("dealerbridge.validate", "json.loads")
        ratio = timings.ratio("dealerbridge.validate", "json.loads")
        best = timings.min_ratio("dealerbridge.validate", "json.loads")
        verdict = "within target" if ratio <= TARGET else "over target"
        print(
            f"  {label + ' order':<16} {ratio:5.2f}  (rounds {low:.2f}-{high:.2f}, best rounds"
            f" {best:.2f}) {verdict}"
        )
    print()


if __name__ == "__main__":
    main(quick=is_quick())

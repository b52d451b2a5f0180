"""Loading: bytes or JSON values to typed models, against a strict pydantic v2 model.

    python benchmarks/loading.py [--quick]

- `dealerbridge.mykaarma.parse_order_event` (envelope and stringified payload, validated and
  structured) against the strict pydantic v2 model of the same event
  (`benchmarks/pydantic_order_event.py`, ``model_validate_json``), on the documented example
  and on a 50-job event. Target (issue 11, reported, never asserted): at most 2.5x pydantic,
  aim for 2x, as the median of several interleaved rounds.
- `dealerbridge.load` of the example order and of two Shopmonkey responses, against json.loads.
"""

from __future__ import annotations

import json
import warnings
from functools import partial

from _common import (
    Timings,
    big_event,
    example_event,
    interleaved,
    is_quick,
    print_table,
    shopmonkey_responses,
)
from pydantic_order_event import OrderEvent as PydanticOrderEvent

import dealerbridge as db
from dealerbridge import mykaarma, shopmonkey

PYDANTIC = "pydantic v2 strict model_validate_json"
OURS = "dealerbridge parse_order_event"
TARGET, AIM = 2.5, 2.0


def main(quick: bool = False) -> None:
    with warnings.catch_warnings():
        # Unknown enum values would be reported once per call; the payloads are what is timed.
        warnings.simplefilter("ignore")
        _main(quick)


def _main(quick: bool) -> None:
    against_pydantic: list[tuple[str, Timings]] = []
    for event in (example_event(), big_event()):
        raw = event.raw
        timings = interleaved(
            {
                "json.loads": partial(json.loads, raw),
                PYDANTIC: partial(PydanticOrderEvent.model_validate_json, raw),
                OURS: partial(mykaarma.parse_order_event, raw),
            },
            quick=quick,
        )
        print_table(f"myKaarma order event, {event.label} ({len(raw):,} B)", timings, "json.loads")
        against_pydantic.append((event.label, timings))

    example = example_event()
    order, order_raw = example.order, example.order_raw
    timings = interleaved(
        {
            "json.loads": partial(json.loads, order_raw),
            "dealerbridge.load(mykaarma.Order, value)": partial(db.load, mykaarma.Order, order),
        },
        quick=quick,
    )
    print_table(f"myKaarma order, example ({len(order_raw):,} B)", timings, "json.loads")

    for response in shopmonkey_responses():
        model, value, raw = getattr(shopmonkey, response.model), response.value, response.raw
        timings = interleaved(
            {
                "json.loads": partial(json.loads, raw),
                f"dealerbridge.load(shopmonkey.{response.model}, value)": partial(
                    db.load, model, value
                ),
            },
            quick=quick,
        )
        print_table(f"{response.label} ({len(raw):,} B)", timings, "json.loads")

    print(f"parse_order_event / strict pydantic v2 (target <= {TARGET}, aim {AIM}):")
    for label, timings in against_pydantic:
        ratio = timings.ratio(OURS, PYDANTIC)
        low, high = timings.ratio_range(OURS, PYDANTIC)
        verdict = "within target" if ratio <= TARGET else "over target"
        print(f"  {label + ' event':<16} {ratio:5.2f}  (rounds {low:.2f}-{high:.2f}; {verdict})")
    print()


if __name__ == "__main__":
    main(quick=is_quick())

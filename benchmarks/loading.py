"""Loading: bytes or JSON values to typed models, against a strict pydantic v2 model.

    python benchmarks/loading.py [--quick]

- `dealerbridge.mykaarma.parse_order_event` (envelope and stringified payload, validated and
  structured) against the strict pydantic v2 model of the same event
  (`benchmarks/pydantic_order_event.py`, ``model_validate_json``), on the documented example
  and on a 50-job event, with `mykaarma.parse_event` on the same bodies (the same path).
  Target (issue 20, reported, never asserted): at most 2x pydantic, aim for 1.5x, as the
  median of several interleaved rounds.
- `dealerbridge.dump` of the example event whose payload arrived as a string against the same
  event whose payload arrived as an object (both unchanged, both validated). Target (issue
  20): within 1.5x.
- `shopmonkey.parse_webhook` of an order delivery against `dealerbridge.load` of its envelope.
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
    shopmonkey_webhook,
)
from pydantic_order_event import OrderEvent as PydanticOrderEvent

import dealerbridge as db
from dealerbridge import mykaarma, shopmonkey

PYDANTIC = "pydantic v2 strict model_validate_json"
OURS = "dealerbridge parse_order_event"
ANY_EVENT = "dealerbridge mykaarma.parse_event"
TARGET, AIM = 2.0, 1.5
DUMP_STRING = "dump, payload arrived as a string"
DUMP_OBJECT = "dump, payload arrived as an object"
DUMP_TARGET = 1.5


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
                ANY_EVENT: partial(mykaarma.parse_event, raw),
            },
            quick=quick,
        )
        print_table(f"myKaarma order event, {event.label} ({len(raw):,} B)", timings, "json.loads")
        against_pydantic.append((event.label, timings))

    example = example_event()
    as_string = mykaarma.parse_order_event(example.raw)
    envelope = json.loads(example.raw)
    as_object = db.load(
        mykaarma.OrderEvent, {**envelope, "payload": json.loads(envelope["payload"])}
    )
    dumps = interleaved(
        {DUMP_OBJECT: partial(db.dump, as_object), DUMP_STRING: partial(db.dump, as_string)},
        quick=quick,
    )
    print_table("dealerbridge.dump of the example order event", dumps, DUMP_OBJECT)

    webhook = shopmonkey_webhook()
    webhooks = interleaved(
        {
            "json.loads": partial(json.loads, webhook),
            "dealerbridge.load(shopmonkey.WebhookEvent, raw)": partial(
                db.load, shopmonkey.WebhookEvent, webhook
            ),
            "shopmonkey.parse_webhook(raw)": partial(shopmonkey.parse_webhook, webhook),
        },
        quick=quick,
    )
    print_table(f"Shopmonkey order webhook ({len(webhook):,} B)", webhooks, "json.loads")

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
        _verdict(f"{label} event", timings, OURS, PYDANTIC, TARGET)
    print(f"parse_event / strict pydantic v2 (target <= {TARGET}, aim {AIM}):")
    for label, timings in against_pydantic:
        _verdict(f"{label} event", timings, ANY_EVENT, PYDANTIC, TARGET)
    print(f"dump, payload as a string / as an object (target <= {DUMP_TARGET}):")
    _verdict("example event", dumps, DUMP_STRING, DUMP_OBJECT, DUMP_TARGET)
    print()


def _verdict(label: str, timings: Timings, ours: str, theirs: str, target: float) -> None:
    ratio = timings.ratio(ours, theirs)
    low, high = timings.ratio_range(ours, theirs)
    best = timings.min_ratio(ours, theirs)
    verdict = "within target" if ratio <= target else "over target"
    print(
        f"  {label:<16} {ratio:5.2f}  (rounds {low:.2f}-{high:.2f}, best rounds {best:.2f};"
        f" {verdict})"
    )


if __name__ == "__main__":
    main(quick=is_quick())

"""Shared by the benchmark modules: the payloads, the timing helper and the table printer.

Payloads (built once per process, from files in the repository):
- `example_event()`: the documented myKaarma order event, ``payload`` stringified as delivered;
- `big_event()`: the same event whose order has 50 jobs of 5 parts each;
- `shopmonkey_responses()`: two Shopmonkey response fixtures (GET services, PUT with order);
- `shopmonkey_webhook()`: a Shopmonkey webhook delivery of an order row.

Timing: `interleaved` times several functions alternately, round after round in one process,
so a slow moment of a shared machine hits all of them alike; it reports the median time per call
and the median of the per-round ratios, and `Timings.min_ratio` the ratio of the best rounds.
Times are the process's CPU time (`time.process_time`), which a machine shared with other work
inflates much less than the wall clock (time slices lost to other processes are not counted;
cache contention still is). Nothing here asserts a number.
"""

from __future__ import annotations

import copy
import functools
import json
import statistics
import sys
import time
import timeit
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"


def is_quick(argv: Sequence[str] | None = None) -> bool:
    """Whether ``--quick`` was given (a smoke run: fewer rounds, shorter timings)."""
    return "--quick" in (sys.argv[1:] if argv is None else argv)


# -- payloads ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """A myKaarma order event as bytes on the wire, and its order as bytes and as a value."""

    label: str
    raw: bytes  # the event, payload stringified
    order: dict[str, Any]
    order_raw: bytes


@functools.cache
def example_event() -> Event:
    """The documented example (tests/fixtures: doc-event-stringified), as delivered."""
    path = FIXTURES / "mykaarma" / "order-event" / "doc-event-stringified.json"
    event = json.loads(path.read_bytes())
    payload = event["payload"]
    payload = json.loads(payload) if isinstance(payload, str) else payload
    raw = json.dumps({**event, "payload": json.dumps(payload)}).encode()
    order = payload["order"]
    return Event("example", raw, order, json.dumps(order).encode())


def big_order(order: dict[str, Any], jobs: int = 50, parts: int = 5) -> dict[str, Any]:
    """``order`` with ``jobs`` copies of its first job, each with ``parts`` copies of its part."""
    big = copy.deepcopy(order)
    job = big["jobs"][0]
    part = job["parts"][0]
    big["jobs"] = []
    for j in range(jobs):
        new_job = copy.deepcopy(job)
        new_job["jobIdentifier"] = f"A-{j + 1}"
        new_job["parts"] = [dict(part, seqNo=str(p + 1)) for p in range(parts)]
        big["jobs"].append(new_job)
    return big


@functools.cache
def big_event(jobs: int = 50, parts: int = 5) -> Event:
    """The example event whose order has ``jobs`` jobs of ``parts`` parts each."""
    example = example_event()
    event = json.loads(example.raw)
    payload = json.loads(event["payload"])
    order = big_order(payload["order"], jobs, parts)
    raw = json.dumps({**event, "payload": json.dumps({**payload, "order": order})}).encode()
    return Event(f"{jobs}-job", raw, order, json.dumps(order).encode())


@dataclass(frozen=True)
class Response:
    """A Shopmonkey response fixture: its bytes, its value, its schema and its model's name."""

    label: str
    raw: bytes
    value: Any
    schema: str
    model: str  # attribute of dealerbridge.shopmonkey


@functools.cache
def shopmonkey_responses() -> tuple[Response, ...]:
    base = FIXTURES / "shopmonkey"
    found = []
    for label, fixture, schema, model in (
        (
            "Shopmonkey GET services",
            "get-services-response/valid-two-services.json",
            "shopmonkey/get-services-response",
            "GetServicesResponse",
        ),
        (
            "Shopmonkey PUT response with order",
            "update-service-response/valid-with-order.json",
            "shopmonkey/update-service-response",
            "UpdateServiceResponse",
        ),
    ):
        raw = (base / fixture).read_bytes()
        found.append(Response(label, raw, json.loads(raw), schema, model))
    return tuple(found)


@functools.cache
def shopmonkey_webhook() -> bytes:
    """A Shopmonkey webhook delivery of an order row (tests/fixtures), as bytes."""
    path = FIXTURES / "shopmonkey" / "webhook" / "valid-order-update-workflow-status.json"
    return path.read_bytes()


# -- timing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timings:
    """Per-round times (microseconds per call) of functions timed alternately."""

    samples: Mapping[str, Sequence[float]]

    def median(self, label: str) -> float:
        return statistics.median(self.samples[label])

    def ratio(self, label: str, unit: str) -> float:
        """The median over rounds of ``label``'s time over ``unit``'s in the same round."""
        return statistics.median(self._ratios(label, unit))

    def ratio_range(self, label: str, unit: str) -> tuple[float, float]:
        ratios = self._ratios(label, unit)
        return min(ratios), max(ratios)

    def min_ratio(self, label: str, unit: str) -> float:
        """``label``'s best round over ``unit``'s best round (min of rounds: the least
        disturbed measure of each on a busy machine)."""
        return min(self.samples[label]) / min(self.samples[unit])

    def _ratios(self, label: str, unit: str) -> list[float]:
        return [a / b for a, b in zip(self.samples[label], self.samples[unit], strict=True)]


#: The clock of every timing: this process's CPU time (see the module docstring).
CLOCK = time.process_time


def interleaved(
    cases: Mapping[str, Callable[[], object]],
    *,
    quick: bool = False,
    rounds: int | None = None,
    seconds: float | None = None,
) -> Timings:
    """Time every case alternately: each round times each case once (``seconds`` long, roughly),
    starting from a different case each round; one warm-up call per case first."""
    rounds = rounds or (5 if quick else 15)
    seconds = seconds or (0.002 if quick else 0.02)
    numbers = {label: _calls_per_timing(fn, seconds) for label, fn in cases.items()}
    samples: dict[str, list[float]] = {label: [] for label in cases}
    labels = list(cases)
    for r in range(rounds):
        start = r % len(labels)
        for label in labels[start:] + labels[:start]:
            number = numbers[label]
            elapsed = timeit.Timer(cases[label], timer=CLOCK).timeit(number)
            samples[label].append(elapsed / number * 1e6)
    return Timings(samples)


def _calls_per_timing(fn: Callable[[], object], seconds: float) -> int:
    fn()  # warm-up: caches, compiled schemas
    one = min(timeit.Timer(fn, timer=CLOCK).repeat(repeat=3, number=1))
    return max(1, int(seconds / max(one, 1e-9)))


# -- output --------------------------------------------------------------------------------


def print_table(title: str, timings: Timings, unit: str) -> None:
    """One row per case: median CPU microseconds per call, and median ratio to ``unit``."""
    width = max(len(title), *(len(label) for label in timings.samples))
    print(f"{title:<{width}}  {'CPU us/call':>11}  {'x ' + unit:>14}")
    for label in timings.samples:
        micros, ratio = timings.median(label), timings.ratio(label, unit)
        print(f"{label:<{width}}  {micros:>11.1f}  {ratio:>14.2f}")
    print()

"""Strategies: examples per second drawn by `dealerbridge.testing` for every bundled schema.

    python benchmarks/strategies.py [--quick]

Each strategy is built once per schema, then drawn through ``@given`` as a test would.
"""

from __future__ import annotations

import timeit

from _common import is_quick
from hypothesis import HealthCheck, given, settings
from hypothesis.strategies import SearchStrategy

import dealerbridge as db
from dealerbridge.testing import invalid_payloads, payloads


def examples_per_second(strategy: SearchStrategy[object], count: int) -> float:
    seen: list[object] = []

    # Health checks stay on in the tests; here they would stop a measurement of speed midway
    # (too_slow, large_base_example are about exactly what is being measured).
    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def draw(value: object) -> None:
        seen.append(value)

    start = timeit.default_timer()
    draw()
    return len(seen) / (timeit.default_timer() - start)


def main(quick: bool = False) -> None:
    count = 5 if quick else 200
    width = 48
    print(f"{'strategy (' + str(count) + ' examples each)':<{width}}  {'examples/s':>10}")
    for name in db.schema_names():
        if name.startswith("common/"):
            continue
        for label, strategy in (("valid", payloads(name)), ("invalid", invalid_payloads(name))):
            rate = examples_per_second(strategy, count)
            print(f"{name + ' ' + label:<{width}}  {rate:>10.0f}")
    print()


if __name__ == "__main__":
    main(quick=is_quick())

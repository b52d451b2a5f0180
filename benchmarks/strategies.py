"""Strategies: how fast `dealerbridge.testing` draws examples, for every bundled schema.

    python benchmarks/strategies.py [--quick] [--markdown]

Each strategy is built once per schema, then drawn through ``@given`` as a test would. Three
figures per schema, as examples per second: ``payloads`` (valid), ``invalid_payloads`` (one
rule broken), and a typical property test: a valid payload drawn, validated, loaded into its
model and dumped back (``models`` costs the same as this without the validation).
``--markdown`` prints the table the testing recipe (docs/testing.md) shows.
"""

from __future__ import annotations

import sys
import timeit

from _common import is_quick
from hypothesis import HealthCheck, given, settings
from hypothesis.strategies import SearchStrategy

import dealerbridge as db
from dealerbridge._models import Model
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


def _model_for(name: str) -> type[Model] | None:
    import dealerbridge.mykaarma as mk
    import dealerbridge.shopmonkey as sm

    for module in (mk, sm):
        for value in vars(module).values():
            ref = getattr(value, "__dealerbridge_schema__", None)
            if ref is not None and ref.name == name and ref.fragment is None:
                return value  # type: ignore[no-any-return]
    return None


def round_trip(name: str, model: type[Model] | None) -> SearchStrategy[object]:
    def check(value: object) -> object:
        db.validate(value, name)
        if model is not None:
            db.dump(db.load(model, value))
        return value

    return payloads(name).map(check)


def main(quick: bool = False, markdown: bool = False) -> None:
    count = 5 if quick else 100
    rows = []
    for name in db.schema_names():
        if name.startswith("common/"):
            continue
        model = _model_for(name)
        rates = [
            examples_per_second(strategy, count)
            for strategy in (payloads(name), invalid_payloads(name), round_trip(name, model))
        ]
        rows.append((name, *rates))
    if markdown:
        print(
            f"| schema ({count} examples each) | valid /s | invalid /s | drawn, validated, "
            "loaded and dumped /s |"
        )
        print("|---|---:|---:|---:|")
        for name, valid, invalid, trip in rows:
            print(f"| `{name}` | {valid:.0f} | {invalid:.0f} | {trip:.0f} |")
        return
    width = 44
    print(
        f"{'examples per second (' + str(count) + ' each)':<{width}}  "
        f"{'valid':>8} {'invalid':>8} {'round trip':>10}"
    )
    for name, valid, invalid, trip in rows:
        print(f"{name:<{width}}  {valid:>8.0f} {invalid:>8.0f} {trip:>10.0f}")
    print()


if __name__ == "__main__":
    main(quick=is_quick(), markdown="--markdown" in sys.argv[1:])

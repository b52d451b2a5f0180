"""The strict reader against json.loads, as ratios measured side by side in one run.

    python benchmarks/reader.py [--quick]

Payloads: the shipped example's order (2.5 KB), a 50-job order with 5 parts per job (98 KB)
and the example's jobs repeated up to 16 MB. Times are medians of interleaved runs (json.loads
and parse_json alternate, so a busy machine slows both alike); peak memory is tracemalloc's
peak during one call. Then hostile inputs, to show the time grows linearly with the size:
escape-heavy text (once quadratic), deep brackets, a long integer.

Requirements (issue 10): at most 1.6x json.loads on the small order and 2x on the large ones,
peak memory at most 1.5x json.loads's own.
"""

from __future__ import annotations

import copy
import json
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from _common import big_order, example_event

from dealerbridge import ValidationError, _json, parse_json


def pure_parse(raw: bytes) -> object:
    """parse_json as it runs without the C accelerator (no msgspec fast path)."""
    with _json._pure_python():
        return parse_json(raw)


def _per_call(fn: Callable[[], object], number: int) -> float:
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - start) / number


def interleaved(fns: dict[str, Callable[[], object]], number: int, rounds: int) -> dict[str, float]:
    """Median seconds per call of each function, the functions taking turns each round."""
    samples: dict[str, list[float]] = {name: [] for name in fns}
    names = list(fns)
    for index in range(rounds):
        for name in names if index % 2 == 0 else reversed(names):
            samples[name].append(_per_call(fns[name], number))
    return {name: statistics.median(times) for name, times in samples.items()}


def peak(fn: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def repeated_order(order: dict[str, Any], size: int) -> dict[str, Any]:
    big = copy.deepcopy(order)
    jobs = order["jobs"]
    big["jobs"] = jobs * max(1, size // len(json.dumps(jobs)))
    return big


def _rejects(raw: str | bytes) -> str:
    try:
        parse_json(raw)
    except ValidationError as exc:
        return exc.issues[0].code
    return "accepted"


def main(quick: bool = False) -> None:
    order = example_event().order  # the page's example order (2.5 KB)
    payloads = [
        ("example order", json.dumps(order).encode(), 1000, 200),
        ("50-job order", json.dumps(big_order(order)).encode(), 100, 20),
        ("16 MB order", json.dumps(repeated_order(order, 16_000_000)).encode(), 1, 1),
    ]
    rounds = 3 if quick else 9
    built = "built" if _json._speedups is not None else "NOT built: pure Python"
    print(f"C accelerator (dealerbridge._speedups): {built}; 'pure' = parse_json without it")
    print("parse_json against json.loads (median of interleaved runs; peak by tracemalloc)")
    print(
        f"{'payload':<26} {'bytes':>10} {'loads us':>11} {'ratio':>6} {'pure':>6} "
        f"{'peak ratio':>11}"
    )
    for label, raw, number, quick_number in payloads:
        times = interleaved(
            {
                "loads": lambda raw=raw: json.loads(raw),
                "ours": lambda raw=raw: parse_json(raw),
                "pure": lambda raw=raw: pure_parse(raw),
            },
            quick_number if quick else number,
            rounds if len(raw) < 1_000_000 else max(3, rounds // 3),
        )
        ratio = times["ours"] / times["loads"]
        pure = times["pure"] / times["loads"]
        memory = peak(lambda raw=raw: parse_json(raw)) / peak(lambda raw=raw: json.loads(raw))
        print(
            f"{label:<26} {len(raw):>10} {times['loads'] * 1e6:>11.1f} {ratio:>6.2f} "
            f"{pure:>6.2f} {memory:>11.2f}"
        )
    print("required: <= 1.6 (example), <= 2.0 (larger), peak <= 1.5")
    print()
    print("hostile inputs: parse_json seconds per call (linear: doubling the size doubles it)")
    sizes = (16_000, 32_000, 100_000) if quick else (16_000, 32_000, 100_000, 1_000_000)
    cases: list[tuple[str, Callable[[int], str]]] = [
        ("unterminated escapes", lambda n: "[" * 65 + '"' + '\\"' * (n // 2)),
        ("valid escape-heavy", lambda n: '["' + '\\"' * (n // 2) + '"]'),
        ("deep brackets", lambda n: "[" * (n // 2) + "]" * (n // 2)),
        ("long integer", lambda n: "1" * n),
    ]
    print(f"{'input':<22} " + " ".join(f"{size:>10}" for size in sizes) + "  result")
    for label, build in cases:
        cells = []
        for size in sizes:
            text = build(size)
            best = min(_per_call(lambda text=text: _rejects(text), 1) for _ in range(3))
            cells.append(f"{best:>10.5f}")
        print(f"{label:<22} " + " ".join(cells) + f"  {_rejects(build(sizes[0]))}")


if __name__ == "__main__":
    main("--quick" in sys.argv[1:])

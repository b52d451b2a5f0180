"""Batch validation at scale, checked: N events built from a template (not drawn from
Hypothesis) with planted invalid ones, validated on a 2-worker Dask cluster and in one process;
the two reports must agree, and must count exactly the planted failures.

    python tools/batch_check.py [--events 100000] [--files 4]

Run by .ci/run after the tests (it is too long for the suite). Exit 1 on any disagreement.
`write_events` is also used by tests/test_batch.py and benchmarks/batch.py.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "examples" / "mykaarma-order-event.json"
SCHEMA = "mykaarma/order-event"

#: Planted failures, one every PLANT_EVERY events, in turn: (code, path, how).
PLANTS = (
    ("type", "/timestamp", "timestamp as a string"),
    ("required", "/dealeruuid", "dealeruuid removed"),
    ("enum", "/type", "an unknown event type"),
    ("json.syntax", "", "a truncated line"),
)
PLANT_EVERY = 97


def event_lines(count: int, start: int = 0) -> list[str]:
    """*count* NDJSON lines from the template; every PLANT_EVERY-th one is broken in turn."""
    template = json.loads(TEMPLATE.read_text(encoding="utf-8"))
    lines = []
    for index in range(start, start + count):
        event = dict(template)
        event["id"] = f"00000000-0000-4000-8000-{index:012d}"
        event["timestamp"] = 1_700_000_000_000 + index
        plant = None
        if index % PLANT_EVERY == PLANT_EVERY - 1:
            plant = PLANTS[(index // PLANT_EVERY) % len(PLANTS)][0]
        if plant == "type":
            event["timestamp"] = "yesterday"
        elif plant == "required":
            del event["dealeruuid"]
        elif plant == "enum":
            event["type"] = "no-such-event"
        line = json.dumps(event, separators=(",", ":"))
        if plant == "json.syntax":
            line = line[: len(line) // 2]
        lines.append(line)
    return lines


def planted(count: int) -> Counter[str]:
    """How many of each planted code *count* events (from index 0) hold."""
    found: Counter[str] = Counter()
    for index in range(count):
        if index % PLANT_EVERY == PLANT_EVERY - 1:
            found[PLANTS[(index // PLANT_EVERY) % len(PLANTS)][0]] += 1
    return found


def write_events(directory: Path, count: int, files: int = 2) -> list[Path]:
    """*count* events split over *files* NDJSON files; returns their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    per = -(-count // files)
    for number in range(files):
        start = number * per
        size = max(0, min(per, count - start))
        path = directory / f"events-{number:02d}.ndjson"
        path.write_text("\n".join(event_lines(size, start)) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def single_process(paths: list[Path]) -> dict[str, object]:
    from dealerbridge.batch import BatchReport, validate_lines

    report = BatchReport(SCHEMA)
    for path in paths:
        with path.open("rb") as handle:
            lines = [line.rstrip(b"\n") for line in handle]
        for result in validate_lines(lines, SCHEMA, source=str(path)):
            assert result.line is not None
            report.add(result, lines[result.line - 1])
    return report.to_dict()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--files", type=int, default=4)
    args = parser.parse_args(argv)
    from distributed import Client, LocalCluster

    from dealerbridge import batch

    with tempfile.TemporaryDirectory() as tmp:
        paths = write_events(Path(tmp), args.events, args.files)
        started = time.perf_counter()
        expected = single_process(paths)
        single = time.perf_counter() - started
        with (
            LocalCluster(
                n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
            ) as cluster,
            Client(cluster) as client,
        ):
            started = time.perf_counter()
            report = batch.validate_files(
                [str(p) for p in paths],
                SCHEMA,
                client=client,
                failures_to=Path(tmp) / "failures.ndjson",
                block_size=4 * 1024 * 1024,
            )
            on_dask = time.perf_counter() - started
        failures = (Path(tmp) / "failures.ndjson").read_text().splitlines()
    got = report.to_dict()
    problems = []
    if got != expected:
        problems.append(f"Dask report differs from the single-process report:\n{got}\n{expected}")
    want = planted(args.events)
    if dict(report.by_code) != dict(want):
        problems.append(f"by_code {dict(report.by_code)} != planted {dict(want)}")
    if report.total != args.events or report.invalid != sum(want.values()):
        problems.append(f"total/invalid {report.total}/{report.invalid} wrong")
    if len(failures) != report.invalid:
        problems.append(f"{len(failures)} failures written for {report.invalid} invalid events")
    print(
        f"batch check: {args.events} events, {report.invalid} invalid "
        f"({', '.join(f'{n} {c}' for c, n in sorted(want.items()))}); "
        f"single process {single:.1f} s, 2-worker Dask {on_dask:.1f} s"
    )
    for problem in problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Batch validation throughput: payloads per second in one process, with ``--jobs 2``, and on
a 2-worker Dask LocalCluster, and the scaling ratios against one process.

    python benchmarks/batch.py [--quick]

Module interface (benchmarks/run.py): ``main(quick: bool = False) -> None`` prints its table.
The events are the documented myKaarma order event repeated with new ids and timestamps, one in
97 broken (tools/batch_check.py builds them), as NDJSON in 2 files. Rows:

- one process: ``dealerbridge validate SCHEMA DIR -q --format json`` (a subprocess, start-up
  included);
- ``--jobs 2``: the same command in 2 processes;
- Dask, 2 workers: ``dealerbridge.batch.validate_files`` on a LocalCluster started beforehand
  (start-up excluded: a cluster is long-lived).

Each row is timed ``rounds`` times, rows interleaved; the median is reported. On a machine with
fewer free cores than workers the ratios say so (below 1): nothing here asserts a number.
"""

from __future__ import annotations

import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _batch_check():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("batch_check", ROOT / "tools" / "batch_check.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(quick: bool = False) -> None:
    from distributed import Client, LocalCluster

    from dealerbridge import batch

    check = _batch_check()
    events = 4_000 if quick else 40_000
    rounds = 1 if quick else 3
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "events"
        check.write_events(directory, events, files=2)
        command = [
            sys.executable, "-m", "dealerbridge", "validate", check.SCHEMA, str(directory),
            "-q", "--format", "json",
        ]  # fmt: skip

        def cli(*extra: str) -> float:
            started = time.perf_counter()
            subprocess.run([*command, *extra], capture_output=True, check=False)
            return time.perf_counter() - started

        times: dict[str, list[float]] = {"one process": [], "--jobs 2": [], "Dask, 2 workers": []}
        with (
            LocalCluster(
                n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
            ) as cluster,
            Client(cluster) as client,
        ):
            for _ in range(rounds):
                times["one process"].append(cli())
                times["--jobs 2"].append(cli("--jobs", "2"))
                started = time.perf_counter()
                report = batch.validate_files([str(directory)], check.SCHEMA, client=client)
                times["Dask, 2 workers"].append(time.perf_counter() - started)
        assert report.total == events
    base = statistics.median(times["one process"])
    print(f"batch validation of {events} myKaarma order events (median of {rounds})")
    print(f"{'':<18}{'seconds':>10}{'payloads/s':>14}{'scaling':>10}")
    for name, values in times.items():
        seconds = statistics.median(values)
        print(f"{name:<18}{seconds:>10.2f}{events / seconds:>14,.0f}{base / seconds:>9.2f}x")


if __name__ == "__main__":
    main(quick="--quick" in sys.argv[1:])

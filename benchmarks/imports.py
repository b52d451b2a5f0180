"""Import time: ``import dealerbridge`` and ``import dealerbridge.mapping`` in a fresh
interpreter (what a short-lived process, a CLI run or a serverless handler pays once).

    python benchmarks/imports.py [--quick]

Target (reported, never asserted; issue 20 item 3): ``import dealerbridge.mapping`` at most
0.25 s (0.43 s when the issue was filed). Each figure is the median of fresh interpreters, the
interpreter's own start-up (``python -c pass``) subtracted, twice: wall-clock time, and the
CPU time the child used (user + system, from ``getrusage``), which a busy shared machine
inflates much less than the wall clock (it still pays for cache misses). The verdict is given
on each.

Bytecode caches: an installed package has them (pip compiles every module on install), so
the children run with ``PYTHONDONTWRITEBYTECODE`` removed from their environment and one
warm-up import writes any ``.pyc`` that is missing first. (With that variable set, as in
some CI and sandbox environments, a source checkout never gets its caches and every import
compiles every module from source: about twice the time. The last line measures that case,
with an empty ``PYTHONPYCACHEPREFIX``, for information.)
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

from _common import is_quick

#: Seconds ``import dealerbridge.mapping`` may take (issue 20 item 3).
TARGET = 0.25

MODULES = (
    "dealerbridge",
    "dealerbridge.mapping",
    "dealerbridge.mykaarma",
    "dealerbridge.shopmonkey",
)


#: The children's environment: bytecode caches written and read, as for an installed package.
CACHED = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _seconds(statement: str, env: dict[str, str] = CACHED) -> tuple[float, float]:
    """Wall-clock and CPU seconds of a fresh interpreter running *statement*."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", statement], check=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _median(statement: str, rounds: int, env: dict[str, str] = CACHED) -> tuple[float, float]:
    runs = [_seconds(statement, env) for _ in range(rounds)]
    return statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)


def main(quick: bool = False) -> None:
    rounds = 3 if quick else 9
    _seconds("import " + ", ".join(MODULES))  # warm-up: writes the bytecode caches
    bare_wall, bare_cpu = _median("pass", rounds)
    print(
        f"fresh interpreter start-up: {bare_wall * 1000:.0f} ms wall, {bare_cpu * 1000:.0f} ms"
        " CPU (subtracted)"
    )
    for module in MODULES:
        wall, cpu = _median(f"import {module}", rounds)
        wall, cpu = wall - bare_wall, cpu - bare_cpu
        line = f"  import {module:<26} {wall * 1000:6.0f} ms wall {cpu * 1000:6.0f} ms CPU"
        if module == "dealerbridge.mapping":
            verdicts = [
                f"{name} {'within' if took <= TARGET else 'over'}"
                for name, took in (("wall", wall), ("CPU", cpu))
            ]
            line += f"  (target <= {TARGET * 1000:.0f} ms: {', '.join(verdicts)})"
        print(line)
    with tempfile.TemporaryDirectory() as empty:
        source = {**CACHED, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": empty}
        wall, cpu = _median("import dealerbridge.mapping", rounds, source)
    print(
        f"  without bytecode caches (every module compiled): import dealerbridge.mapping "
        f"{(wall - bare_wall) * 1000:.0f} ms wall {(cpu - bare_cpu) * 1000:.0f} ms CPU"
    )
    print()


if __name__ == "__main__":
    main(quick=is_quick())

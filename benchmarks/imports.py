"""Import time: ``import dealerbridge`` and ``import dealerbridge.mapping`` in a fresh
interpreter (what a short-lived process, a CLI run or a serverless handler pays once).

    python benchmarks/imports.py [--quick]

Target (reported, never asserted; issue 20 item 3): ``import dealerbridge.mapping`` at most
0.25 s (0.43 s when the issue was filed). Each figure is the median of fresh interpreters, the
interpreter's own start-up (``python -c pass``) subtracted.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
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


def _seconds(statement: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", statement], check=True)
    return time.perf_counter() - start


def main(quick: bool = False) -> None:
    rounds = 3 if quick else 9
    bare = statistics.median(_seconds("pass") for _ in range(rounds))
    print(f"fresh interpreter start-up: {bare * 1000:.0f} ms (subtracted)")
    for module in MODULES:
        took = statistics.median(_seconds(f"import {module}") for _ in range(rounds)) - bare
        line = f"  import {module:<26} {took * 1000:6.0f} ms"
        if module == "dealerbridge.mapping":
            verdict = "within target" if took <= TARGET else "over target"
            line += f"  (target <= {TARGET * 1000:.0f} ms: {verdict})"
        print(line)
    print()


if __name__ == "__main__":
    main(quick=is_quick())

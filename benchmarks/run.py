"""Run every benchmark area, in order; each prints its own table (numbers are never asserted).

    python benchmarks/run.py [--quick]

An area is a module ``benchmarks/<area>.py`` with ``main(quick: bool = False) -> None``, also
runnable alone (``python benchmarks/<area>.py [--quick]``). Areas listed here but not written
yet are skipped. Payload builders and the timing helper (median of interleaved rounds) live in
``benchmarks/_common.py``.
"""

from __future__ import annotations

import importlib
import platform
import sys
import time
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from _common import is_quick  # noqa: E402

AREAS = ("imports", "reader", "validation", "loading", "mapping", "batch", "strategies", "fakes")


def main(argv: list[str]) -> int:
    quick = is_quick(argv)
    print(
        f"dealerbridge benchmarks{' (--quick)' if quick else ''}: "
        f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}"
    )
    # What the figures depend on besides the code: the engine's version and the C accelerator.
    from dealerbridge import _json

    accelerator = "built" if _json._speedups is not None else "NOT built (pure Python)"
    print(f"jsonschema-rs {version('jsonschema-rs')}, C accelerator {accelerator}")
    print()
    for area in AREAS:
        if not (HERE / f"{area}.py").is_file():
            print(f"== {area}: not written yet, skipped")
            print()
            continue
        print(f"== {area}")
        print()
        start = time.perf_counter()
        importlib.import_module(area).main(quick=quick)
        print(f"({area}: {time.perf_counter() - start:.1f} s)")
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""Run every Hypothesis example of the docs under Hypothesis' default health checks, N times.

Issue 22 asks that every example in ``docs/testing.md`` and the README's testing examples pass
Hypothesis' health checks in 20 of 20 runs. This script measures it:

- the examples are the Python blocks of ``docs/testing.md`` and the README blocks that use
  Hypothesis (``hypothesis`` or ``dealerbridge.testing`` in the block), each run as pasted, as
  ``tests/test_docs.py`` and ``tests/test_readme.py`` run them;
- each run of each block is a fresh interpreter (no strategy built by an earlier run, no
  Hypothesis state carried over), under Hypothesis' own default settings (health checks on,
  ``max_examples`` 100) without the example database, so a run never replays another's
  examples; a block that sets its own ``@settings`` keeps them;
- a run fails when the block raises: ``FailedHealthCheck`` (which health check) or any other
  error; the load average before and after is printed beside the counts, because the
  ``too_slow`` and ``data_too_large`` checks depend on the machine's load.

    python tools/health_checks.py [--runs 20] [--only docs/testing.md:2]

Exit status 0 when every block passed every run. No network: the blocks read only files of
this repository.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)

#: Runs one block in a fresh interpreter: Hypothesis' default profile without the database.
_RUNNER = """
import json, sys, traceback
from hypothesis import settings
settings.register_profile("health-check-run", database=None)
settings.load_profile("health-check-run")
label, code = json.loads(sys.stdin.read())
try:
    exec(compile(code, label, "exec", dont_inherit=True), {"__name__": "__docs__"})
except BaseException as exc:
    kind = type(exc).__name__
    text = str(exc).splitlines()[0] if str(exc) else ""
    health = ""
    if kind == "FailedHealthCheck":
        for name in ("too_slow", "filter_too_much", "data_too_large", "large_base_example"):
            if name in str(exc) or name.replace("_", " ") in str(exc).lower():
                health = name
    print(json.dumps({"ok": False, "kind": kind, "health": health, "text": text[:300]}))
    sys.exit(0)
print(json.dumps({"ok": True}))
"""


def blocks() -> list[tuple[str, str]]:
    """``(label, code)`` of every example measured."""
    found = []
    recipe = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")
    for n, match in enumerate(_BLOCK.finditer(recipe)):
        found.append((f"docs/testing.md:{n}", match.group(1)))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for match in _BLOCK.finditer(readme):
        code = match.group(1)
        first = code.lstrip().splitlines()[0] if code.strip() else ""
        if first.startswith("# needs "):
            continue
        if "hypothesis" in code or "dealerbridge.testing" in code:
            line = readme.count("\n", 0, match.start()) + 1
            found.append((f"README.md:{line}", code))
    return found


def run_once(label: str, code: str) -> dict[str, object]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _RUNNER],
        input=json.dumps([label, code]),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONHASHSEED": "random"},
        check=False,
    )
    lines = done.stdout.strip().splitlines()
    try:
        result: dict[str, object] = json.loads(lines[-1]) if lines else {}
    except ValueError:
        result = {}
    if not result:
        result = {"ok": False, "kind": "crash", "health": "", "text": done.stderr[-300:]}
    result["seconds"] = round(time.perf_counter() - started, 2)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--only", action="append", default=[], help="a block label to run")
    args = parser.parse_args(argv)
    chosen = [(label, code) for label, code in blocks() if not args.only or label in args.only]
    before = os.getloadavg()
    print(f"{len(chosen)} blocks x {args.runs} runs; load average before: {before}")
    failed = 0
    for label, code in chosen:
        results = [run_once(label, code) for _ in range(args.runs)]
        passed = sum(1 for r in results if r["ok"])
        failed += args.runs - passed
        kinds = sorted(
            f"{r['kind']}:{r['health']}" if r["health"] else str(r["kind"])
            for r in results
            if not r["ok"]
        )
        seconds = max(float(str(r["seconds"])) for r in results)
        line = f"{label}: {passed}/{args.runs} passed (slowest run {seconds:.1f} s)"
        print(line + (f"; failures: {', '.join(kinds)}" if kinds else ""))
        for r in results:
            if not r["ok"]:
                print(f"    {r['kind']} {r['health']}: {r['text']}")
                break
    print(f"load average after: {os.getloadavg()}")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Maintain schemas/lock.json: the SHA-256 of every schema version file.

``python tools/lock_schemas.py`` adds new versions and refreshes versions not yet released.
``python tools/lock_schemas.py --release`` marks every locked version as released (run it when
tagging a package release). A released version's hash never changes: the tool refuses, and the
test suite fails, when a released file is edited. Change a released schema by adding v<N+1>.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "schemas"
LOCK = SCHEMAS / "lock.json"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def current() -> dict[str, str]:
    return {
        str(p.relative_to(SCHEMAS).with_suffix("")): digest(p)
        for p in sorted(SCHEMAS.glob("*/*/v*.json"))
    }


def read_lock() -> dict[str, dict[str, object]]:
    if not LOCK.exists():
        return {}
    data: dict[str, dict[str, object]] = json.loads(LOCK.read_text())
    return data


def main(argv: list[str]) -> int:
    lock = read_lock()
    problems = []
    for key, sha in current().items():
        entry = lock.get(key)
        if entry is None or not entry.get("released"):
            lock[key] = {"sha256": sha, "released": bool(entry and entry.get("released"))}
        elif entry["sha256"] != sha:
            problems.append(f"{key} is released and must not change; add a new version")
    if "--release" in argv:
        for entry in lock.values():
            entry["released"] = True
    if problems:
        print("\n".join(problems))
        return 1
    LOCK.write_text(json.dumps(dict(sorted(lock.items())), indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

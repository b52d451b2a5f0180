"""Check the prose of the bundled schemas: descriptions explain, comments cite this repository.

Usage: ``python tools/lint_schema_text.py [FILE ...]`` (default: every ``schemas/*/*/v*.json``).
Prints one line per problem and exits 1 if there is any. The rules (schemas/CONVENTIONS.md):

- A ``description`` says what a field means to a user. It holds no provenance: no page line
  pointer (``L665``, ``(L12-36)``), no ``Page:`` transcription, no ``notes §x`` or ``QUIRKS``
  citation, no file path, and no path outside the repository (``../shared/...``).
- A ``$comment`` holds the provenance, and every file it cites (a path with a directory and an
  extension, such as ``docs/vendor/shopmonkey-order-services-api.txt`` or
  ``notes/decisions-shopmonkey-evidence.md``) exists in this repository. It never points outside
  the repository, and never names a page copy without its directory.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "schemas"

OUTSIDE = re.compile(r"(?<![.\w])\.\./|/work/|\bshared/docs\b")
DESCRIPTION_RULES = [
    (re.compile(r"\bL\d{1,5}\b"), "a page line pointer"),
    (re.compile(r"\bPage:"), "a 'Page:' transcription"),
    (re.compile(r"\bnotes\s*§|§"), "a notes section citation"),
    (re.compile(r"QUIRKS"), "a QUIRKS citation"),
    (re.compile(r"[\w-]+(?:/[\w.-]+)*\.(?:txt|md|go|py|ts)\b"), "a file citation"),
    (OUTSIDE, "a path outside the repository"),
]
# A cited file: at least one directory and an extension (docs/vendor/x.txt, notes/y.md).
CITED_PATH = re.compile(r"(?<![\w/.])(?:\.\./)*[\w.-]+(?:/[\w.-]+)+\.[A-Za-z]{1,4}\b")
BARE_PAGE = re.compile(r"(?<![\w/.-])[\w-]+\.(?:txt|md)\b")


def strings(node: Any, where: str = "") -> Iterator[tuple[str, str, str]]:
    """(JSON pointer, keyword, text) of every description and $comment in a schema document."""
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{where}/{key.replace('~', '~0').replace('/', '~1')}"
            if key in ("description", "$comment") and isinstance(value, str):
                yield where or "/", key, value
            else:
                yield from strings(value, here)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from strings(value, f"{where}/{i}")


def problems(text: str, keyword: str, root: Path = ROOT) -> list[str]:
    """What is wrong with one description or $comment (empty when nothing is)."""
    found: list[str] = []
    if keyword == "description":
        for pattern, what in DESCRIPTION_RULES:
            match = pattern.search(text)
            if match:
                found.append(f"description holds {what} ({match.group(0)!r}); move it to $comment")
        return found
    if OUTSIDE.search(text):
        found.append("$comment cites a path outside the repository")
    for match in CITED_PATH.finditer(text):
        cited = match.group(0)
        if not (root / cited).is_file():
            found.append(f"$comment cites {cited!r}, which is not a file in this repository")
    for match in BARE_PAGE.finditer(text):
        name = match.group(0)
        start = match.start()
        if start and text[start - 1] == "/":
            continue
        found.append(f"$comment names {name!r} without its directory (docs/vendor/..., notes/...)")
    return found


def lint(paths: list[Path], root: Path = ROOT) -> list[str]:
    out = []
    for path in paths:
        doc = json.loads(path.read_text(encoding="utf-8"))
        rel = path.relative_to(root) if path.is_relative_to(root) else path
        for where, keyword, text in strings(doc):
            for problem in problems(text, keyword, root):
                out.append(f"{rel} {where}: {problem}")
    return out


def main(argv: list[str]) -> int:
    paths = [Path(a).resolve() for a in argv] or sorted(SCHEMAS.glob("*/*/v*.json"))
    found = lint(paths)
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

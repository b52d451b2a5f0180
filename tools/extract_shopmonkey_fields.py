"""Extract every field name the Shopmonkey order-services reference page documents.

Reads the page as published (``docs/vendor/shopmonkey-order-services-api.txt``) and writes
``tests/fixtures/shopmonkey/page-fields.json``: one entry per field of every parameter table
(URL, query string, body), every response table (200, 4xx, 5xx, nested "Properties for X
object" tables included) and every key of the example responses, each with the endpoint,
the section it came from, its JSON path on the wire and the page line it is on.

The list is built from the page text alone, never from our schemas, so the test that checks
every entry against the schemas (tests/test_shopmonkey_page_fields.py) can fail.

    python tools/extract_shopmonkey_fields.py          # rewrite the list
    python tools/extract_shopmonkey_fields.py --check  # exit 1 if the list is stale
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "vendor" / "shopmonkey-order-services-api.txt"
OUT = ROOT / "tests" / "fixtures" / "shopmonkey" / "page-fields.json"

ENDPOINT = re.compile(r"^(GET|PUT|POST|DELETE)(/v3/\S+)$")
SECTIONS = {
    "URL parameters": "path",
    "Query String parameters": "query",
    "Body parameters": "body",
    "200 Response": "200",
    "4xx Response": "4xx",
    "5xx Response": "5xx",
}
NESTED = re.compile(r"^Properties for (\w+) object$")


class PageFormatError(ValueError):
    """The page does not have the layout this extractor reads."""


def extract(text: str) -> list[dict[str, Any]]:
    lines = text.split("\n")
    fields: list[dict[str, Any]] = []
    endpoint = ""
    section = ""
    # Each table seen in the current section: (object path, {field name: type}).
    tables: list[tuple[str, dict[str, str]]] = []
    current = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        match = ENDPOINT.match(line)
        if match:
            endpoint, section = f"{match[1]} {match[2]}", ""
            i += 1
            continue
        if line in SECTIONS:
            section = SECTIONS[line]
            current = ""
            tables = [(current, {})]
            i += 1
            continue
        if line == "Array with the following properties:" and section == "body":
            current = "/*"
            tables = [(current, {})]
            i += 1
            continue
        nested = NESTED.match(line)
        if nested:
            current = _parent_of(nested[1], tables, i + 1)
            tables.append((current, {}))
            i += 1
            continue
        if line.startswith("Example Response"):
            end = i + 1
            while end < len(lines) and not ENDPOINT.match(lines[end]):
                end += 1
            body = json.loads("\n".join(lines[i + 1 : end]))
            for path in _example_paths(body, ""):
                fields.append(_entry(endpoint, "example-response", path, None, None, i + 2))
            section = ""
            i = end
            continue
        if line == "- Name" and section:
            name_line = lines[i + 1]
            if not name_line.endswith("- Type"):
                raise PageFormatError(f"line {i + 2}: expected '<name>- Type'")
            name = name_line[: -len("- Type")]
            type_text = lines[i + 2].removeprefix("- ")
            required = type_text.endswith(" Required")
            type_text = type_text.removesuffix(" Required")
            tables[-1][1][name] = type_text
            fields.append(
                _entry(endpoint, section, f"{current}/{name}", type_text, required, i + 2)
            )
            i += 3
            continue
        i += 1
    return fields


def _parent_of(name: str, tables: list[tuple[str, dict[str, str]]], line: int) -> str:
    # "Properties for X object" follows all fields of the table that declares X; it belongs
    # to the most recent table with an object-typed field X.
    for path, members in reversed(tables):
        if members.get(name, "").startswith("object"):
            return f"{path}/{name}"
    raise PageFormatError(f"line {line}: no table declares the object {name!r}")


def _example_paths(value: Any, where: str) -> list[str]:
    out: list[str] = []
    if isinstance(value, dict):
        for key, child in value.items():
            out.append(f"{where}/{key}")
            out.extend(_example_paths(child, f"{where}/{key}"))
    elif isinstance(value, list):
        for child in value:
            out.extend(_example_paths(child, f"{where}/*"))
    return list(dict.fromkeys(out))


def _entry(
    endpoint: str, section: str, path: str, type_text: str | None, required: bool | None, line: int
) -> dict[str, Any]:
    entry: dict[str, Any] = {"endpoint": endpoint, "section": section, "path": path}
    if type_text is not None:
        entry["type"] = type_text
        entry["required"] = required
    entry["line"] = line
    return entry


def render(fields: list[dict[str, Any]]) -> str:
    rows = ",\n".join("  " + json.dumps(f, ensure_ascii=False) for f in fields)
    return "[\n" + rows + "\n]\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if the list is stale")
    args = parser.parse_args(argv)
    text = render(extract(PAGE.read_text(encoding="utf-8")))
    if args.check:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT.relative_to(ROOT)} is stale: run {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Shared helpers for the vendor schema tests: fixtures, model lookup, field coverage."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import dealerbridge as db
from dealerbridge._generated import mykaarma as _mk

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
MODULES: list[Any] = [_mk]
try:
    from dealerbridge._generated import shopmonkey as _sm

    MODULES.append(_sm)
except ImportError:  # pragma: no cover - before the Shopmonkey schemas exist
    pass


def vendor_schema_names() -> list[str]:
    return [n for n in db.schema_names() if n.split("/")[0] in ("mykaarma", "shopmonkey")]


def model_for(name: str) -> Any:
    for module in MODULES:
        for attr in module.__all__:
            cls = getattr(module, attr)
            ref = getattr(cls, "__dealerbridge_schema__", None)
            if ref is not None and ref.name == name and ref.fragment is None:
                return cls
    raise LookupError(name)


def fixture_files(name: str) -> list[Path]:
    folder = FIXTURES / name
    return sorted(p for p in folder.glob("*.json") if not p.name.endswith(".expected.json"))


def expected_for(path: Path) -> list[tuple[str, str]]:
    data = json.loads(path.with_name(path.name[: -len(".json")] + ".expected.json").read_text())
    return sorted((item["path"], item["code"]) for item in data)


class Coverage:
    """Which properties of a schema were seen present, null and absent in payloads.

    Members of another named schema it references (a `$ref` to a whole document) are left to
    that schema's own coverage test; `$defs` of other documents are followed.
    """

    def __init__(self, name: str) -> None:
        self.registry = db._default_registry()
        self.document = self.registry.document(name)
        self.present: set[str] = set()
        self.null: set[str] = set()
        self.absent: set[str] = set()
        self.fields: dict[str, dict[str, bool]] = {}
        self._collect(self.document, self.document["$id"], "", set())
        self.children: dict[str, list[tuple[str, str]]] = {}
        for path in self.fields:
            parent, _, prop = path.rpartition("/")
            self.children.setdefault(parent, []).append((path, prop))

    def resolve(self, base: str, ref: str) -> tuple[str, Any]:
        return self.registry.resolve(base, ref)

    def _branches(self, node: Any, base: str) -> list[tuple[Any, str]]:
        if not isinstance(node, dict):
            return []
        if "$ref" in node:
            doc_id, target = self.resolve(base, node["$ref"])
            if doc_id != self.document["$id"] and "#" not in node["$ref"]:
                # Another named schema: its own coverage test covers its members.
                return []
            return self._branches(target, doc_id)
        if "anyOf" in node:
            out = []
            for branch in node["anyOf"]:
                if isinstance(branch, dict) and "contentSchema" in branch:
                    out.extend(self._branches(branch["contentSchema"], base))
                else:
                    out.extend(self._branches(branch, base))
            return out
        if "if" in node and "then" in node and "properties" not in node:
            out = []
            current: Any = node
            while isinstance(current, dict) and "if" in current:
                out.extend(self._branches(current["then"], base))
                current = current.get("else")
            out.extend(self._branches(current, base))
            return out
        return [(node, base)]

    def _collect(self, node: Any, base: str, where: str, seen: set[str]) -> None:
        for branch, doc_id in self._branches(node, base):
            key = f"{doc_id}|{id(branch)}|{where}"
            if key in seen:
                continue
            seen = seen | {key}
            if "properties" in branch:
                required = set(branch.get("required", []))
                for prop, sub in branch["properties"].items():
                    path = f"{where}/{prop}"
                    nullable = any(
                        b.get("type") == "null"
                        or (isinstance(b.get("type"), list) and "null" in b["type"])
                        for b, _ in self._branches(sub, doc_id)
                    )
                    entry = self.fields.setdefault(path, {"optional": False, "nullable": False})
                    entry["optional"] |= prop not in required
                    entry["nullable"] |= nullable
                    self._collect(sub, doc_id, path, seen)
            if branch.get("type") == "array" or "items" in branch:
                self._collect(branch.get("items", {}), doc_id, f"{where}/*", seen)

    def observe(self, value: Any, where: str = "") -> None:
        if isinstance(value, str) and where == "/payload":
            try:
                value = json.loads(value)
            except ValueError:
                return
        if isinstance(value, dict):
            for path, prop in self.children.get(where, []):
                if prop in value:
                    (self.null if value[prop] is None else self.present).add(path)
                else:
                    self.absent.add(path)
            for key, child in value.items():
                self.observe(child, f"{where}/{key}")
        elif isinstance(value, list):
            for child in value:
                self.observe(child, f"{where}/*")

    def missing(self) -> dict[str, list[str]]:
        return {
            "present": sorted(p for p in self.fields if p not in self.present),
            "null": sorted(
                p for p, f in self.fields.items() if f["nullable"] and p not in self.null
            ),
            "absent": sorted(
                p for p, f in self.fields.items() if f["optional"] and p not in self.absent
            ),
        }

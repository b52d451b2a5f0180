"""Shared helpers for the vendor schema tests: fixtures, model lookup, field coverage."""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

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


def strict_json(value: Any) -> Any:
    """*value* with the JSON type of every scalar spelled out, for comparing with ``==``.

    ``1``, ``1.0`` and ``true`` come out different (Python's ``==`` says ``1 == 1.0 == True``);
    object member order does not matter; anything that is not a JSON value (a Decimal, a
    model, a tuple, a non-string key) raises TypeError rather than comparing by accident.
    """
    if value is None or isinstance(value, bool):
        return ("literal", value)
    if type(value) is int:
        return ("integer", value)
    if type(value) is float:
        return ("float", value)
    if type(value) is str:
        return ("string", value)
    if type(value) is list:
        return ("array", [strict_json(item) for item in value])
    if type(value) is dict:
        if not all(type(key) is str for key in value):
            raise TypeError(f"not a JSON object (a key is not a str): {value!r}")
        return ("object", {key: strict_json(item) for key, item in value.items()})
    raise TypeError(f"not a JSON value: {value!r} ({type(value).__name__})")


def json_equal(left: Any, right: Any) -> bool:
    """Whether two JSON values are equal with their types told apart (see `strict_json`)."""
    return bool(strict_json(left) == strict_json(right))


def embedded_documents(name: str) -> list[str]:
    """The other named schemas *name* embeds whole (a ``$ref`` to the document itself, not to
    one of its ``$defs``), such as the Shopmonkey order inside the service responses."""
    registry = db._default_registry()
    names = {registry.document(other)["$id"]: other for other in registry.names()}
    own = registry.document(name)["$id"]
    refs = re.findall(r'"\$ref": "([^"#]+)"', json.dumps(registry.document(name)))
    return sorted({names[ref] for ref in refs if ref != own})


@cache
def _fixture_documents(name: str) -> Any:
    valid = [
        db.parse_json(path.read_bytes())
        for path in fixture_files(name)
        if not path.name.startswith("invalid-")
    ]
    assert valid, f"{name} has no valid fixture to stub it with"
    # A copy per draw: fixups may change the payload they get.
    return st.sampled_from(valid).map(copy.deepcopy)


def stubs_for(name: str) -> dict[str, Any]:
    """The ``stubs`` argument of dealerbridge.testing strategies for the generated-payload tests
    of *name*: every document it embeds whole is drawn from that document's valid fixtures.

    Each embedded document has generated tests of its own (validity, round trip, single-rule
    breaks, field coverage, which leaves members of embedded documents to their own test), so
    its envelope's tests need not generate it in full for every example; the envelope's own
    members are still generated.
    """
    return {inner: _fixture_documents(inner) for inner in embedded_documents(name)}


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
        # Paths with fields somewhere beneath: nothing else is worth walking into.
        self.inside = {parent[:end] for parent in self.children for end in range(len(parent) + 1)}

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
                path = f"{where}/{key}"
                if path in self.inside:
                    self.observe(child, path)
        elif isinstance(value, list) and f"{where}/*" in self.inside:
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

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
from dealerbridge._schema_model import (
    ArraySchema,
    ContentSchema,
    Node,
    Nullable,
    ObjectSchema,
    UnionSchema,
)

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
    one of its ``$defs``), such as the Shopmonkey order inside the service responses.

    A text search for ``$ref``s, not a walk of the schema model: the model keeps a conditional
    rule's members but not its branches' schemas, and the Shopmonkey webhook embeds its rows
    there (``allOf``: when ``table`` is ``order``, ``data`` is a ``shopmonkey/order``)."""
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
    """Which properties of a schema were seen present, null and absent in payloads, read from
    the schema model (`SchemaRegistry.model`).

    Members of another named schema it references (a `$ref` to a whole document) are left to
    that schema's own coverage test, and so is a member defined as another named schema's
    member (a `$ref` to ``.../order/v1.json#/properties/id``: `shopmonkey/order-list-row`
    reuses each member of `shopmonkey/order`, whose own test covers it); `$defs` of other
    documents are followed. Strings holding JSON (`ContentSchema`) are decoded and their
    members counted under the string's path.
    """

    def __init__(self, name: str) -> None:
        self.registry = db._default_registry()
        self.document = self.registry.model(name)
        self.present: set[str] = set()
        self.null: set[str] = set()
        self.absent: set[str] = set()
        self.fields: dict[str, dict[str, bool]] = {}
        self.contents: set[str] = set()
        self._collect(self.document.root, "", ())
        self.children: dict[str, list[tuple[str, str]]] = {}
        for path in self.fields:
            parent, _, prop = path.rpartition("/")
            self.children.setdefault(parent, []).append((path, prop))
        # Paths with fields somewhere beneath: nothing else is worth walking into.
        self.inside = {parent[:end] for parent in self.children for end in range(len(parent) + 1)}

    def _elsewhere(self, node: Node) -> bool:
        """Whether *node* is the root of another named document (its own test covers it)."""
        location = node.location
        return location.pointer == "" and location.document_id != self.document.document_id

    def _member_elsewhere(self, node: ObjectSchema, key: str) -> bool:
        """Whether member *key* of *node* is written as a ``$ref`` to a member of another
        named document's top-level object."""
        raw = self.registry.raw_at(node.location.child("properties", key))
        ref = raw.get("$ref") if isinstance(raw, dict) else None
        if not isinstance(ref, str) or "#" not in ref:
            return False
        document, _, pointer = ref.partition("#")
        own = self.document.document_id
        return document not in ("", own) and pointer.startswith("/properties/")

    def _collect(self, node: Node, where: str, on_path: tuple[ObjectSchema, ...]) -> None:
        if self._elsewhere(node):
            return
        if isinstance(node, Nullable):
            self._collect(node.schema, where, on_path)
        elif isinstance(node, UnionSchema):
            for option in node.options:
                self._collect(option.schema, where, on_path)
        elif isinstance(node, ContentSchema):
            self.contents.add(where)
            self._collect(node.schema, where, on_path)
        elif isinstance(node, ArraySchema):
            self._collect(node.items, f"{where}/*", on_path)
        elif isinstance(node, ObjectSchema) and node not in on_path:
            for field in node.fields:
                if self._member_elsewhere(node, field.wire_name):
                    continue
                path = f"{where}/{field.wire_name}"
                entry = self.fields.setdefault(path, {"optional": False, "nullable": False})
                entry["optional"] |= not field.required
                entry["nullable"] |= _nullable(field.schema)
                self._collect(field.schema, path, (*on_path, node))

    def observe(self, value: Any, where: str = "") -> None:
        if isinstance(value, str) and where in self.contents:
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


def _nullable(node: Node) -> bool:
    """Whether null is one of the values *node* admits (through unions, not content)."""
    if isinstance(node, Nullable):
        return True
    if isinstance(node, UnionSchema):
        return any(_nullable(option.schema) for option in node.options)
    return False

"""Shared helpers for the vendor schema tests: fixtures, model lookup, field coverage."""

from __future__ import annotations

import copy
import json
import math
import re
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

import dealerbridge as db
from dealerbridge._generated import mykaarma as _mk
from dealerbridge._schema_model import (
    AnyValue,
    ArraySchema,
    ContentSchema,
    Node,
    Nullable,
    ObjectSchema,
    Scalar,
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


def borrows_every_member(name: str) -> bool:
    """Whether every member of *name*'s top-level object is written as a ``$ref`` to a member
    of another named schema (`shopmonkey/order-list-row` reuses `shopmonkey/order`'s): its
    payloads are that schema's, generated and covered by that schema's tests; its fixtures
    check what differs (which members are required)."""
    document = db._default_registry().document(name)
    members = document.get("properties") or {}
    own = document["$id"]
    return bool(members) and all(
        isinstance(member, dict)
        and isinstance(member.get("$ref"), str)
        and member["$ref"].partition("#")[0] not in ("", own)
        and member["$ref"].partition("#")[2].startswith("/properties/")
        for member in members.values()
    )


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
                entry = self.fields.setdefault(
                    path, {"optional": False, "nullable": False, "container": False}
                )
                entry["optional"] |= not field.required
                entry["nullable"] |= _nullable(field.schema)
                entry["container"] |= _container(field.schema)
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


def _container(node: Node) -> bool:
    """Whether *node* admits an object, an array or a string holding JSON (through unions)."""
    if isinstance(node, Nullable):
        return _container(node.schema)
    if isinstance(node, UnionSchema):
        return any(_container(option.schema) for option in node.options)
    return isinstance(node, ObjectSchema | ArraySchema | ContentSchema)


def _nullable(node: Node) -> bool:
    """Whether null is one of the values *node* admits (through unions, not content)."""
    if isinstance(node, Nullable):
        return True
    if isinstance(node, UnionSchema):
        return any(_nullable(option.schema) for option in node.options)
    return False


# --------------------------------------------------------------------------- covering payloads


def fixture_documents(name: str) -> list[Any]:
    """The valid fixtures of *name*, parsed."""
    return [
        db.parse_json(path.read_bytes())
        for path in fixture_files(name)
        if not path.name.startswith("invalid-")
    ]


# Character classes of a pattern are answered with the first of these they admit: a digit
# other than 0 first, so that the date and time patterns give real dates (1111-01-01).
_PREFERRED = "1aA0_-#. "


def pattern_example(pattern: str, min_length: int = 0, max_length: int | None = None) -> str:
    """A short string *pattern* finds (JSON Schema semantics: `re.search`), built from the
    pattern's parse tree: each repeat at its minimum (one where zero is allowed), the first branch of each alternation,
    the first preferred character of each class."""
    from re import _parser  # type: ignore[attr-defined]

    def member(char: str, items: list[Any]) -> bool:
        found = False
        for op, av in items:
            name = str(op)
            if name == "NEGATE":
                continue
            if name == "LITERAL":
                found |= ord(char) == av
            elif name == "RANGE":
                found |= av[0] <= ord(char) <= av[1]
            elif name == "CATEGORY":
                kind = str(av)
                test = {
                    "CATEGORY_DIGIT": char.isdigit(),
                    "CATEGORY_NOT_DIGIT": not char.isdigit(),
                    "CATEGORY_SPACE": char.isspace(),
                    "CATEGORY_NOT_SPACE": not char.isspace(),
                    "CATEGORY_WORD": char.isalnum() or char == "_",
                    "CATEGORY_NOT_WORD": not (char.isalnum() or char == "_"),
                }
                found |= test[kind]
            else:
                raise ValueError(f"pattern item {op} not handled: {pattern!r}")
        negated = any(str(op) == "NEGATE" for op, _ in items)
        return found != negated

    def walk(tree: Any) -> str:
        out = []
        for op, av in tree:
            name = str(op)
            if name == "LITERAL":
                out.append(chr(av))
            elif name == "NOT_LITERAL":
                out.append(next(c for c in _PREFERRED if ord(c) != av))
            elif name == "ANY":
                out.append(_PREFERRED[0])
            elif name == "IN":
                out.append(next(c for c in _PREFERRED if member(c, av)))
            elif name == "BRANCH":
                out.append(walk(av[1][0]))
            elif name == "SUBPATTERN":
                out.append(walk(av[-1]))
            elif name in ("MAX_REPEAT", "MIN_REPEAT"):
                low, high, inner = av
                # one at least where allowed: another constraint the model does not carry
                # (a not-blank pattern beside it) may refuse the empty string
                out.append(walk(inner) * max(low, min(1, high)))
            elif name == "AT":
                continue
            else:
                raise ValueError(f"pattern element {op} not handled: {pattern!r}")
        return "".join(out)

    text = walk(_parser.parse(pattern))
    if len(text) < min_length:
        text += _PREFERRED[1] * (min_length - len(text))
    if not re.search(pattern, text) or (max_length is not None and len(text) > max_length):
        raise ValueError(f"no example built for pattern {pattern!r} (got {text!r})")
    return text


def _number_in(node: Scalar, wanted: int) -> int:
    """An integer near *wanted* inside the bounds of *node* (a number or integer schema)."""
    low = node.minimum
    if node.exclusive_minimum is not None:
        low = math.floor(node.exclusive_minimum) + 1
    high = node.maximum
    if node.exclusive_maximum is not None:
        high = math.ceil(node.exclusive_maximum) - 1
    value = wanted
    if low is not None:
        value = max(value, math.ceil(low))
    if high is not None:
        value = min(value, math.floor(high))
    if node.multiple_of:
        step = node.multiple_of
        value = math.ceil(value / step) * step
        value = int(value) if float(value).is_integer() else value
    return value


_Path = tuple[str, ...]


class CoveringPayloads:
    """A few valid payloads of a schema built directly from its schema model (no random
    draws) that together reach every member present, null (where nullable) and absent (where
    optional), and every option of every union, for `Coverage`.

    Built in three steps, each kept only when `dealerbridge.errors` finds the payload valid
    (after the registered fixups of `dealerbridge.testing`, the vendor rules the generic
    generator does not know):

    1. Bases: every member present and non-null, arrays of one item; base ``k`` takes option
       ``k`` of each union (modulo its size), the ``k``-th value of each enum and alternates
       booleans, so that rules between members (a name required unless ``isBusiness``) find
       a base where a member may be null or absent.
    2. A member still never present (a fixup drops it when a sibling is there: "not both")
       is tried with each optional sibling removed. For each state still missing (null,
       then absent), all the missing paths of that state
       edited at once on a base (innermost paths first, so a null container does not hide
       its members), and where that is invalid, one path at a time on each base in turn.
    3. Whatever is left is what no valid payload built this way reaches: `Coverage` reports it.

    Embedded documents (a ``$ref`` to another whole named schema) are their first valid
    fixture, as in `stubs_for`: their own coverage test covers them.
    """

    def __init__(self, name: str, exempt: dict[str, Any] | None = None) -> None:
        from dealerbridge.testing._strategies import _fixups

        self.name = name
        self.registry = db._default_registry()
        self.document = self.registry.model(name)
        self.fixups = _fixups.get(name, [])
        self.coverage = Coverage(name)
        self.exempt = exempt or {}
        self.payloads: list[Any] = []
        self.tried = 0
        sizes = [2]
        self._union_sizes(self.document.root, (), sizes)
        bases = []
        for k in range(max(sizes)):
            base = self.build(self.document.root, k, ())
            if self._accept(base) is not None:
                bases.append(base)  # as built: edits go in before the fixups, as in drawing
        self.bases = bases
        self._cover_present()
        for state in ("null", "absent"):
            self._cover(state)

    # ------------------------------------------------------------------ building values

    def _union_sizes(self, node: Node, seen: tuple[ObjectSchema, ...], out: list[int]) -> None:
        if isinstance(node, Nullable | ContentSchema):
            self._union_sizes(node.schema, seen, out)
        elif isinstance(node, UnionSchema):
            out.append(len(node.options))
            for option in node.options:
                self._union_sizes(option.schema, seen, out)
        elif isinstance(node, ArraySchema):
            self._union_sizes(node.items, seen, out)
        elif isinstance(node, ObjectSchema) and node not in seen:
            for field in node.fields:
                self._union_sizes(field.schema, (*seen, node), out)

    def build(self, node: Node, k: int, seen: tuple[ObjectSchema, ...]) -> Any:
        if isinstance(node, AnyValue):
            return "any"
        if isinstance(node, Nullable):
            return self.build(node.schema, k, seen)
        if isinstance(node, ContentSchema):
            inner = self.build(node.schema, k, seen)
            return inner if node.accepts_decoded and k % 2 else json.dumps(inner)
        if isinstance(node, UnionSchema):
            return self.build(node.options[k % len(node.options)].schema, k, seen)
        if isinstance(node, ArraySchema):
            return [self.build(node.items, k, seen) for _ in range(max(1, node.min_items or 0))]
        if isinstance(node, ObjectSchema):
            location = node.location
            if location.pointer in ("", "#") and location.document_id != self.document.document_id:
                other = self.registry.model_by_id(location.document_id).name
                return copy.deepcopy(fixture_documents(other)[0])
            if node.values is not None and not node.fields:
                return {"key": self.build(node.values, k, (*seen, node))}
            return {
                field.wire_name: self.build(field.schema, k, (*seen, node))
                for field in node.fields
                if node not in seen or field.required
            }
        return self.scalar(node, k)

    def scalar(self, node: Scalar, k: int) -> Any:
        if node.const is not None:
            return node.const[0]
        if node.enum is not None:
            values = [v for v in node.enum if v is not None] or list(node.enum)
            return values[k % len(values)]
        kinds = [t for t in node.types if t != "null"]
        kind = kinds[0] if kinds else "null"
        if kind == "null":
            return None
        if kind == "boolean":
            return k % 2 == 0
        if kind in ("integer", "number"):
            return _number_in(node, 1 + k)
        if node.format == "date":
            return "2026-01-02"
        if node.format == "date-time":
            return "2026-01-02T03:04:05Z"
        if node.pattern:
            return pattern_example(node.pattern, node.min_length or 0, node.max_length)
        size = max(1, node.min_length or 0)
        if node.max_length is not None:
            size = min(size, node.max_length)
        return "a" * size

    # ------------------------------------------------------------------ covering

    def _accept(self, payload: Any) -> Any:
        """*payload* after the fixups when valid (else None); kept in `payloads` when it
        reaches a state no payload kept before reached."""
        payload = copy.deepcopy(payload)  # some fixups edit in place; bases stay as built
        for fixup in self.fixups:
            payload = fixup(payload)
        self.tried += 1
        if db.errors(payload, self.name):
            return None
        seen = self._seen()
        self.coverage.observe(payload)
        if self._seen() != seen:  # kept only when it reaches something new
            self.payloads.append(payload)
        return payload

    def _seen(self) -> tuple[int, int, int]:
        return len(self.coverage.present), len(self.coverage.null), len(self.coverage.absent)

    def missing(self) -> dict[str, list[str]]:
        found = self.coverage.missing()
        return {
            kind: [p for p in paths if p not in self.exempt.get(kind, ())]
            for kind, paths in found.items()
        }

    def _cover_present(self) -> None:
        """Members a base lacks because a rule between members (``not`` both of two) made a
        fixup drop them: each optional sibling removed in turn, on each base."""
        for path in self.missing()["present"]:
            parent = path.rpartition("/")[0]
            siblings = [
                other
                for other, _ in self.coverage.children.get(parent, [])
                if other != path and self.coverage.fields[other]["optional"]
            ]
            for other in siblings:
                for base in self.bases:
                    self._accept_edit(base, [other], "absent")
                    if path not in self.missing()["present"]:
                        break
                if path not in self.missing()["present"]:
                    break

    def _cover(self, state: str) -> None:
        stuck: set[str] = set()  # paths no edit reached: left for `Coverage` to report
        while True:
            todo = [p for p in self.missing()[state] if p not in stuck]
            # innermost first: a member's null or absence before its container's
            layer = [p for p in todo if not any(o.startswith(p + "/") for o in todo)]
            if not layer:
                return
            for base in self.bases:  # the whole layer at once, on each base in turn
                self._accept_edit(base, layer, state)
                if not set(layer) & set(self.missing()[state]):
                    break
            # then one path at a time, on each base until one reaches it (a rule between
            # members may refuse the edit, or a fixup repair it away, on some bases)
            for path in [p for p in layer if p in self.missing()[state]]:
                for base in self.bases:
                    self._accept_edit(base, [path], state)
                    if path not in self.missing()[state]:
                        break
                else:
                    stuck.add(path)

    def _accept_edit(self, base: Any, paths: list[str], state: str) -> bool:
        edited, changed = base, False
        for path in paths:
            edited, hit = _edit_all(edited, tuple(path.split("/")[1:]), state)
            changed |= hit
        return changed and self._accept(edited) is not None


def _edit_all(value: Any, path: _Path, state: str) -> tuple[Any, bool]:
    """*value* with the member at *path* (``*`` = every array item) set to null or removed;
    whether any was there. Strings holding JSON on the way are edited inside."""
    if isinstance(value, str):
        try:
            decoded = json.loads(value)
        except ValueError:
            return value, False
        edited, hit = _edit_all(decoded, path, state)
        return (json.dumps(edited) if hit else value), hit
    head, rest = path[0], path[1:]
    if head == "*":
        if not isinstance(value, list):
            return value, False
        results = [_edit_all(item, rest, state) for item in value]
        return [item for item, _ in results], any(hit for _, hit in results)
    if not isinstance(value, dict) or head not in value:
        return value, False
    out = dict(value)
    if rest:
        out[head], hit = _edit_all(value[head], rest, state)
        return out, hit
    if state == "null":
        out[head] = None
    else:
        del out[head]
    return out, True

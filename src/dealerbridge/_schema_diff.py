"""Compare two versions of a schema and classify each change by the compatibility policy.

The README's policy: a new version that only accepts more is **compatible**; one that rejects
anything the old version accepted is **breaking**. Each change found is one of:

- ``breaking``: the new version rejects something the old one accepted (or may: a change this
  module cannot prove harmless, such as a new or changed ``pattern``, counts as breaking);
- ``compatible``: the new version accepts everything the old one did (and possibly more);
- ``annotation``: no effect on verdicts (descriptions, comments, examples, ``x-`` names).

Independently, ``model`` marks changes that alter the generated models' types even where
verdicts only widen (a new type or enum value, a member becoming optional, a renamed
``x-python-name``): code using the models may need changing.

The comparison is structural, keyword by keyword, walking both documents side by side; a
``$ref`` is compared by its target (the documents it points to are compared on their own).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import jsonschema_rs

from ._errors import DealerbridgeUsageError, ValidationError
from ._json import parse_json, read_regular_file
from ._registry import SchemaRegistry, default_registry
from ._render import escape_segment

__all__ = ["Change", "SchemaDiff", "breaking_versions", "diff_schemas", "load_side"]

_ANNOTATIONS = frozenset(
    {
        "title",
        "description",
        "$comment",
        "examples",
        "default",
        "deprecated",
        "readOnly",
        "writeOnly",
        "$schema",
        "$id",
    }
)
_MODEL_ANNOTATIONS = frozenset({"x-python-name", "x-class-name"})
_LOWER = ("minimum", "minLength", "minItems", "minProperties", "minContains")
_UPPER = ("maximum", "maxLength", "maxItems", "maxProperties", "maxContains")
_EXCLUSIVE = {"exclusiveMinimum": "lower", "exclusiveMaximum": "upper"}
_SUBSCHEMA_MAPS = ("properties", "patternProperties", "$defs", "dependentSchemas")
_SUBSCHEMAS = ("items", "contains", "propertyNames", "unevaluatedItems", "contentSchema")


@attrs.frozen
class Change:
    """One difference: where (JSON Pointer into the schema), its kind, and what changed."""

    pointer: str
    kind: str  # "breaking" | "compatible" | "annotation"
    message: str
    model: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "pointer": self.pointer,
            "kind": self.kind,
            "message": self.message,
            "model": self.model,
        }


@attrs.frozen
class SchemaDiff:
    old: str
    new: str
    changes: tuple[Change, ...]

    @property
    def breaking(self) -> bool:
        return any(c.kind == "breaking" for c in self.changes)

    @property
    def model_changes(self) -> bool:
        return any(c.model for c in self.changes)

    @property
    def verdict(self) -> str:
        if self.breaking:
            return "breaking"
        if any(c.kind == "compatible" for c in self.changes):
            return "compatible"
        return "identical" if not self.changes else "annotations only"

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": self.old,
            "new": self.new,
            "verdict": self.verdict,
            "breaking": self.breaking,
            "model_changes": self.model_changes,
            "changes": [c.to_dict() for c in self.changes],
        }

    def lines(self) -> Iterator[str]:
        for change in self.changes:
            flag = " [changes generated model types]" if change.model else ""
            yield f"{change.kind}: {change.pointer or '/'}: {change.message}{flag}"
        count = sum(1 for c in self.changes if c.kind != "annotation")
        word = "change" if count == 1 else "changes"
        tail = "; generated model types change" if self.model_changes else ""
        yield f"{self.old} -> {self.new}: {self.verdict} ({count} {word}{tail})"


def load_side(text: str, registry: SchemaRegistry | None = None) -> tuple[str, dict[str, Any]]:
    """``(label, document)`` from a file path or ``NAME@VERSION`` (``NAME``: the newest)."""
    path = Path(text)
    if path.exists():  # a file (a directory, FIFO or device is refused, never read or waited on)
        return text, _schema_file(text)
    reg = registry or default_registry()
    name, _, version = text.partition("@")
    if not version and "/" not in name:
        raise DealerbridgeUsageError(f"{text}: no such file, and not NAME@VERSION")
    number: int | None = None
    if version:
        try:
            number = int(version.lstrip("v"))
        except ValueError:
            raise DealerbridgeUsageError(f"{text}: the version must be a number") from None
    resolved = reg.resolve_version(name, number)
    return f"{name}@{resolved}", reg.copy_of(name, resolved)


def _schema_file(text: str) -> dict[str, Any]:
    """The JSON Schema (Draft 2020-12, or the draft its ``$schema`` names) in file *text*:
    strict JSON, checked against its metaschema, so the comparison only meets the keywords
    and value types the specification allows (``"type": 5`` is refused here)."""
    try:
        document = parse_json(read_regular_file(text))
    except ValidationError as exc:
        raise DealerbridgeUsageError(f"cannot read {text} as JSON: {exc.issues[0]}") from None
    if not isinstance(document, dict):
        raise DealerbridgeUsageError(f"{text} is not a JSON Schema: the document is not an object")
    try:
        jsonschema_rs.meta.validate(document)
    except jsonschema_rs.ValidationError as exc:
        where = "/" + "/".join(escape_segment(str(part)) for part in exc.instance_path)
        message = str(exc).splitlines()[0]
        raise DealerbridgeUsageError(
            f"{text} is not a JSON Schema: at {where}: {message}"
        ) from None
    except (jsonschema_rs.ReferencingError, ValueError) as exc:  # an unknown $schema
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DealerbridgeUsageError(f"{text} is not a JSON Schema: {message}") from None
    return document


def diff_schemas(old: tuple[str, dict[str, Any]], new: tuple[str, dict[str, Any]]) -> SchemaDiff:
    """Every change from *old* to *new* (each ``(label, document)``), classified."""
    found: list[Change] = []
    _compare(old[1], new[1], "", found)
    return SchemaDiff(old[0], new[0], tuple(found))


def _types(node: dict[str, Any]) -> set[str] | None:
    kind = node.get("type")
    if kind is None:
        return None
    found = {kind} if isinstance(kind, str) else set(kind)
    if "number" in found:
        found.add("integer")
    return found


def _compare(old: Any, new: Any, at: str, out: list[Change]) -> None:
    if old == new:
        return
    if (
        isinstance(old, bool)
        or isinstance(new, bool)
        or not (isinstance(old, dict) and isinstance(new, dict))
    ):
        if new is True or new == {}:
            out.append(Change(at, "compatible", "now accepts anything", True))
        elif old is True or old == {}:
            out.append(Change(at, "breaking", "accepted anything, now constrained", True))
        else:
            out.append(Change(at, "breaking", "schema replaced", True))
        return

    def add(key: str, kind: str, message: str, model: bool = False) -> None:
        out.append(Change(f"{at}/{key}", kind, message, model))

    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        if key in _ANNOTATIONS or (key.startswith("x-") and key not in _MODEL_ANNOTATIONS):
            if key.startswith("x-rule"):
                add(key, "annotation", f"{key} changed (messages only)")
            else:
                add(key, "annotation", f"{key} changed")
        elif key in _MODEL_ANNOTATIONS:
            add(key, "annotation", f"{key} {a!r} -> {b!r}", True)
        elif key == "type":
            ta, tb = _types(old), _types(new)
            if tb is None:
                add(key, "compatible", f"type {a!r} removed", True)
            elif ta is None:
                add(key, "breaking", f"type {b!r} added", True)
            elif ta <= tb:
                add(key, "compatible", f"type widened {a!r} -> {b!r}", True)
            else:
                add(key, "breaking", f"type {a!r} -> {b!r} rejects {sorted(ta - tb)}", True)
        elif key == "enum":
            if b is None:
                add(key, "compatible", "enum removed", True)
            elif a is None:
                add(key, "breaking", "enum added", True)
            else:
                gone = [v for v in a if v not in b]
                new_values = [v for v in b if v not in a]
                if gone:
                    add(key, "breaking", f"enum values removed: {gone}", True)
                if new_values:
                    add(key, "compatible", f"enum values added: {new_values}", True)
        elif key == "const":
            kind = "compatible" if b is None else "breaking"
            add(key, kind, f"const {a!r} -> {b!r}", True)
        elif key == "required":
            sa, sb = set(a or ()), set(b or ())
            if sb - sa:
                add(key, "breaking", f"now required: {sorted(sb - sa)}", True)
            if sa - sb:
                add(key, "compatible", f"no longer required: {sorted(sa - sb)}", True)
        elif key in _LOWER or key in _UPPER:
            lower = key in _LOWER
            if b is None:
                add(key, "compatible", f"{key} {a} removed")
            elif a is None:
                add(key, "breaking", f"{key} {b} added")
            elif (b > a) if lower else (b < a):
                add(key, "breaking", f"{key} {a} -> {b}")
            else:
                add(key, "compatible", f"{key} {a} -> {b}")
        elif key in _EXCLUSIVE:
            lower = _EXCLUSIVE[key] == "lower"
            if b is None:
                add(key, "compatible", f"{key} {a} removed")
            elif a is None or ((b > a) if lower else (b < a)):
                add(key, "breaking", f"{key} {a} -> {b}")
            else:
                add(key, "compatible", f"{key} {a} -> {b}")
        elif key in ("pattern", "format", "multipleOf", "uniqueItems", "contentMediaType"):
            model = key == "format"
            if b is None or (key == "uniqueItems" and b is False):
                add(key, "compatible", f"{key} {a!r} removed", model)
            else:
                add(key, "breaking", f"{key} {a!r} -> {b!r}", model)
        elif key == "additionalProperties" or key == "unevaluatedProperties":
            _open_change(old, new, key, at, out)
        elif key in _SUBSCHEMA_MAPS:
            _compare_map(old, new, key, at, out)
        elif key in _SUBSCHEMAS:
            if b is None:
                add(key, "compatible", f"{key} removed", True)
            elif a is None:
                add(key, "breaking", f"{key} added", True)
            else:
                _compare(a, b, f"{at}/{key}", out)
        elif key in ("anyOf", "oneOf", "allOf", "prefixItems"):
            _compare_list(key, a, b, at, out)
        elif key == "$ref":
            add(key, "breaking", f"reference {a!r} -> {b!r} (not proven compatible)", True)
        else:
            add(key, "breaking", f"{key} changed (not analysed: treated as breaking)", True)


def _open_change(
    old: dict[str, Any], new: dict[str, Any], key: str, at: str, out: list[Change]
) -> None:
    a, b = old.get(key, True), new.get(key, True)
    where = f"{at}/{key}"
    if b is True or b == {}:
        out.append(Change(where, "compatible", "unknown members now accepted", True))
    elif a is True or a == {}:
        out.append(Change(where, "breaking", "unknown members now constrained or rejected", True))
    elif a is False:
        out.append(
            Change(where, "compatible", "unknown members were rejected, now some pass", True)
        )
    elif b is False:
        out.append(Change(where, "breaking", "unknown members now rejected", True))
    else:
        _compare(a, b, where, out)


def _compare_map(
    old: dict[str, Any], new: dict[str, Any], key: str, at: str, out: list[Change]
) -> None:
    a: dict[str, Any] = old.get(key) or {}
    b: dict[str, Any] = new.get(key) or {}
    closed_old = old.get("additionalProperties") is False
    closed_new = new.get("additionalProperties") is False
    for name in sorted(set(a) | set(b)):
        where = f"{at}/{key}/{escape_segment(name)}"
        if name in a and name in b:
            _compare(a[name], b[name], where, out)
        elif key == "$defs":
            verb = "added" if name in b else "removed"
            out.append(Change(where, "annotation", f"definition {verb}"))
        elif key != "properties":
            verb = "added" if name in b else "removed"
            out.append(Change(where, "breaking", f"{key} entry {verb} (not analysed)", True))
        elif name in b:
            if closed_old:
                out.append(Change(where, "compatible", "member added (was rejected)", True))
            elif b[name] is True or b[name] == {}:
                out.append(Change(where, "compatible", "member added (any value)", True))
            else:
                out.append(
                    Change(where, "breaking", "member added to an open object: constrains it", True)
                )
        elif closed_new:
            out.append(Change(where, "breaking", "member removed from a closed object", True))
        else:
            out.append(Change(where, "compatible", "member removed (now any value)", True))


def _compare_list(key: str, a: Any, b: Any, at: str, out: list[Change]) -> None:
    a = a or []
    b = b or []
    where = f"{at}/{key}"
    if len(a) == len(b):
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            _compare(x, y, f"{where}/{index}", out)
        return
    if key == "anyOf" and all(x in b for x in a):
        out.append(Change(where, "compatible", "alternatives added", True))
    elif key == "allOf" and all(y in a for y in b):
        out.append(Change(where, "compatible", "constraints removed", True))
    else:
        out.append(
            Change(where, "breaking", f"{key} changed from {len(a)} to {len(b)} entries", True)
        )


def breaking_versions(registry: SchemaRegistry) -> list[tuple[str, int, SchemaDiff]]:
    """``(name, new version, diff)`` for each consecutive pair of versions that breaks."""
    found: list[tuple[str, int, SchemaDiff]] = []
    for name in registry.names():
        versions = registry.versions(name)
        for old, new in itertools.pairwise(versions):
            result = diff_schemas(
                (f"{name}@{old}", registry.document(name, old)),
                (f"{name}@{new}", registry.document(name, new)),
            )
            if result.breaking:
                found.append((name, new, result))
    return found

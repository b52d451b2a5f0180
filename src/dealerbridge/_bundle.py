"""Bundled schemas: one self-contained document per schema, every ``$ref`` resolved inside it.

`bundle` copies the named document and embeds, flat under its own ``$defs``, every definition
it uses from another document (through ``$ref``, transitively), then rewrites every ``$ref``
to a local fragment. Any Draft 2020-12 validator (ajv in strict mode, jsonschema-rs,
python-jsonschema) loads the result with no registry and gives the schema's verdict, and code
generators (datamodel-code-generator, json-schema-to-typescript) name each class after it.

Key naming (`Flattener`): a definition that is a titled object is embedded under its title
without spaces (``Service``, ``CreateOrderGog``: the name a code generator gives its class);
another definition under its ``$defs`` key in its own document (``cents``,
``mykaarmaAmount``); a whole document under its title. A key already taken by a different
definition gets the vendor's name in front (``ShopmonkeyLabels``). Keys hold only ASCII
letters, digits and ``_``: no dot a generator reads as a module path, no pointer escaping.
Only what the root reaches is embedded; the root's own definitions are renamed by the same
rule (``$defs/CreateOrderGog`` stays, a key that differs from its title becomes the title).

The exported form (`portable`) carries nothing a strict validator refuses: our ``x-``
annotations (`schemas/CONVENTIONS.md`) are removed unless asked for, and a ``type`` listing
several non-null types becomes an ``anyOf`` of one branch per type, each with the keywords
that apply to it (ajv's ``strictTypes``); a ``required`` name that no ``properties`` of the
same subschema defines gets a ``true`` entry there (ajv's ``strictRequired``). None of this
changes a verdict; the parity tests check it on every fixture and strategy draw.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Callable
from typing import Any, cast

from ._errors import UnknownSchemaError
from ._registry import ID_PREFIX, SchemaRegistry
from ._render import escape_segment, unescape_segment
from ._types import JSON

__all__ = ["Flattener", "bundle", "defs_key", "portable", "rewrite_refs"]

# Keywords whose values are data, not schemas: a "$ref" string inside them is left alone.
_DATA_KEYWORDS = frozenset({"enum", "const", "examples", "default"})
# Keywords whose values map names to schemas (the names are data, the values schemas).
_MAP_KEYWORDS = frozenset({"properties", "$defs", "patternProperties", "dependentSchemas"})

# The keywords that apply to one JSON type only (moved into that type's branch).
_TYPE_KEYWORDS: dict[str, frozenset[str]] = {
    "string": frozenset(
        {"pattern", "minLength", "maxLength", "format", "contentMediaType", "contentSchema"}
    ),
    "number": frozenset(
        {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}
    ),
    "object": frozenset(
        {
            "properties",
            "required",
            "additionalProperties",
            "patternProperties",
            "propertyNames",
            "minProperties",
            "maxProperties",
            "dependentRequired",
            "dependentSchemas",
            "unevaluatedProperties",
        }
    ),
    "array": frozenset(
        {
            "items",
            "prefixItems",
            "minItems",
            "maxItems",
            "uniqueItems",
            "contains",
            "minContains",
            "maxContains",
            "unevaluatedItems",
        }
    ),
}
_TYPE_KEYWORDS["integer"] = _TYPE_KEYWORDS["number"]

# Keywords whose subschemas apply to the same instance as the schema holding them.
_SAME_LEVEL = frozenset({"allOf", "anyOf", "oneOf", "not", "if", "then", "else"})

_KEY = re.compile(r"[^A-Za-z0-9_]")
_EXACT_NAMES = re.compile(r"\^(?:\(([A-Za-z0-9_]+(?:\|[A-Za-z0-9_]+)*)\)|([A-Za-z0-9_]+))\$")


def defs_key(document_id: str) -> str:
    """The dotted name of a bundled document (``common.primitives.v1``), as used before keys
    were flattened; kept for `dealerbridge schemas diff` and old callers."""
    if not document_id.startswith(ID_PREFIX) or not document_id.endswith(".json"):
        raise UnknownSchemaError(f"not a bundled schema $id: {document_id!r}")
    return document_id[len(ID_PREFIX) : -len(".json")].replace("/", ".")


def rewrite_refs(node: JSON, target: Callable[[str], str]) -> None:
    """Replace, in place, every ``$ref`` in the schema *node* by ``target(ref)`` (a ``$ref``
    inside data keywords such as ``enum`` or ``examples`` is data and stays)."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            node["$ref"] = target(ref)
        for key, value in node.items():
            if key not in _DATA_KEYWORDS:
                rewrite_refs(value, target)
    elif isinstance(node, list):
        for item in node:
            rewrite_refs(item, target)


def portable(node: JSON, *, annotations: bool = False) -> JSON:
    """A copy of the schema *node* in the form strict tools accept (see the module docstring):
    ``x-`` keywords dropped unless *annotations*, union types split, required names defined,
    object keywords on a node whose type nothing states made explicit."""
    return cast(JSON, _portable(node, annotations, typed=False))


def _portable(node: Any, annotations: bool, *, typed: bool) -> Any:
    """*typed*: a schema at the same instance level (a parent through ``allOf``, ``if``, ...)
    states the type, as ajv's ``strictTypes`` wants."""
    if isinstance(node, list):
        return [_portable(item, annotations, typed=typed) for item in node]
    if not isinstance(node, dict):
        return node
    typed = typed or "type" in node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key.startswith("x-") and not annotations:
            continue
        if key in _DATA_KEYWORDS:
            out[key] = copy.deepcopy(value)
        elif key in _MAP_KEYWORDS:
            out[key] = {k: _portable(v, annotations, typed=False) for k, v in value.items()}
        else:
            out[key] = _portable(value, annotations, typed=typed and key in _SAME_LEVEL)
    _exact_names_as_properties(out)
    required = out.get("required")
    closed = "additionalProperties" in out or "unevaluatedProperties" in out
    if isinstance(required, list) and not closed:
        properties = out.get("properties", {})
        missing = [name for name in required if name not in properties]
        if missing:
            out["properties"] = {**properties, **dict.fromkeys(missing, True)}
    types = out.get("type")
    if isinstance(types, list) and len([t for t in types if t != "null"]) > 1:
        out = _split_types(out, types)
    elif not typed and _TYPE_KEYWORDS["object"] & set(out):
        out = _object_or_other(out)
    return out


def _object_or_other(node: dict[str, Any]) -> dict[str, Any]:
    """Object keywords on a node that states no type (``if: {required: [k]}``) apply to
    objects only and let any other value pass: said explicitly, ``anyOf`` an object with
    those keywords or anything that is not an object (the same verdict for every value)."""
    moved = _TYPE_KEYWORDS["object"]
    branch = {"type": "object", **{k: v for k, v in node.items() if k in moved}}
    rest = {k: v for k, v in node.items() if k not in moved}
    if "anyOf" in rest:
        rest["allOf"] = [*rest.get("allOf", []), {"anyOf": rest.pop("anyOf")}]
    rest["anyOf"] = [branch, {"not": {"type": "object"}}]
    return rest


def _exact_names_as_properties(node: dict[str, Any]) -> None:
    """``patternProperties: {"^(a|b)$": S}`` (exact member names) as ``properties: {"a": S,
    "b": S}``: the same members, the same verdict, and ajv's ``strictRequired`` sees them."""
    patterns = node.get("patternProperties")
    if not isinstance(patterns, dict):
        return
    properties = dict(node.get("properties", {}))
    for pattern in list(patterns):
        exact = _EXACT_NAMES.fullmatch(pattern)
        names = (exact.group(1) or exact.group(2)).split("|") if exact else []
        if names and not any(n in properties for n in names):
            properties.update(dict.fromkeys(names, patterns.pop(pattern)))
    if properties:
        node["properties"] = properties
    if not patterns:
        del node["patternProperties"]


def _split_types(node: dict[str, Any], types: list[str]) -> dict[str, Any]:
    """``{"type": [a, b], ...}`` as ``{"anyOf": [{"type": a, ...}, {"type": b, ...}]}``: each
    branch takes the keywords that apply to its type; the rest stays on the node."""
    moved = frozenset().union(*(_TYPE_KEYWORDS.get(t, frozenset()) for t in types))
    branches = [
        {"type": t, **{k: v for k, v in node.items() if k in _TYPE_KEYWORDS.get(t, ())}}
        for t in types
    ]
    rest = {k: v for k, v in node.items() if k != "type" and k not in moved}
    if "anyOf" in rest:
        rest["allOf"] = [*rest.get("allOf", []), {"anyOf": rest.pop("anyOf")}]
    rest["anyOf"] = branches
    return rest


class Flattener:
    """Gives every definition a bundle reaches one flat key (see the module docstring) and
    collects the definitions, each rewritten so its ``$ref`` s use those keys.

    *prefix* is what a local reference starts with (``#/$defs/`` in a bundle,
    ``#/components/schemas/`` in the OpenAPI document); *root_id* is the document whose root
    is the bundle itself (its ``$ref`` s to ``#`` stay ``#``), or ``None``."""

    def __init__(self, registry: SchemaRegistry, prefix: str, root_id: str | None = None):
        self._registry = registry
        self._prefix = prefix
        self._root_id = root_id
        self._keys: dict[tuple[str, str], str] = {}
        self._taken: set[str] = set()
        self._pending: list[tuple[str, str]] = []
        self.definitions: dict[str, Any] = {}

    def ref(self, document_id: str, fragment: str) -> str:
        """The local reference standing for *fragment* (``""`` or ``/$defs/<name>``, plus an
        optional pointer inside it) of the document *document_id*."""
        if document_id == self._root_id and fragment == "":
            return "#"
        head, rest = _split_fragment(fragment)
        return self._prefix + self.key(document_id, head) + rest

    def key(self, document_id: str, head: str) -> str:
        """The flat key of the definition *head* (``""`` or ``/$defs/<name>``) of a document."""
        found = self._keys.get((document_id, head))
        if found is not None:
            return found
        _, raw = self._registry.locate(document_id, "#" + head)  # raises for an unknown one
        key = self._free_key(document_id, head, raw)
        self._keys[(document_id, head)] = key
        self._taken.add(key)
        self._pending.append((document_id, head))
        return key

    def _free_key(self, document_id: str, head: str, raw: object) -> str:
        title = raw.get("title") if isinstance(raw, dict) else None
        if isinstance(title, str):
            wanted = _KEY.sub("", title)
        elif head:
            wanted = _KEY.sub("_", unescape_segment(head.rsplit("/", 1)[1]))
        else:
            wanted = "".join(p.capitalize() for p in re.split(r"[^A-Za-z0-9]", _name(document_id)))
        if wanted not in self._taken:
            return wanted
        vendor = _name(document_id).split("/", 1)[0].capitalize()
        candidate = vendor + wanted[:1].upper() + wanted[1:]
        number = 2
        while candidate in self._taken:
            candidate = f"{vendor}{wanted[:1].upper()}{wanted[1:]}{number}"
            number += 1
        return candidate

    def _local(self, current: str, ref: str) -> str:
        return self.ref(*_target(current, ref))

    def drain(self, annotations: bool) -> None:
        """Build every definition keyed so far (and those they reach) into `definitions`."""
        while self._pending:
            document_id, head = self._pending.pop(0)
            _, raw = self._registry.locate(document_id, "#" + head)
            node = copy.deepcopy(raw)
            if isinstance(node, dict):
                for drop in ("$id", "$schema", "$defs"):
                    node.pop(drop, None)
            rewrite_refs(node, functools.partial(self._local, document_id))
            self.definitions[self._keys[(document_id, head)]] = portable(
                node, annotations=annotations
            )


def _name(document_id: str) -> str:
    """``mykaarma/order`` from ``https://schemas.dealerbridge.dev/mykaarma/order/v1.json``."""
    return document_id[len(ID_PREFIX) :].rsplit("/", 1)[0]


def _target(current: str, ref: str) -> tuple[str, str]:
    document_id, _, fragment = ref.partition("#")
    return document_id or current, fragment


def _split_fragment(fragment: str) -> tuple[str, str]:
    """``/$defs/A/properties/b`` -> (``/$defs/A``, ``/properties/b``); ``/properties/b`` ->
    (``""``, ``/properties/b``)."""
    if fragment.startswith("/$defs/"):
        parts = fragment.split("/", 3)
        return "/" + parts[1] + "/" + parts[2], ("/" + parts[3]) if len(parts) > 3 else ""
    return "", fragment


def bundle(
    registry: SchemaRegistry,
    name: str,
    version: int | None = None,
    *,
    annotations: bool = False,
) -> dict[str, Any]:
    """One self-contained, portable copy of the named schema (see the module docstring);
    ``annotations=True`` keeps our ``x-`` keywords."""
    document = registry.document(name, version)
    root_id: str = document["$id"]
    flat = Flattener(registry, "#/$defs/", root_id)
    root = copy.deepcopy(document)
    own = root.pop("$defs", {})
    # The root's own definitions first, in their order: they keep their keys when free.
    for key in own:
        flat.key(root_id, "/$defs/" + escape_segment(key))
    rewrite_refs(root, lambda ref: flat.ref(*_target(root_id, ref)))
    flat.drain(annotations)
    out = portable(root, annotations=annotations)
    assert isinstance(out, dict)  # a schema document is an object, and so is its copy
    if flat.definitions:
        out["$defs"] = flat.definitions
    return out

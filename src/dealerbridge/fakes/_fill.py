"""Server-side defaults: the members a vendor adds to a row it creates, read from our schema.

A fake that stores a Shopmonkey service built from a create request must answer with every
member the response schema requires. Rather than a second hand-kept list of those members,
`fill_required` walks the bundled response schema (`dealerbridge.schema(..., bundled=True)`)
and gives each required member that the request did not set the value a fresh row has:
``null`` where the schema allows it, the first value of an enum, ``0``, ``false``, ``""``,
``[]``, a new id for an ``id`` or ``...Id`` string, the current time for a date-time. The
result is then read with `dealerbridge.load`, so a default the schema refuses fails loudly.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import cast

from .. import schema as _schema
from .._models import JSON

__all__ = ["fill_required"]

Node = dict[str, object]


@cache
def _bundled(name: str) -> Node:
    return _schema(name, bundled=True)


def _resolve(root: Node, node: Node) -> Node:
    seen = 0
    while "$ref" in node and seen < 32:
        ref = node["$ref"]
        assert isinstance(ref, str) and ref.startswith("#/")
        target: object = root
        for part in ref[2:].split("/"):
            target = cast(Node, target)[part.replace("~1", "/").replace("~0", "~")]
        node = cast(Node, target)
        seen += 1
    return node


def _allows_null(root: Node, node: Node) -> bool:
    kind = node.get("type")
    if kind == "null" or (isinstance(kind, list) and "null" in kind):
        return True
    for key in ("anyOf", "oneOf"):
        branches = node.get(key)
        if isinstance(branches, list) and any(
            _allows_null(root, _resolve(root, cast(Node, b))) for b in branches
        ):
            return True
    return False


def _is_date_time(ref: object, node: Node) -> bool:
    return node.get("format") == "date-time" or (isinstance(ref, str) and "DateTime" in ref)


def _default(root: Node, key: str, node: Node, new_id: Callable[[], str], now: str) -> JSON:
    ref = node.get("$ref")
    node = _resolve(root, node)
    if "const" in node:
        return cast(JSON, node["const"])
    if _allows_null(root, node):
        return None
    enum = node.get("enum")
    if isinstance(enum, list) and enum:
        return cast(JSON, enum[0])
    for key_of in ("anyOf", "oneOf", "allOf"):
        branches = node.get(key_of)
        if isinstance(branches, list) and branches:
            return _default(root, key, cast(Node, branches[0]), new_id, now)
    kind = node.get("type")
    if isinstance(kind, list):
        kind = kind[0]
    if kind == "integer" or kind == "number":
        minimum = node.get("minimum")  # 0 unless the schema's lower bound is above it
        if isinstance(minimum, int | float) and not isinstance(minimum, bool) and minimum > 0:
            return int(minimum) if kind == "integer" else minimum
        return 0
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    if kind == "object":
        return fill_node(root, node, {}, new_id, now)
    if _is_date_time(ref, node):
        return now
    if key == "id" or key.endswith("Id"):
        return new_id()
    return ""


def fill_node(
    root: Node, node: Node, value: dict[str, JSON], new_id: Callable[[], str], now: str
) -> dict[str, JSON]:
    """*value* with every required member of the object schema *node* that it lacks added."""
    node = _resolve(root, node)
    required = node.get("required")
    properties = cast(dict[str, Node], node.get("properties") or {})
    out = dict(value)
    for key in required if isinstance(required, list) else ():
        if key not in out:
            out[key] = _default(root, key, properties.get(key, {}), new_id, now)
    return out


def fill_required(
    schema_name: str, value: dict[str, JSON], *, new_id: Callable[[], str], now: str
) -> dict[str, JSON]:
    """*value* with every member the schema *schema_name* requires and *value* lacks added
    (one level: nested objects the request set are filled by their own call)."""
    root = _bundled(schema_name)
    return fill_node(root, root, value, new_id, now)

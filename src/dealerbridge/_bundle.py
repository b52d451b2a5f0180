"""Bundled schemas: one self-contained document per schema, every ``$ref`` resolved inside it.

`bundle` copies the named document and embeds every other bundled document it reaches (through
``$ref``, transitively) under its own ``$defs``, then rewrites every ``$ref`` to a local
fragment. Any Draft 2020-12 validator (ajv, jsonschema-rs, python-jsonschema) loads the result
with no registry and gives the schema's verdict.

Key naming: the document ``https://schemas.dealerbridge.dev/<vendor>/<name>/v<N>.json`` is
embedded as ``$defs["<vendor>.<name>.v<N>"]`` (for example ``common.primitives.v1``), without
its ``$id`` and ``$schema``; a reference ``<that $id>#/$defs/money`` becomes
``#/$defs/common.primitives.v1/$defs/money``. The root document keeps its ``$id`` and its own
fragments unchanged. A key never contains ``/`` or ``~``, so no pointer escaping is needed.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from typing import Any

from ._errors import UnknownSchemaError
from ._registry import ID_PREFIX, SchemaRegistry

__all__ = ["bundle", "defs_key", "rewrite_refs"]

# Keywords whose values are data, not schemas: a "$ref" string inside them is left alone.
_DATA_KEYWORDS = frozenset({"enum", "const", "examples", "default"})


def defs_key(document_id: str) -> str:
    """The ``$defs`` key a bundled document is embedded under (``common.primitives.v1``)."""
    if not document_id.startswith(ID_PREFIX) or not document_id.endswith(".json"):
        raise UnknownSchemaError(f"not a bundled schema $id: {document_id!r}")
    return document_id[len(ID_PREFIX) : -len(".json")].replace("/", ".")


def rewrite_refs(node: Any, target: Callable[[str], str]) -> None:
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


def bundle(registry: SchemaRegistry, name: str, version: int | None = None) -> dict[str, Any]:
    """One self-contained copy of the named schema (see the module docstring)."""
    root = copy.deepcopy(registry.document(name, version))
    root_id: str = root["$id"]
    embedded: dict[str, dict[str, Any]] = {}
    pending: list[str] = []

    def target_of(current: str, ref: str) -> str:
        doc_id, _, fragment = ref.partition("#")
        doc_id = doc_id or current
        if doc_id == root_id:
            return "#" + fragment
        if doc_id not in embedded:
            registry.locate(doc_id, "#")  # raises for an unknown document
            embedded[doc_id] = {}
            pending.append(doc_id)
        return f"#/$defs/{defs_key(doc_id)}{fragment}"

    rewrite_refs(root, functools.partial(target_of, root_id))
    while pending:
        doc_id = pending.pop()
        doc = copy.deepcopy(registry.locate(doc_id, "#")[1])
        doc.pop("$id", None)
        doc.pop("$schema", None)
        rewrite_refs(doc, functools.partial(target_of, doc_id))
        embedded[doc_id] = doc
    if embedded:
        defs = root.setdefault("$defs", {})
        for doc_id in sorted(embedded):
            key = defs_key(doc_id)
            if key in defs:
                raise UnknownSchemaError(f"{name}: $defs already has a key {key!r}")
            defs[key] = embedded[doc_id]
    return root

"""The registry of bundled, versioned JSON Schemas, and the one ``$ref`` resolver.

Schemas live in ``schemas/<vendor>/<name>/v<N>.json`` (inside the wheel at
``dealerbridge/schemas``). Every ``$ref`` resolves from these files only: retrieval of any
other URI is refused, so validation never touches the network. `SchemaRegistry.model` gives
each document's schema model (`dealerbridge._schema_model`), built once.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Sequence
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from ._errors import UnknownSchemaError
from ._render import render_value, unescape_segment
from ._schema_model import (
    Location,
    Node,
    Nullable,
    ObjectRule,
    ObjectSchema,
    SchemaDocument,
    build_document,
    iter_objects,
)

__all__ = ["ID_PREFIX", "SchemaRegistry", "default_registry", "pointer_parts", "schema_root"]

ID_PREFIX = "https://schemas.dealerbridge.dev/"
_FILE = re.compile(r"v([1-9][0-9]*)\.json\Z")


def schema_root() -> Path:
    """Directory holding the bundled schemas (the wheel's copy, else the source tree's)."""
    packaged = resources.files("dealerbridge") / "schemas"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "schemas"


class SchemaRegistry:
    """Named, versioned schemas read from one or more root directories."""

    def __init__(self, roots: Sequence[Path]) -> None:
        self._roots = tuple(roots)
        # Built as they are asked for: every model node by location, every document model,
        # the object rules (``allOf`` entries) by location and the documents they were read from.
        self._model_cache: dict[Location, Node] = {}
        self._models: dict[tuple[str, int], SchemaDocument] = {}
        self._object_rules: dict[Location, ObjectRule] = {}
        self._rules_read: set[str] = set()

    @cached_property
    def _files(self) -> dict[str, dict[int, Path]]:
        found: dict[str, dict[int, Path]] = {}
        for root in self._roots:
            for path in sorted(root.glob("*/*/v*.json")):
                match = _FILE.match(path.name)
                if match is None:
                    continue
                name = f"{path.parent.parent.name}/{path.parent.name}"
                found.setdefault(name, {})[int(match.group(1))] = path
        return found

    @cached_property
    def _documents(self) -> dict[tuple[str, int], dict[str, Any]]:
        docs: dict[tuple[str, int], dict[str, Any]] = {}
        for name, versions in self._files.items():
            for version, path in versions.items():
                docs[(name, version)] = json.loads(path.read_text(encoding="utf-8"))
        return docs

    def names(self) -> list[str]:
        return sorted(self._files)

    def versions(self, name: str) -> list[int]:
        return sorted(self._versions(name))

    def _versions(self, name: str) -> dict[int, Path]:
        if not isinstance(name, str):
            raise UnknownSchemaError(f"a schema name is a str, not {type(name).__name__}")
        try:
            return self._files[name]
        except KeyError:
            raise UnknownSchemaError(
                f"no schema named {render_value(name)}; known: {', '.join(self.names())}"
            ) from None

    def resolve_version(self, name: str, version: int | None) -> int:
        versions = self._versions(name)
        if version is None:
            return max(versions)
        if type(version) is not int or version not in versions:
            raise UnknownSchemaError(
                f"schema {name!r} has no version {render_value(version)}; known: {sorted(versions)}"
            )
        return version

    def document(self, name: str, version: int | None = None) -> dict[str, Any]:
        """The schema document itself (shared; callers must not mutate it)."""
        return self._documents[(name, self.resolve_version(name, version))]

    def copy_of(self, name: str, version: int | None = None) -> dict[str, Any]:
        return copy.deepcopy(self.document(name, version))

    def resources(self) -> Iterable[tuple[str, dict[str, Any]]]:
        for doc in self._documents.values():
            yield doc["$id"], doc

    @cached_property
    def _by_id(self) -> dict[str, dict[str, Any]]:
        return {doc["$id"]: doc for doc in self._documents.values()}

    def locate(self, base: str, ref: str) -> tuple[Location, Any]:
        """``(location, node)`` that *ref* points at, read relative to document *base*: the
        one resolver every module uses (JSON Pointer ``~0``/``~1`` and ``%xx`` unescaped)."""
        target, _, fragment = ref.partition("#")
        doc_id = target or base
        try:
            node: Any = self._by_id[doc_id]
        except KeyError:
            raise UnknownSchemaError(f"no bundled schema has $id {doc_id!r}") from None
        pointer = unquote(fragment)
        try:
            for part in pointer_parts(pointer):
                node = node[int(part)] if isinstance(node, list) else node[part]
        except (KeyError, IndexError, ValueError, TypeError):
            raise UnknownSchemaError(f"{ref!r} points at nothing in {doc_id}") from None
        return Location(doc_id, pointer), node

    def resolve(self, base: str, ref: str) -> tuple[str, Any]:
        """``(document $id, node)`` that *ref* points at, read relative to document *base*."""
        location, node = self.locate(base, ref)
        return location.document_id, node

    def node_at(self, name: str, version: int | None, pointer: str) -> Any:
        """The raw node at JSON Pointer *pointer* of a document (``""``: the document)."""
        return self.locate(self.document(name, version)["$id"], "#" + pointer)[1]

    def member_names(self) -> frozenset[str]:
        """Every member name some schema of this registry defines: the fields of every object
        of every document's model (built on first use; redaction is its only reader)."""
        return self._member_names

    @cached_property
    def _member_names(self) -> frozenset[str]:
        names: set[str] = set()
        for name in self.names():
            for version in self.versions(name):
                document = self.model(name, version)
                for node in (document.root, *document.defs.values()):
                    for _path, obj in iter_objects(node):
                        names.update(field.wire_name for field in obj.fields)
        return frozenset(names)

    def model(self, name: str, version: int | None = None) -> SchemaDocument:
        """The schema model of a document (``version=None``: the newest), built once."""
        key = (name, self.resolve_version(name, version))
        found = self._models.get(key)
        if found is None:
            found = build_document(
                self._documents[key], key[0], key[1], self.locate, self._model_cache
            )
            self._models[key] = found
        return found

    def model_by_id(self, document_id: str) -> SchemaDocument:
        """The schema model of the bundled document with this ``$id``."""
        try:
            name, version = self._key_by_id[document_id]
        except KeyError:
            raise UnknownSchemaError(f"no bundled schema has $id {document_id!r}") from None
        return self.model(name, version)

    @cached_property
    def _key_by_id(self) -> dict[str, tuple[str, int]]:
        # model_node asks for every issue the translation explains: a look-up, not a scan.
        return {doc["$id"]: key for key, doc in self._documents.items()}

    def raw_at(self, location: Location) -> Any:
        """The raw schema node at a model location."""
        return self.locate(location.document_id, "#" + location.pointer)[1]

    def model_node(self, location: Location) -> Node | None:
        """The model node at *location* (built with its document), or None when no node of
        the model lives there (a keyword inside ``if``/``not``, say)."""
        try:
            self.model_by_id(location.document_id)
        except UnknownSchemaError:
            return None
        return self._model_cache.get(location)

    def object_rule(self, location: Location) -> ObjectRule | None:
        """The `ObjectRule` (an object's ``allOf`` entry) at *location*, or None."""
        rules = self._object_rules
        if location.document_id not in self._rules_read:
            self.model_node(Location(location.document_id))
            for node in list(self._model_cache.values()):
                inner = node.schema if isinstance(node, Nullable) else node
                if isinstance(inner, ObjectSchema):
                    rules.update((rule.location, rule) for rule in inner.rules)
            self._rules_read.add(location.document_id)
        return rules.get(location)

    def model_at(self, name: str, version: int | None, pointer: str = "") -> Node:
        """The model node at JSON Pointer *pointer* of a document (``""``: its root)."""
        document = self.model(name, version)
        if not pointer:
            return document.root
        location, _ = self.locate(document.document_id, "#" + pointer)
        found = self._model_cache.get(location)
        if found is None:
            raise UnknownSchemaError(f"{name}: no schema node at {pointer!r}")
        return found


def pointer_parts(pointer: str) -> list[str]:
    """The unescaped reference tokens of a JSON Pointer (RFC 6901): ``~1`` is ``/``, then
    ``~0`` is ``~`` (in that order, so ``~01`` is ``~1``)."""
    if not pointer:
        return []
    if not pointer.startswith("/"):
        raise UnknownSchemaError(f"{pointer!r} is not a JSON Pointer")
    return [unescape_segment(p) for p in pointer[1:].split("/")]


_default: SchemaRegistry | None = None


def default_registry() -> SchemaRegistry:
    global _default
    if _default is None:
        _default = SchemaRegistry([schema_root()])
    return _default

"""The registry of bundled, versioned JSON Schemas.

Schemas live in ``schemas/<vendor>/<name>/v<N>.json`` (inside the wheel at
``dealerbridge/schemas``). Every ``$ref`` resolves from these files only: retrieval of any
other URI is refused, so validation never touches the network.
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

from ._errors import UnknownSchemaError
from ._render import render_value

__all__ = ["ID_PREFIX", "SchemaRegistry", "default_registry", "schema_root"]

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

    def resolve(self, base: str, ref: str) -> tuple[str, Any]:
        """``(document $id, node)`` that *ref* points at, read relative to document *base*."""
        target, _, fragment = ref.partition("#")
        doc_id = target or base
        try:
            node: Any = self._by_id[doc_id]
        except KeyError:
            raise UnknownSchemaError(f"no bundled schema has $id {doc_id!r}") from None
        for part in fragment.strip("/").split("/") if fragment else []:
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return doc_id, node


_default: SchemaRegistry | None = None


def default_registry() -> SchemaRegistry:
    global _default
    if _default is None:
        _default = SchemaRegistry([schema_root()])
    return _default

"""dealerbridge: validate, type and translate myKaarma and Shopmonkey payloads.

The public surface is re-exported here; implementation modules are private (``_name``).
"""

from ._errors import (
    DealerbridgeError,
    DealerbridgeUsageError,
    DealerbridgeWarning,
    Issue,
    UnknownEnumValueWarning,
    UnknownSchemaError,
    ValidationError,
    redaction,
)
from ._json import MAX_DEPTH, parse_json
from ._models import JSON, UNSET, ArrayModel, Model, UnsetType, converter, dump, load
from ._registry import default_registry as _default_registry
from ._validation import ISSUE_CODES, errors, validate

__version__ = "0.1.0"


def schema(name: str, *, version: int | None = None) -> dict[str, object]:
    """A copy of the named schema document (``version=None``: the newest)."""
    return _default_registry().copy_of(name, version)


def schema_names() -> list[str]:
    """Every bundled schema name, ``<vendor>/<name>``, sorted."""
    return _default_registry().names()


def schema_versions(name: str) -> list[int]:
    """The bundled versions of one schema, oldest first."""
    return _default_registry().versions(name)


__all__ = [
    "ISSUE_CODES",
    "JSON",
    "MAX_DEPTH",
    "UNSET",
    "ArrayModel",
    "DealerbridgeError",
    "DealerbridgeUsageError",
    "DealerbridgeWarning",
    "Issue",
    "Model",
    "UnknownEnumValueWarning",
    "UnknownSchemaError",
    "UnsetType",
    "ValidationError",
    "__version__",
    "converter",
    "dump",
    "errors",
    "load",
    "parse_json",
    "redaction",
    "schema",
    "schema_names",
    "schema_versions",
    "validate",
]

"""dealerbridge: validate, type and translate myKaarma and Shopmonkey payloads.

The public surface is re-exported here; implementation modules are private (``_name``).
"""

import contextlib
import inspect
import typing

from ._codes import ISSUE_CODES
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
from ._json import MAX_DEPTH, MAX_EXPANDED_VALUES, parse_json
from ._models import JSON, UNSET, ArrayModel, Model, UnsetType, converter, dump, load, wire_names
from ._registry import default_registry as _default_registry
from ._validation import errors, validate

__version__ = "0.1.0"


def schema(
    name: str, *, version: int | None = None, bundled: bool = False, annotations: bool = False
) -> dict[str, object]:
    """A copy of the named schema document (``version=None``: the newest).

    ``bundled=True`` returns one self-contained, portable document: every definition it uses
    from another schema is embedded flat under ``$defs`` (a titled object under its title,
    like ``Service``; another under its own key, like ``cents``), every ``$ref`` points inside
    it, and it carries nothing a strict validator refuses (our ``x-`` annotations are removed
    unless ``annotations=True``; see `dealerbridge._bundle`), so any Draft 2020-12 validator,
    ajv in strict mode included, loads it with no registry."""
    if bundled:
        from ._bundle import bundle

        return bundle(_default_registry(), name, version, annotations=annotations)
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
    "MAX_EXPANDED_VALUES",
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
    "wire_names",
]


def _public_home(namespace: dict[str, object], home: str, *, generated: str = "") -> None:
    """Make the classes and functions of *namespace*'s ``__all__`` report *home* as their
    ``__module__`` (tracebacks and docs show ``dealerbridge.ValidationError``).

    A class's string annotations are resolved first, in the module that defines them, so
    ``typing.get_type_hints`` (attrs, Hypothesis' ``st.builds``) keeps working; except the
    classes of the *generated* module (a vendor package's models): resolving all of them cost
    about as much as creating them (70 ms and more at import), so instead the vendor
    package's namespace holds every name the generated annotations use, and the hints
    resolve there, when asked."""
    exported = namespace["__all__"]
    assert isinstance(exported, list)
    for name in exported:
        obj = namespace.get(name)
        module = getattr(obj, "__module__", None)
        if not isinstance(module, str) or not any(p.startswith("_") for p in module.split(".")):
            continue
        if isinstance(obj, type) and module != generated:
            for klass in reversed(obj.__mro__):
                _resolve_annotations(klass)
        if isinstance(obj, type) or callable(obj):
            with contextlib.suppress(AttributeError, TypeError):  # builtins, aliases
                obj.__module__ = home


def _resolve_annotations(klass: type) -> None:
    own = inspect.get_annotations(klass)
    if not own or not any(isinstance(v, str) for v in own.values()):
        return
    hints = typing.get_type_hints(klass, include_extras=True)
    with contextlib.suppress(AttributeError, TypeError):
        klass.__annotations__ = {key: hints.get(key, value) for key, value in own.items()}


_public_home(globals(), __name__)

"""The compiled schemas: jsonschema-rs behind `CompiledSchema`, and the one decode step.

The verdict is the schema's under Draft 2020-12 with format assertion on, computed by
jsonschema-rs (a compiled engine with ECMA-262 regular expressions). With the C accelerator a
plain, valid value is answered first by a one-pass walk of the same schema (`_checker`,
``_speedups.checker``), which says "valid" only where the engine would; anything else is the
engine's to decide and to put into words. One documented
extension: a string whose schema says ``contentMediaType: application/json`` with a
``contentSchema`` is decoded with the strict reader and validated against that schema, its
issues continuing under the string's path.

`CompiledSchema.decode` is the one wire step every entry point shares (`validate`, `errors`,
`dealerbridge.load`): it returns the instance with such strings decoded, every issue, and the
original strings, so the verdict of `load` is the verdict of `validate`. The engine's errors
are put into words by `dealerbridge._messages`; the public functions are in
`dealerbridge._validation`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, NamedTuple

import jsonschema_rs

from . import _json
from ._errors import DealerbridgeUsageError, Issue, ValidationError
from ._json import check_value, parse_json
from ._messages import Path, Translator, content_issue, not_json_issue, sort_issues
from ._registry import SchemaRegistry, default_registry
from ._render import redact_names
from ._schema_model import ContentSchema, Location, Node, iter_objects, unwrap

__all__ = ["DRAFT", "CompiledSchema", "Decoded", "compiled"]

DRAFT = "https://json-schema.org/draft/2020-12/schema"


#: The one-pass walk of a compiled schema (``Checker.check``): 1 valid, 0 invalid, -1 not known.
_Check = Callable[[object], int]


class Decoded(NamedTuple):
    """The result of the one decode step: the instance with every string holding JSON
    (``contentMediaType``) replaced by its decoded value, every issue (sorted), and the
    original string of each decoded member, keyed by its instance path. (A named tuple: made
    on every load, it costs half an attrs class.)"""

    value: object
    issues: list[Issue]
    originals: dict[Path, str]


class CompiledSchema:
    """One schema (or a `$defs` fragment of it) compiled once, used many times."""

    def __init__(
        self, registry: SchemaRegistry, name: str, version: int, fragment: str | None = None
    ) -> None:
        self.name = name
        self.version = version
        self.fragment = fragment
        document = registry.document(name, version)
        model = registry.model(name, version)
        self.document_id: str = document["$id"]
        #: From the document's ``x-direction``: inbound schemas (responses, events) are read
        #: tolerantly by `load`; outbound ones (requests we send) strictly.
        self.inbound = model.inbound
        target = registry.model_at(name, version, fragment or "")
        if fragment is None:
            root: dict[str, Any] = _int64_bounded(self.document_id, document)
        else:
            root = {"$schema": DRAFT, "$ref": f"{self.document_id}#{fragment}"}
        rs_registry = _rs_registry(registry)
        self._names = registry.member_names  # member names shown under redaction (lazy)
        self._validator = jsonschema_rs.validator_for(
            root, registry=rs_registry, validate_formats=True, offline=True
        )
        raw_target = document if fragment is None else registry.node_at(name, version, fragment)
        #: The one-pass quick yes (C; None without the accelerator): see `_checker`.
        self._check = _checker(registry, self.document_id, raw_target)
        self._translator = Translator(
            registry, root, Location(self.document_id), target, _ADDED_BOUNDS
        )
        self._contents = [
            (
                path,
                _compile_ref(rs_registry, content.schema),
                _checker(
                    registry,
                    content.schema.location.document_id,
                    registry.raw_at(content.schema.location),
                ),
                Translator(
                    registry,
                    {"$ref": content.schema.location.uri},
                    Location(content.schema.location.document_id),
                    content.schema,
                    _ADDED_BOUNDS,
                ),
                content.location.uri,
            )
            for path, content in _content_locations(target)
        ]

    @property
    def label(self) -> str:
        suffix = f"#{self.fragment}" if self.fragment else ""
        return f"{self.name} v{self.version}{suffix}"

    def valid(self, instance: object) -> bool:
        """The quick yes of `issues` (so of `validate`/`errors`): True when *instance* is plain
        JSON, valid, and holds no string to decode; False means "look closely"
        (`schema_issues` or `decode` decides). Without the C accelerator it is always False
        (its Python walk is what `schema_issues` runs anyway)."""
        if self._contents:
            return False
        return _quick_yes(self._check, self._validator, instance)

    def schema_issues(self, instance: object) -> list[Issue]:
        """The schema's own verdict (no content decoding)."""
        if not_json := check_value(instance):  # before the engine, which may crash on them
            return redact_names(not_json, instance, self._names)
        try:
            if self._validator.is_valid(instance):
                return []
        except Exception as exc:  # the engine could not read the Python value
            return [not_json_issue(exc)]
        return redact_names(sort_issues(self._engine_issues(instance)), instance, self._names)

    def _engine_issues(self, instance: object) -> list[Issue]:
        try:
            found = list(self._validator.iter_errors(instance))
        except Exception as exc:
            return [not_json_issue(exc)]
        return self._translator.translate(found, (), instance)

    def decode(self, instance: object, *, read: bool = False) -> Decoded:
        """Validate *instance* and decode its strings holding JSON, in one pass.

        ``read=True`` is the library's own fast path for a value `parse_json` has just
        returned (never for a value a caller hands in): the reader already enforced everything
        `check_value` looks for (JSON types only, int64, finite floats, no lone surrogate,
        at most `MAX_DEPTH` levels, no cycle), so the walk is skipped."""
        if _walked(self._check, instance) == 1:  # plain and valid: the quick yes
            valid = True
        else:
            if not read and (not_json := check_value(instance)):  # the engine may crash
                return Decoded(instance, redact_names(not_json, instance, self._names), {})
            try:
                valid = self._validator.is_valid(instance)
            except Exception as exc:
                return Decoded(instance, [not_json_issue(exc)], {})
        if valid and not self._contents:
            return Decoded(instance, [], {})
        found = [] if valid else self._engine_issues(instance)
        value = instance
        originals: dict[Path, str] = {}
        for path, validator, inner_check, translator, content_at in self._contents:
            for where, text in _strings_at(instance, path):
                try:
                    inner = parse_json(text)
                except ValidationError as exc:
                    found.append(content_issue(where, exc.issues[0].message, text, content_at))
                    continue
                # a value parse_json returned: plain JSON, so the engine cannot crash on it
                if _walked(inner_check, inner) != 1 and not validator.is_valid(inner):
                    errors = list(validator.iter_errors(inner))
                    found.extend(translator.translate(errors, where, inner))
                value = _replace(value, where, inner)
                originals[where] = text
        if found:
            found = redact_names(sort_issues(found), instance, self._names)
        return Decoded(value, found, originals)

    def issues(self, instance: object) -> list[Issue]:
        """Every issue of *instance* (`decode` without keeping the decoded value)."""
        if self.valid(instance):
            return []
        if not self._contents:  # nothing to decode: the schema's verdict, no `Decoded` built
            return self.schema_issues(instance)
        return self.decode(instance).issues


def _checker(registry: SchemaRegistry, document_id: str, root: object) -> _Check | None:
    """The C checker of a schema node (`_checker`), or None without the accelerator."""
    speedups = _json._speedups
    if speedups is None:
        return None
    from ._checker import compile_checker  # on the first compiled schema: no import cost

    try:
        check: _Check = compile_checker(registry, document_id, root, speedups.checker).check
    except RecursionError:  # a schema nested past the interpreter's limit: the engine alone
        return None
    return check


def _walked(check: _Check | None, instance: object) -> int:
    """The one-pass walk's answer: 1 plain and valid, 0 invalid, -1 not known (always -1
    without the accelerator, or inside `_json._pure_python`, which the tests use)."""
    if check is None or _json._c_clean is None:  # read on each call: the tests turn it off
        return -1
    return check(instance)


def _quick_yes(check: _Check | None, validator: Any, instance: object) -> bool:
    """True when *instance* is plain JSON and valid: the one-pass walk says so, or (when it
    cannot tell) the C value check and the engine do. False means "look closely" (the walk
    found it invalid, or it is not plain, or the engine says no); always False without the
    accelerator."""
    answer = _walked(check, instance)
    if answer != -1:  # 1: valid; 0: invalid (the issues are the engine's to find)
        return answer == 1
    clean = _json._c_clean
    if clean is None or clean(instance) < 0:
        return False
    # The C value check leaves member names and string contents to the engine, which raises
    # on an int key or a lone surrogate: `schema_issues` then names the problem.
    try:
        return bool(validator.is_valid(instance))
    except Exception:
        return False


def _compile_ref(rs_registry: Any, node: Node) -> Any:
    return jsonschema_rs.validator_for(
        {"$schema": DRAFT, "$ref": node.location.uri},
        registry=rs_registry,
        validate_formats=True,
        offline=True,
    )


def _content_locations(target: Node) -> list[tuple[Path, ContentSchema]]:
    """Instance paths of strings holding JSON (``0`` in a path: every item of an array)."""
    found: list[tuple[Path, ContentSchema]] = []
    for path, obj in iter_objects(target):
        for field in obj.fields:
            value = unwrap(field.schema)
            if isinstance(value, ContentSchema):
                found.append(((*path, field.wire_name), value))
    return found


def _strings_at(instance: object, path: Path) -> list[tuple[Path, str]]:
    """``(concrete path, string)`` of every string at *path* in *instance*."""
    if len(path) == 1 and isinstance(path[0], str):  # a top-level member: no walk needed
        found = instance.get(path[0]) if isinstance(instance, dict) else None
        return [(path, found)] if isinstance(found, str) else []
    out: list[tuple[Path, str]] = []

    def walk(value: object, rest: Path, where: Path) -> None:
        if not rest:
            if isinstance(value, str):
                out.append((where, value))
            return
        head, tail = rest[0], rest[1:]
        if isinstance(head, int):
            if isinstance(value, list):
                for i, item in enumerate(value):
                    walk(item, tail, (*where, i))
        elif isinstance(value, dict) and head in value:
            walk(value[head], tail, (*where, head))

    walk(instance, path, ())
    return out


def _replace(value: object, path: Path, new: object) -> object:
    """A copy of *value* with *new* at *path* (copies only the containers along the path)."""
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, list) and isinstance(head, int):
        copy_list = list(value)
        copy_list[head] = _replace(value[head], rest, new)
        return copy_list
    assert isinstance(value, dict) and isinstance(head, str)
    return {**value, head: _replace(value[head], rest, new)}


_rs_lock = threading.Lock()
_rs_registries: dict[int, Any] = {}
_compiled: dict[tuple[int, str, int, str | None], CompiledSchema] = {}


def _rs_registry(registry: SchemaRegistry) -> Any:
    key = id(registry)
    found = _rs_registries.get(key)
    if found is None:
        resources = [(uri, _int64_bounded(uri, doc)) for uri, doc in registry.resources()]
        found = jsonschema_rs.Registry(resources)
        _rs_registries[key] = found
    return found


# --------------------------------------------------------------------------- int64
#
# Integers are 64-bit however they are written. The reader refuses a long digit string and
# `check_value` a Python int outside int64, but Draft 2020-12 calls every number with a zero
# fractional part an integer, so ``1e308`` (a float to Python) passed ``"type": "integer"``
# and `load` turned it into a 309-digit int. The engine's copy of every schema node whose
# type is integer (and not number) therefore carries the int64 bounds as ``minimum`` and
# ``exclusiveMaximum`` (2^63: exact as a double, so no integral float at or past 2^63 slips
# through rounding), and an error from such an added keyword is reported as
# ``json.integer_range`` at the node's ``type``. The schema files are unchanged.

# -2^63 as a float: jsonschema-rs 0.60 compares a float with an integer limit of -2^63 wrongly
# (the float -2.0**63 fails ``minimum: -9223372036854775808``); as a float limit (exact) it
# admits both the int and the float -2^63 and refuses everything below.
_INT64_LOW = -(2.0**63)
_INT64_END = 2**63
_NOT_SCHEMAS = frozenset({"const", "enum", "default", "examples", "x-examples"})
#: Keyword locations (``$id#/pointer/keyword``) of the bounds added to the engine's copy.
_ADDED_BOUNDS: set[str] = set()


def _int64_bounded(uri: str, document: dict[str, Any]) -> dict[str, Any]:
    """*document*, or a copy of it whose integer nodes carry the int64 bounds."""
    added: list[str] = []

    def walk(node: object, where: str) -> object:
        if isinstance(node, list):
            return [walk(item, f"{where}/{i}") for i, item in enumerate(node)]
        if not isinstance(node, dict):
            return node
        out = {
            key: value if key in _NOT_SCHEMAS else walk(value, f"{where}/{_escape(key)}")
            for key, value in node.items()
        }
        kind = node.get("type")
        kinds = kind if isinstance(kind, list) else [kind]
        if "integer" in kinds and "number" not in kinds:
            # The schemas state the int64 bounds themselves (for other validators, issue 21):
            # the engine's copy spells them as above, so they are reported the same way.
            if _is_int(node.get("minimum"), -_INT64_END):
                del out["minimum"]
            if _is_int(node.get("maximum"), _INT64_END - 1):
                del out["maximum"]
            if "minimum" not in out and "exclusiveMinimum" not in out:
                out["minimum"] = _INT64_LOW
                added.append(f"{uri}#{where}/minimum")
            if "maximum" not in out and "exclusiveMaximum" not in out:
                out["exclusiveMaximum"] = _INT64_END
                added.append(f"{uri}#{where}/exclusiveMaximum")
        return out

    copy = walk(document, "")
    if not added:
        return document
    _ADDED_BOUNDS.update(added)
    assert isinstance(copy, dict)
    return copy


def _is_int(value: object, expected: int) -> bool:
    return type(value) is int and value == expected


def _escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


def compiled(
    name: str,
    version: int | None = None,
    *,
    fragment: str | None = None,
    registry: SchemaRegistry | None = None,
) -> CompiledSchema:
    """The compiled schema, built lazily once per process."""
    if not isinstance(name, str):
        raise DealerbridgeUsageError(f"schema name must be a str, got {type(name).__name__}")
    # The default registry is built once and never changes, so a name and a requested version
    # (``None``: the newest) always give the same compiled schema: `validate` and `errors` find
    # it in one dict lookup instead of resolving the version on every call. ``type(...) is
    # int``: ``True`` would find the entry of version 1, which resolve_version refuses.
    plain = registry is None and fragment is None and (version is None or type(version) is int)
    if plain:
        found = _by_request.get((name, version))
        if found is not None:
            return found
    reg = registry or default_registry()
    resolved = reg.resolve_version(name, version)
    key = (id(reg), name, resolved, fragment)
    found = _compiled.get(key)
    if found is None:
        with _rs_lock:
            found = _compiled.get(key)
            if found is None:
                found = CompiledSchema(reg, name, resolved, fragment)
                _compiled[key] = found
    if plain:
        _by_request[(name, version)] = found
    return found


#: `compiled` of the default registry by the name and version asked for (see there).
_by_request: dict[tuple[str, int | None], CompiledSchema] = {}

"""Validation: compiled schemas, the public `validate`/`errors`, and issue translation.

The verdict is the schema's under Draft 2020-12 with format assertion on, computed by
jsonschema-rs (a compiled engine with ECMA-262 regular expressions) behind `CompiledSchema`.
One documented extension: a string whose schema says ``contentMediaType: application/json``
with a ``contentSchema`` is decoded with the strict reader and validated against that
schema, its issues continuing under the string's path.

`CompiledSchema.decode` is the one wire step every entry point shares (`validate`, `errors`,
`dealerbridge.load`): it returns the instance with such strings decoded, every issue, and the
original strings, so the verdict of `load` is the verdict of `validate`.
"""

from __future__ import annotations

import threading
from typing import Any, NamedTuple

import attrs
import jsonschema_rs

from ._codes import ISSUE_CODES
from ._errors import DealerbridgeUsageError, Issue, ValidationError, describe_value, pointer
from ._hints import hint_for
from ._json import check_value, parse_json
from ._registry import SchemaRegistry, default_registry
from ._render import hides, json_type, redact_names
from ._schema_model import ContentSchema, Location, Node, Scalar, iter_objects, personal_at, unwrap

__all__ = ["ISSUE_CODES", "CompiledSchema", "Decoded", "compiled", "errors", "validate"]

DRAFT = "https://json-schema.org/draft/2020-12/schema"

Path = tuple[str | int, ...]


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
        self._translator = _Translator(registry, root, Location(self.document_id), target)
        self._contents = [
            (
                path,
                _compile_ref(rs_registry, content.schema),
                _Translator(
                    registry,
                    {"$ref": content.schema.location.uri},
                    Location(content.schema.location.document_id),
                    content.schema,
                ),
                content.location.uri,
            )
            for path, content in _content_locations(target)
        ]

    @property
    def label(self) -> str:
        suffix = f"#{self.fragment}" if self.fragment else ""
        return f"{self.name} v{self.version}{suffix}"

    def schema_issues(self, instance: object) -> list[Issue]:
        """The schema's own verdict (no content decoding)."""
        if not_json := check_value(instance):  # before the engine, which may crash on them
            return redact_names(not_json, instance, self._names)
        try:
            if self._validator.is_valid(instance):
                return []
        except Exception as exc:  # the engine could not read the Python value
            return [_not_json(exc)]
        return redact_names(_sorted(self._engine_issues(instance)), instance, self._names)

    def _engine_issues(self, instance: object) -> list[Issue]:
        try:
            found = list(self._validator.iter_errors(instance))
        except Exception as exc:
            return [_not_json(exc)]
        return self._translator.translate(found, (), instance)

    def decode(self, instance: object, *, read: bool = False) -> Decoded:
        """Validate *instance* and decode its strings holding JSON, in one pass.

        ``read=True`` is the library's own fast path for a value `parse_json` has just
        returned (never for a value a caller hands in): the reader already enforced everything
        `check_value` looks for (JSON types only, int64, finite floats, no lone surrogate,
        at most `MAX_DEPTH` levels, no cycle), so the walk is skipped."""
        if not read and (not_json := check_value(instance)):  # the engine may crash on them
            return Decoded(instance, redact_names(not_json, instance, self._names), {})
        try:
            valid = self._validator.is_valid(instance)
        except Exception as exc:
            return Decoded(instance, [_not_json(exc)], {})
        if valid and not self._contents:
            return Decoded(instance, [], {})
        found = [] if valid else self._engine_issues(instance)
        value = instance
        originals: dict[Path, str] = {}
        for path, validator, translator, content_at in self._contents:
            for where, text in _strings_at(instance, path):
                try:
                    inner = parse_json(text)
                except ValidationError as exc:
                    found.append(
                        Issue(
                            path=pointer(where),
                            code="contentMediaType",
                            message=f"{_label(where)} must hold a JSON document: "
                            f"{exc.issues[0].message}",
                            value=text,
                            schema_location=f"{content_at}/contentMediaType",
                            rule="contentMediaType",
                        )
                    )
                    continue
                if not validator.is_valid(inner):
                    errors = list(validator.iter_errors(inner))
                    found.extend(translator.translate(errors, where, inner))
                value = _replace(value, where, inner)
                originals[where] = text
        if found:
            found = redact_names(_sorted(found), instance, self._names)
        return Decoded(value, found, originals)

    def issues(self, instance: object) -> list[Issue]:
        """Every issue of *instance* (`decode` without keeping the decoded value)."""
        return self.decode(instance).issues


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


def _not_json(exc: BaseException) -> Issue:
    return Issue(
        path="",
        code="json.type",
        message=f"the value is not a JSON value: {str(exc).splitlines()[0][:120]}",
        value=None,
    )


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
    return found


def errors(instance: object, schema: str, *, version: int | None = None) -> list[Issue]:
    """Every issue of *instance* against the named schema; ``[]`` when valid. Never raises
    for bad data (an unknown schema name is a usage error)."""
    return compiled(schema, version).issues(instance)


def validate(instance: object, schema: str, *, version: int | None = None) -> None:
    """Raise `ValidationError` carrying every issue of *instance* against the named schema."""
    check = compiled(schema, version)
    found = check.issues(instance)
    if found:
        raise ValidationError(found, schema=check.label)


# --------------------------------------------------------------------------- translation
#
# Each engine error becomes at most one `Issue`, in words a person can act on:
#
# - the rule's own sentence (``x-rule`` of the schema node holding the failing keyword) replaces
#   the raw keyword and pattern, which stay available as ``Issue.rule`` and
#   ``Issue.schema_location``;
# - a value breaking one schema node in two keywords (``pattern`` and ``format``) is one issue;
# - an error inside an ``allOf`` entry named by ``x-rule-name`` is reported once per object, by
#   the rule's name (its code), at the object's path, whichever member broke it and how;
# - a union (``anyOf``/``oneOf``) reports the branch that fits best, or, when the value has a
#   JSON type no branch accepts, what the branches wanted ("an amount string ... or null");
# - common mistakes get a hint naming the value or helper that fixes them (`dealerbridge._hints`:
#   the core's own, then those the vendor packages register).

_TYPE_WORDS = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "array": "an array",
    "object": "an object",
    "null": "null",
}

#: Instance-stepping keywords of an evaluation path: each moves one step into the instance
#: (the ones marked True are followed by a member name or index segment).
_STEPS = {
    "properties": True,
    "patternProperties": True,
    "prefixItems": True,
    "items": False,
    "additionalProperties": False,
    "contains": False,
    "unevaluatedProperties": False,
    "unevaluatedItems": False,
}


@attrs.frozen
class _NamedRule:
    """The ``x-rule-name`` entry an error was found under, and how many instance steps below
    the object holding that entry the error lies."""

    name: str
    text: str | None
    location: str
    members: tuple[str, ...]
    depth: int


class _Translator:
    """Turns engine errors of one validator into issues (see the comment above). The words
    (``x-rule``, ``x-rule-name``) come from the schema model (`SchemaRegistry.model_node`,
    `SchemaRegistry.object_rule`); an error's evaluation path is followed through the raw
    nodes with the registry's one resolver. Each location is looked up once."""

    def __init__(
        self, registry: SchemaRegistry, root: object, location: Location, model: Node
    ) -> None:
        self._registry = registry
        self._root = root
        self._location = location
        self._model = model  # the schema model of *root*: where x-pii is read
        self._named: dict[tuple[str | int, ...], _NamedRule | None] = {}
        self._nodes: dict[str, Scalar | None] = {}
        self._personal: dict[tuple[str | int, ...], bool] = {}

    def personal(self, parts: Path) -> bool:
        """Whether the value at *parts* (relative to this translator's root) is personal
        data (``x-pii``, or a member no schema defines): `personal_at`, cached per path with
        array indices folded."""
        key = tuple(0 if isinstance(p, int) else p for p in parts)
        found = self._personal.get(key)
        if found is None:
            found = self._personal[key] = personal_at(self._model, key)
        return found

    def node(self, keyword_location: str) -> Scalar | None:
        """The schema model's scalar holding the keyword at *keyword_location*
        (``$id#/ptr/keyword``), or None when the keyword is not on a scalar."""
        where = keyword_location.rsplit("/", 1)[0] if "#/" in keyword_location else ""
        if where not in self._nodes:
            base, _, fragment = where.partition("#")
            found = self._registry.model_node(Location(base, fragment)) if where else None
            found = unwrap(found) if found is not None else None
            self._nodes[where] = found if isinstance(found, Scalar) else None
        return self._nodes[where]

    def named_rule(self, evaluation_path: tuple[str | int, ...]) -> _NamedRule | None:
        """The innermost ``x-rule-name`` entry on *evaluation_path*, walked from the root."""
        if evaluation_path in self._named:
            return self._named[evaluation_path]
        found: _NamedRule | None = None
        try:
            location: Location = self._location
            node: Any = self._root
            skip = False
            for segment in evaluation_path:
                if segment == "$ref" and isinstance(node, dict) and "$ref" in node:
                    location, node = self._registry.locate(location.document_id, node["$ref"])
                else:
                    node = node[int(segment)] if isinstance(node, list) else node[str(segment)]
                    location = location.child(str(segment))
                if found is not None:
                    if skip:
                        skip = False
                    elif isinstance(segment, str) and segment in _STEPS:
                        found = attrs.evolve(found, depth=found.depth + 1)
                        skip = _STEPS[segment]
                rule = self._registry.object_rule(location)
                if rule is not None and rule.name is not None:
                    found = _NamedRule(rule.name, rule.rule, location.uri, rule.members, 0)
                    skip = False
        except (DealerbridgeUsageError, LookupError, TypeError, ValueError):
            found = None
        self._named[evaluation_path] = found
        return found

    def translate(self, found: list[Any], prefix: Path, instance: object) -> list[Issue]:
        out: list[Issue] = []
        seen: set[tuple[object, ...]] = set()
        # A named rule broken only through a member that already has an issue of its own (a
        # number where a string is wanted breaks the member's type and the rule) is that
        # issue: the rule is reported when some of its errors are not explained otherwise.
        rule_paths: dict[tuple[object, ...], set[str]] = {}
        for error in found:
            for item, key in self._one(error, prefix, instance):
                if key is not None and key[0] == "rule":
                    paths = rule_paths.setdefault(key, set())
                    paths.add(pointer((*prefix, *error.instance_path)))
                if key is None or key not in seen:
                    if key is not None:
                        seen.add(key)
                    out.append(item)
        if rule_paths:
            own = {i.path for i in out if i.code not in ("required", *(k[2] for k in rule_paths))}
            explained = {(k[2], k[1]) for k, paths in rule_paths.items() if paths <= own}
            out = [i for i in out if (i.code, i.path) not in explained]
        return out

    def _one(
        self, error: Any, prefix: Path, instance: object
    ) -> list[tuple[Issue, tuple[object, ...] | None]]:
        parts: Path = (*prefix, *error.instance_path)
        named = self.named_rule(tuple(error.evaluation_path))
        if named is not None:
            where = parts[: len(parts) - named.depth] if named.depth else parts
            issue = self._named_issue(named, where, prefix, instance)
            return [(issue, ("rule", pointer(where), named.name))]
        kind = error.kind
        code: str = kind.name
        location = str(error.absolute_keyword_location)
        personal = self.personal(parts[len(prefix) :])
        if code == "required":
            member = kind.property
            issue = Issue(
                path=pointer((*parts, member)),
                code="required",
                message=f"'{member}' is required in {_label(parts)} but is missing",
                value=None,
                schema_location=location,
                rule="required",
            )
            return [(issue, None)]
        if code == "additionalProperties":
            value = error.instance
            return [
                (
                    Issue(
                        path=pointer((*parts, key)),
                        code="additionalProperties",
                        message=f"'{key}' is not allowed in {_label(parts)} (unknown member); "
                        f"found {_member_value(value, key)}",
                        personal=True,
                        value=value.get(key) if isinstance(value, dict) else None,
                        schema_location=location,
                        rule="additionalProperties",
                    ),
                    None,
                )
                for key in kind.unexpected
            ]
        if code in ("anyOf", "oneOf"):
            return self._union(error, parts, prefix, instance, location, personal)
        if location in _ADDED_BOUNDS:  # an int64 bound of the engine's copy (see above)
            value = error.instance
            message = (
                f"{_label(parts)} must be an integer in the signed 64-bit range "
                f"[-2^63, 2^63-1]; found {_found(value, code, personal)}"
            )
            at_type = location.rsplit("/", 1)[0] + "/type"
            issue = Issue(
                pointer(parts),
                "json.integer_range",
                message,
                value,
                schema_location=at_type,
                rule="type",
                personal=personal,
            )
            return [(issue, ("node", parts, location.rsplit("/", 1)[0]))]
        node = self.node(location)
        text = node.rule if node is not None else None
        if text is None:
            rule = _RULES.get(code)
            text = rule(kind) if rule is not None else f"fails the '{code}' rule"
        value = error.instance
        message = f"{_label(parts)} {text}; found {_found(value, code, personal)}"
        hint = hint_for(location, node, value, hides(personal))
        if hint:
            message += f" ({hint})"
        issue = Issue(
            pointer(parts),
            code,
            message,
            value,
            schema_location=location,
            rule=code,
            personal=personal,
        )
        return [(issue, ("node", parts, location.rsplit("/", 1)[0]))]

    def _union(
        self,
        error: Any,
        parts: Path,
        prefix: Path,
        instance: object,
        location: str,
        personal: bool,
    ) -> list[tuple[Issue, tuple[object, ...] | None]]:
        code: str = error.kind.name
        branches: list[list[Any]] = list(error.kind.context)
        relevant = [b for b in branches if b and not _only_type_mismatch(b, error.instance_path)]
        if relevant:
            # The branch that fits best: its errors lie deepest (the value got furthest into
            # it), then the fewest errors.
            best = max(
                relevant,
                key=lambda b: (max(len(list(e.instance_path)) for e in b), -len(b)),
            )
            return [(item, None) for item in self.translate(best, prefix, instance)]
        value = error.instance
        if code == "oneOf" and not any(branches):
            message = f"{_label(parts)} matches more than one of the allowed shapes"
            message += f"; found {_found(value, code, personal)}"
        else:
            wanted = [self._wanted(b) for b in branches if b]
            phrases = list(dict.fromkeys(w for w in wanted if w))
            joiner = ", or " if any("," in w for w in phrases) else " or "
            words = joiner.join(phrases) or "another shape"
            message = f"{_label(parts)} must be {words}; found {_found(value, 'type', personal)}"
            hidden = hides(personal)
            for branch in branches:
                hint = (
                    hint_for(str(branch[0].absolute_keyword_location), None, value, hidden)
                    if branch
                    else ""
                )
                if hint:
                    message += f" ({hint})"
                    break
        issue = Issue(
            pointer(parts),
            code,
            message,
            value,
            schema_location=location,
            rule=code,
            personal=personal,
        )
        return [(issue, ("node", parts, location))]

    def _wanted(self, branch: list[Any]) -> str:
        """What one union branch wanted, as a noun phrase ("an amount string ...", "null")."""
        first = branch[0]
        node = self.node(str(first.absolute_keyword_location))
        text = node.rule if node is not None else None
        if text is not None and text.startswith("must be "):
            return text[len("must be ") :]
        kind = first.kind
        if kind.name == "type":
            return _types(kind)
        if kind.name == "const":
            return describe_value(kind.as_dict().get("expected_value"))
        if kind.name == "enum":
            return "one of " + ", ".join(describe_value(o) for o in kind.options)
        return ""

    def _named_issue(self, named: _NamedRule, where: Path, prefix: Path, instance: object) -> Issue:
        obj = _value_at(instance, where[len(prefix) :])
        shown = []
        value: dict[str, object] = {}
        text = named.text or f"must satisfy the rule {named.name}"
        # Members in the order the rule's words name them (then the others).
        order = sorted(named.members, key=lambda m: (m not in text, text.find(m)))
        personal = False
        for member in order:
            if isinstance(obj, dict) and member in obj:
                value[member] = obj[member]
                secret = self.personal((*where[len(prefix) :], member))
                personal = personal or secret
                shown.append(f"'{member}' {describe_value(obj[member], personal=secret)}")
            else:
                shown.append(f"'{member}' absent")
        return Issue(
            path=pointer(where),
            code=named.name,
            message=f"{_label(where)} {text} (rule {named.name}); found {', '.join(shown)}",
            value=value,
            schema_location=named.location,
            rule=named.name,
            personal=personal,
        )


def _member_value(value: object, key: str) -> str:
    """The value of a member no schema defines: personal data."""
    return describe_value(value.get(key) if isinstance(value, dict) else None, personal=True)


def _value_at(instance: object, rest: Path) -> object:
    value = instance
    for part in rest:
        if isinstance(value, dict) and isinstance(part, str):
            value = value.get(part)
        elif isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
            value = value[part]
        else:
            return None
    return value


def _found(value: object, code: str, personal: bool) -> str:
    """The value found; for type mismatches with its JSON type ("the number 0")."""
    shown = describe_value(value, personal=personal)
    if code not in ("type", "anyOf", "oneOf") or shown.startswith("<"):
        return shown
    kind = json_type(value)
    noun = {"string": "the string", "integer": "the number", "number": "the number"}.get(kind)
    if kind == "array":
        noun = "the array"
    elif kind == "object":
        noun = "the object"
    return f"{noun} {shown}" if noun else shown


def _sorted(issues: list[Issue]) -> list[Issue]:
    unique: dict[tuple[str, str, str], Issue] = {}
    for item in issues:
        unique.setdefault((item.path, item.code, item.message), item)
    return sorted(unique.values(), key=lambda i: (i.path, i.code))


def _label(parts: tuple[str | int, ...]) -> str:
    if not parts:
        return "the payload"
    last = parts[-1]
    if isinstance(last, int):
        return f"item {last} of '{parts[-2]}'" if len(parts) > 1 else f"item {last}"
    return f"'{last}'"


def _only_type_mismatch(branch: list[Any], path: Any) -> bool:
    return all(
        e.kind.name in ("type", "const", "enum") and list(e.instance_path) == list(path)
        for e in branch
    )


def _types(kind: Any) -> str:
    types = sorted((str(t) for t in kind.as_dict().get("types") or []), key=lambda t: t == "null")
    return " or ".join(_TYPE_WORDS.get(str(t), str(t)) for t in types)


_RULES: dict[str, Any] = {
    "type": lambda k: f"must be {_types(k)}",
    "enum": lambda k: (
        "must be one of "
        + ", ".join(describe_value(o) if o is not None else "null" for o in k.options)
    ),
    "const": lambda k: f"must be {describe_value(k.as_dict().get('expected_value'))}",
    "pattern": lambda k: f"must match the pattern {k.pattern}",
    "format": lambda k: f"must be a valid {k.format}",
    "minLength": lambda k: f"must have at least {k.as_dict()['limit']} character(s)",
    "maxLength": lambda k: f"must have at most {k.as_dict()['limit']} character(s)",
    "minimum": lambda k: f"must be at least {k.as_dict()['limit']}",
    "maximum": lambda k: f"must be at most {k.as_dict()['limit']}",
    "exclusiveMinimum": lambda k: f"must be greater than {k.as_dict()['limit']}",
    "exclusiveMaximum": lambda k: f"must be less than {k.as_dict()['limit']}",
    "minItems": lambda k: f"must have at least {k.as_dict()['limit']} item(s)",
    "maxItems": lambda k: f"must have at most {k.as_dict()['limit']} item(s)",
    "uniqueItems": lambda k: "must not repeat items",
    "not": lambda k: "must not match the forbidden shape",
    "falseSchema": lambda k: "is not allowed here",
    "minProperties": lambda k: f"must have at least {k.as_dict()['limit']} member(s)",
    "maxProperties": lambda k: f"must have at most {k.as_dict()['limit']} member(s)",
}

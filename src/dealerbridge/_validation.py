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

import jsonschema_rs

from ._errors import DealerbridgeUsageError, Issue, ValidationError, describe_value, pointer
from ._json import check_value, parse_json
from ._registry import SchemaRegistry, default_registry
from ._render import defined_names, redact_names
from ._schema_model import ContentSchema, Node, iter_objects, unwrap

__all__ = ["ISSUE_CODES", "CompiledSchema", "Decoded", "compiled", "errors", "validate"]

DRAFT = "https://json-schema.org/draft/2020-12/schema"

Path = tuple[str | int, ...]

#: Every issue code dealerbridge produces, with what it means. Schema keywords first, then the
#: strict JSON reader, money helpers and vendor rules (named functions outside the schemas).
ISSUE_CODES: dict[str, str] = {
    "type": "the value has the wrong JSON type",
    "required": "a required member is missing (the path names the member)",
    "additionalProperties": "a member the schema does not allow (closed request objects)",
    "enum": "the value is not one of the listed values",
    "const": "the value is not the one allowed value",
    "pattern": "the string does not match the pattern (ECMA-262)",
    "format": "the string is not a valid date / date-time",
    "minLength": "the string is too short",
    "maxLength": "the string is too long",
    "minimum": "the number is below the minimum",
    "maximum": "the number is above the maximum",
    "exclusiveMinimum": "the number is not above the exclusive minimum",
    "exclusiveMaximum": "the number is not below the exclusive maximum",
    "multipleOf": "the number is not a multiple of the given step",
    "minItems": "the array has too few items",
    "maxItems": "the array has too many items",
    "uniqueItems": "the array has duplicate items",
    "contains": "no array item matches the contains schema",
    "minProperties": "the object has too few members",
    "maxProperties": "the object has too many members",
    "propertyNames": "a member name is not allowed",
    "dependentRequired": "a member required by another member is missing",
    "anyOf": "the value matches none of the allowed shapes",
    "oneOf": "the value matches none, or more than one, of the allowed shapes",
    "not": "the value matches a shape that is forbidden",
    "falseSchema": "no value is allowed here",
    "unevaluatedProperties": "a member no subschema accounts for",
    "unevaluatedItems": "an array item no subschema accounts for",
    "contentMediaType": "the string does not hold a JSON document",
    "json.syntax": "the text is not JSON",
    "json.encoding": "the bytes are not UTF-8 (or start with a byte order mark)",
    "json.duplicate_key": "an object has the same member name twice",
    "json.non_finite": "NaN, Infinity or a number beyond the double range",
    "json.lone_surrogate": "a string holds an unpaired UTF-16 surrogate",
    "json.depth": "arrays and objects nest deeper than dealerbridge.MAX_DEPTH",
    "json.type": "the value is not a JSON value (str, bytes, or Python JSON types expected)",
    "json.integer_range": "an integer outside the signed 64-bit range [-2^63, 2^63-1]",
    "money.amount": "not a myKaarma amount (^[0-9]+(\\.[0-9]{1,2})?$)",
    "money.cents": "cents must be a non-negative int",
    "datetime": "not a date-time in the accepted grammar or not a real moment",
    "toml.syntax": "the text is not TOML (mapping config files)",
    "mapping.order_number": "the order number is empty or does not fit myKaarma's pattern",
    "mapping.status": "the order's state maps to 'refuse' in the config (e.g. an Estimate)",
    "mapping.date": "a date-time the mapping needs is missing or not a UTC instant",
    "mapping.op_code": "no op code for a service: not in orders.op_codes, no default_op_code",
    "mapping.advisor": "no advisor: serviceWriterId not in orders.advisors and no default",
    "mapping.customer": "no myKaarma customer uuid: not in orders.customers and no default",
    "mapping.unreconciled": "a service's own totals differ from its line items",
    "mapping.negative": "a negative amount, and orders.negative_amounts is 'refuse'",
    "mapping.order_discount": "an order-level discount, and orders.order_discounts is 'refuse'",
    "mapping.transactional_fee": "an order-level card fee, and transactional_fees is 'refuse'",
    "mapping.credit_exceeds_order": "credits exceed every amount they could be allocated to",
    "mapping.too_many_jobs": "more included services than orders.max_jobs",
    "mapping.amount": "an inbound myKaarma amount or quantity cannot be read exactly",
    "mapping.no_order": "the input carries no order (e.g. a read response without one)",
}


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
            root: dict[str, Any] = document
        else:
            root = {"$schema": DRAFT, "$ref": f"{self.document_id}#{fragment}"}
        rs_registry = _rs_registry(registry)
        self._names = defined_names(registry)  # member names shown under redaction
        self._validator = jsonschema_rs.validator_for(
            root, registry=rs_registry, validate_formats=True, offline=True
        )
        self._contents = [
            (path, _compile_ref(rs_registry, content.schema))
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
        return _translate_all(found, ())

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
        for path, validator in self._contents:
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
                        )
                    )
                    continue
                if not validator.is_valid(inner):
                    found.extend(_translate_all(list(validator.iter_errors(inner)), where))
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
        found = jsonschema_rs.Registry(list(registry.resources()))
        _rs_registries[key] = found
    return found


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


def _sorted(issues: list[Issue]) -> list[Issue]:
    unique: dict[tuple[str, str, str], Issue] = {}
    for item in issues:
        unique.setdefault((item.path, item.code, item.message), item)
    return sorted(unique.values(), key=lambda i: (i.path, i.code))


def _translate_all(found: list[Any], prefix: Path) -> list[Issue]:
    out: list[Issue] = []
    for error in found:
        out.extend(_translate(error, prefix))
    return out


def _label(parts: tuple[str | int, ...]) -> str:
    if not parts:
        return "the payload"
    last = parts[-1]
    if isinstance(last, int):
        return f"item {last} of '{parts[-2]}'" if len(parts) > 1 else f"item {last}"
    return f"'{last}'"


def _translate(error: Any, prefix: tuple[str | int, ...]) -> list[Issue]:
    parts: tuple[str | int, ...] = (*prefix, *error.instance_path)
    kind = error.kind
    code: str = kind.name
    value = error.instance
    label = _label(parts)
    found = describe_value(value)
    if code == "required":
        member = kind.property
        member_parts = (*parts, member)
        where = "the payload" if not parts else _label(parts)
        return [
            Issue(
                path=pointer(member_parts),
                code="required",
                message=f"'{member}' is required in {where} but is missing",
                value=None,
            )
        ]
    if code == "additionalProperties":
        return [
            Issue(
                path=pointer((*parts, key)),
                code="additionalProperties",
                message=f"'{key}' is not allowed in {label} (unknown member); found "
                f"{describe_value(value.get(key) if isinstance(value, dict) else None)}",
                value=value.get(key) if isinstance(value, dict) else None,
            )
            for key in kind.unexpected
        ]
    if code in ("anyOf", "oneOf"):
        branches: list[list[Any]] = list(kind.context)
        relevant = [b for b in branches if b and not _only_type_mismatch(b, error.instance_path)]
        if len(relevant) == 1:
            return _translate_all(relevant[0], prefix)
        shape = "matches none of the allowed shapes"
        if code == "oneOf" and not any(branches):
            shape = "matches more than one of the allowed shapes"
        return [Issue(pointer(parts), code, f"{label} {shape}; found {found}", value)]
    rule = _RULES.get(code)
    text = rule(kind) if rule is not None else f"fails the '{code}' rule"
    return [Issue(pointer(parts), code, f"{label} {text}; found {found}", value)]


def _only_type_mismatch(branch: list[Any], path: Any) -> bool:
    return all(
        e.kind.name in ("type", "const", "enum") and list(e.instance_path) == list(path)
        for e in branch
    )


def _types(kind: Any) -> str:
    types = kind.as_dict().get("types") or []
    return " or ".join(str(t) for t in types)


_RULES: dict[str, Any] = {
    "type": lambda k: f"must be of type {_types(k)}",
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

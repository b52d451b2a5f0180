"""Schema-driven Hypothesis strategies (see `dealerbridge.testing`)."""

from __future__ import annotations

import datetime as dt
import enum
import json
import re
from collections.abc import Callable, Mapping
from typing import Any, Final

import attrs
import jsonschema_rs
from hypothesis import assume
from hypothesis import strategies as st

from .._engine import DRAFT, _rs_registry, compiled
from .._errors import pointer
from .._models import M, load
from .._registry import SchemaRegistry, default_registry
from .._render import REDACTED_NAME, hides
from .._schema_model import (
    AnyValue,
    ArraySchema,
    ContentSchema,
    Location,
    Node,
    Nullable,
    ObjectSchema,
    Scalar,
    UnionSchema,
    unwrap,
)
from .._types import JSON

__all__ = [
    "DRAWN",
    "DrawnType",
    "ExpectedIssue",
    "invalid_payloads",
    "models",
    "payloads",
    "register_breaker",
    "register_fixup",
]

Fixup = Callable[[JSON], JSON]
Breaker = Callable[[JSON], "st.SearchStrategy[tuple[JSON, ExpectedIssue]]"]
_fixups: dict[str, list[Fixup]] = {}
_breakers: dict[str, list[Breaker]] = {}
# Strategies already built, by schema version and options (see `payloads`). Registering a
# fixup or breaker empties it, so a strategy never misses one registered after it was built.
_built: dict[tuple[Any, ...], st.SearchStrategy[Any]] = {}


class DrawnType(enum.Enum):
    """Type of `DRAWN`: a strategy option left to the strategy, which draws it from whatever
    the schema allows (as `dealerbridge.UNSET` marks a member absent, `DRAWN` marks an option
    not chosen; ``None`` stays free to mean JSON ``null``)."""

    DRAWN = "DRAWN"

    def __repr__(self) -> str:
        return "DRAWN"


#: The default of a strategy option the caller does not fix (`partner_requests`'s
#: ``source``): the strategy draws it from the schema.
DRAWN: Final = DrawnType.DRAWN


@attrs.frozen
class ExpectedIssue:
    """The issue a broken payload must produce: JSON Pointer path and code. The path is the
    one `dealerbridge.errors` gives at the redaction level in force when it was drawn (the
    name of an unknown member is `REDACTED_NAME` unless the level is ``"off"``)."""

    path: str
    code: str
    rule: str = ""


def register_fixup(schema: str, fixup: Fixup) -> None:
    """After generation, pass payloads of *schema* through *fixup* (for rules outside the
    generic generator, such as cross-field conditions)."""
    _fixups.setdefault(schema, []).append(fixup)
    _built.clear()


def register_breaker(schema: str, breaker: Breaker) -> None:
    """Add a strategy factory: given a valid payload, draw (broken payload, expected issue)."""
    _breakers.setdefault(schema, []).append(breaker)
    _built.clear()


_ANY_JSON: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=5), inner, max_size=2)
    ),
    max_leaves=4,
)


def _date_str(d: dt.date) -> str:
    return d.isoformat()


def _datetime_str(value: dt.datetime, millis: bool) -> str:
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    return text + (f".{value.microsecond // 1000:03d}Z" if millis else "Z")


_DATES = st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31)).map(_date_str)
_DATETIMES = st.builds(
    _datetime_str, st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2100, 12, 31)), st.booleans()
)


class _Builder:
    """Strategies of valid values, read from the schema model (`SchemaRegistry.model`)."""

    def __init__(
        self,
        registry: SchemaRegistry,
        max_items: int,
        extras: bool,
        optional: str = "random",
        nulls: str = "random",
    ) -> None:
        self.optional = optional
        self.nulls = nulls
        self.registry = registry
        self.max_items = max_items
        self.extras = extras
        self._objects: dict[tuple[int, int], st.SearchStrategy[Any]] = {}

    def strategy(self, node: Any, base: str = "", depth: int = 0) -> st.SearchStrategy[Any]:
        """Values of *node*: a model node, or a whole raw document (then *base* is its $id)."""
        if isinstance(node, dict):
            node = self.registry.model_by_id(base or node["$id"]).root
        return self.build(node, depth)

    def build(self, node: Node, depth: int) -> st.SearchStrategy[Any]:
        if isinstance(node, AnyValue):
            return _ANY_JSON
        if isinstance(node, Nullable):
            inner = node.schema
            if self.nulls == "always" and not _is_container(inner):
                return st.none()
            if self.optional == "containers" and _is_container(inner):
                return self.build(inner, depth + 1)
            # The value first, null second: the order the schemas list them in.
            return self.build(inner, depth + 1) | st.none()
        if isinstance(node, ContentSchema):
            decoded = self.build(node.schema, depth + 1)
            as_text = decoded.map(lambda v: json.dumps(v, ensure_ascii=False))
            return as_text | decoded if node.accepts_decoded else as_text
        if isinstance(node, UnionSchema):
            return st.one_of([self.build(o.schema, depth + 1) for o in node.options])
        if isinstance(node, ArraySchema):
            low = node.min_items or 0
            if self.optional in ("containers", "sparse"):
                low = max(low, 1)
            return st.lists(
                self.build(node.items, depth + 2),
                min_size=low,
                max_size=max(low, self.max_items if depth < 6 else 1),
            )
        if isinstance(node, ObjectSchema):
            key = (id(node), depth)
            found = self._objects.get(key)
            if found is None:  # deferred: recursive schemas end here
                found = st.deferred(lambda: self.obj(node, depth))
                self._objects[key] = found
            return found
        return self.scalar(node)

    def scalar(self, node: Scalar) -> st.SearchStrategy[Any]:
        if node.const is not None:
            return st.just(node.const[0])
        if node.enum is not None:
            return st.sampled_from(node.enum)
        return st.one_of([self.typed(t, node) for t in node.types])

    def typed(self, t: str, node: Scalar) -> st.SearchStrategy[Any]:
        if t == "boolean":
            return st.booleans()
        if t == "integer":
            low = -(10**9) if node.minimum is None else int(node.minimum)
            high = 10**9 if node.maximum is None else int(node.maximum)
            # Every integer carries its int64 bounds (for outside validators): draw from the
            # everyday range inside them, so sums of drawn amounts stay far from overflow.
            low, high = max(low, min(-(10**9), high)), min(high, max(10**9, low))
            return st.integers(low, high)
        if t == "number":
            low_f = -1e6 if node.minimum is None else node.minimum
            high_f = 1e6 if node.maximum is None else node.maximum
            return st.integers(int(low_f), int(high_f)) | st.floats(
                low_f, high_f, allow_nan=False, allow_infinity=False
            )
        return self.string(node)

    def string(self, node: Scalar) -> st.SearchStrategy[str]:
        if node.format == "date":
            return _DATES
        if node.format == "date-time":
            return _DATETIMES
        pattern = node.pattern
        min_size = node.min_length or 0
        max_size = 24 if node.max_length is None else node.max_length
        if pattern:
            anchored = pattern.startswith("^") and pattern.endswith("$")
            strat = st.from_regex(re.compile(pattern), fullmatch=anchored)
            if not anchored:
                strat = st.from_regex(re.compile(pattern))
            return strat.filter(lambda s: min_size <= len(s) <= max(max_size, min_size) + 64)
        return st.text(
            st.characters(codec="utf-8", exclude_categories=["Cs"]),
            min_size=min_size,
            max_size=max_size,
        )

    def obj(self, node: ObjectSchema, depth: int) -> st.SearchStrategy[Any]:
        if node.values is not None and not node.fields:
            return st.dictionaries(
                st.text(max_size=5), self.build(node.values, depth + 2), max_size=2
            )
        fixed = {f.wire_name: self.build(f.schema, depth + 2) for f in node.fields if f.required}
        optional = {
            f.wire_name: self.build(f.schema, depth + 2) for f in node.fields if not f.required
        }
        if self.optional == "all":
            fixed.update(optional)
            optional = {}
        elif self.optional == "containers":
            for field in node.fields:
                if not field.required and _is_container(field.schema):
                    fixed[field.wire_name] = optional.pop(field.wire_name)
        strat = st.fixed_dictionaries(fixed, optional=optional)
        if self.extras and not node.closed:
            strat = st.builds(
                _with_extra,
                strat,
                st.none() | st.tuples(st.sampled_from(["zzNewField", "x_vendor_added"]), _ANY_JSON),
            )
        return strat


def _is_container(node: Node) -> bool:
    """An object or array (possibly nullable, or a union of them) as opposed to a scalar."""
    node = unwrap(node)
    if isinstance(node, UnionSchema):
        return any(_is_container(o.schema) for o in node.options)
    return isinstance(node, ObjectSchema | ArraySchema | ContentSchema)


def _with_extra(value: dict[str, Any], extra: tuple[str, Any] | None) -> dict[str, Any]:
    if extra is not None and extra[0] not in value:
        return {**value, extra[0]: extra[1]}
    return value


def payloads(
    schema: str,
    *,
    version: int | None = None,
    max_items: int = 2,
    unknown_fields: bool = True,
    optional: str = "random",
    nulls: str = "random",
    registry: SchemaRegistry | None = None,
    stubs: Mapping[str, st.SearchStrategy[JSON]] | None = None,
) -> st.SearchStrategy[JSON]:
    """Valid wire payloads of *schema*. Inbound schemas also get members the vendor might add
    later (``unknown_fields``); arrays hold at most ``max_items`` items. ``optional`` is
    ``"random"`` (each optional member may be absent), ``"all"`` (every optional member
    present, possibly null) or ``"containers"`` (optional objects and arrays always present
    and non-null, arrays non-empty, scalars random) or ``"sparse"`` (like containers, but
    optional objects and arrays may be absent or null), to reach deep fields quickly.
    ``nulls="always"`` makes every nullable scalar null.

    ``stubs`` maps names of other schemas to strategies that stand in for them wherever
    *schema* embeds that whole document (a ``$ref`` to the document itself, not to one of its
    ``$defs``): an envelope's test can draw its inner document from a few known-valid values
    while the inner document's own tests cover it in full. The stub must give valid documents.

    The strategy is built once per schema version and options, and the same object is
    returned on later calls (building one walks the whole schema; drawing from it is cheap)."""
    if optional not in ("random", "all", "containers", "sparse"):
        raise ValueError(f"optional must be random, all, containers or sparse, not {optional!r}")
    if nulls not in ("random", "always"):
        raise ValueError(f"nulls must be 'random' or 'always', not {nulls!r}")
    reg = registry or default_registry()
    resolved = reg.resolve_version(schema, version)
    by_id = _stubs_by_id(reg, stubs)
    key = ("payloads", reg, schema, resolved, max_items, unknown_fields, optional, nulls)
    key += _stubs_key(by_id)
    found = _built.get(key)
    if found is None:
        found = _built[key] = _build_payloads(
            reg, schema, version, max_items, unknown_fields, optional, nulls, by_id
        )
    return found


def _stubs_by_id(
    reg: SchemaRegistry, stubs: Mapping[str, st.SearchStrategy[Any]] | None
) -> dict[str, st.SearchStrategy[Any]]:
    return {reg.document(name)["$id"]: strategy for name, strategy in (stubs or {}).items()}


def _stubs_key(by_id: dict[str, st.SearchStrategy[Any]]) -> tuple[Any, ...]:
    # By identity: the built strategy holds the stubs, so their ids are not reused meanwhile.
    return tuple(sorted((doc_id, id(strategy)) for doc_id, strategy in by_id.items()))


class _StubbingBuilder(_Builder):
    """A `_Builder` that answers each whole-document ``$ref`` to a stubbed document with the
    stub (see ``stubs`` in `payloads`)."""

    def __init__(
        self,
        registry: SchemaRegistry,
        max_items: int,
        extras: bool,
        optional: str,
        nulls: str,
        stubs: dict[str, st.SearchStrategy[Any]],
    ) -> None:
        super().__init__(registry, max_items, extras, optional, nulls)
        self.stubs = stubs

    def build(self, node: Node, depth: int) -> st.SearchStrategy[Any]:
        # A whole embedded document is its model's root: an object at pointer "" of its $id.
        if isinstance(node, ObjectSchema) and depth > 0 and node.location.pointer in ("", "#"):
            stub = self.stubs.get(node.location.document_id)
            if stub is not None:
                return stub
        return super().build(node, depth)


def _build_payloads(
    reg: SchemaRegistry,
    schema: str,
    version: int | None,
    max_items: int,
    unknown_fields: bool,
    optional: str,
    nulls: str,
    stubs: dict[str, st.SearchStrategy[Any]],
) -> st.SearchStrategy[Any]:
    document = reg.document(schema, version)
    if stubs:
        builder: _Builder = _StubbingBuilder(reg, max_items, unknown_fields, optional, nulls, stubs)
    else:
        builder = _Builder(reg, max_items, unknown_fields, optional, nulls)
    strat = builder.strategy(document, document["$id"])
    for fixup in _fixups.get(schema, []):
        strat = strat.map(fixup)
    check = compiled(schema, version, registry=reg)
    return strat.filter(lambda value: not check.issues(value))


def models(cls: type[M], *, max_items: int = 2) -> st.SearchStrategy[M]:
    """Model instances of *cls* (a top-level generated class), loaded from valid payloads."""
    ref = cls.__dealerbridge_schema__
    if ref.fragment is not None:
        raise TypeError(f"{cls.__name__} is a nested class; use its top-level schema's class")
    key = ("models", default_registry(), cls, max_items)
    found = _built.get(key)
    if found is None:
        found = _built[key] = payloads(ref.name, version=ref.version, max_items=max_items).map(
            lambda value: load(cls, value)
        )
    return found


# --------------------------------------------------------------------------- invalid


class _Sites:
    """Walks a valid payload together with its schema model, listing places a rule can be
    broken as ``(kind, path, location of the schema there)``."""

    def __init__(self) -> None:
        self.out: list[tuple[str, tuple[Any, ...], Location]] = []
        self.frozen: set[tuple[Any, ...]] = set()

    def visit(self, node: Node, value: Any, path: tuple[Any, ...]) -> None:
        if isinstance(node, Nullable):
            if value is not None:
                self.visit(node.schema, value, path)
            return
        if isinstance(node, ContentSchema):
            # A string holding JSON is broken inside (rule breaks inside a stringified
            # payload): `_edit` decodes it, edits, and encodes it again.
            inner = _decoded(value) if isinstance(value, str) else value
            if inner is not _DELETE:
                self.visit(node.schema, inner, path)
            return
        if isinstance(node, UnionSchema):
            if not node.tagged:
                self.visit(node.options[0].schema, value, path)
                return
            for option in node.options:
                key = option.discriminator
                if key is None or (isinstance(value, dict) and key in value):
                    if key is not None:
                        self.frozen.add((*path, key))
                    self.visit(option.schema, value, path)
                    return
            return
        if isinstance(node, ObjectSchema) and isinstance(value, dict):
            if not node.fields and not node.closed:
                return
            conditional = {key for rule in node.rules for key in rule.members}
            for field in node.fields:
                if (
                    field.required
                    and field.wire_name in value
                    and field.wire_name not in conditional
                ):
                    self.out.append(("required", (*path, field.wire_name), node.location))
            if node.closed:
                self.out.append(("additionalProperties", (*path, "zzUnknownField"), node.location))
            for field in node.fields:
                key = field.wire_name
                if key in value:
                    if key not in conditional:
                        self.out.append(("value", (*path, key), field.schema.location))
                    self.visit(field.schema, value[key], (*path, key))
        elif isinstance(node, ArraySchema) and isinstance(value, list) and value:
            self.visit(node.items, value[0], (*path, 0))


_CANDIDATES: list[Any] = [
    "",
    " ",
    "x",
    "12.505",
    "2025-02-30",
    "2025-02-29",
    "2026-02-30T10:00:00Z",
    "24:00:00",
    "é",
    "A\n",
    "-1",
    "zz-not-listed",
    1.5,
    7,
    -1,
    True,
    None,
    [],
    {},
    "1990-01-01T00:00:00",
    "2026-04-06T13:00",
]


def invalid_payloads(
    schema: str,
    *,
    version: int | None = None,
    max_items: int = 2,
    registry: SchemaRegistry | None = None,
    stubs: Mapping[str, st.SearchStrategy[JSON]] | None = None,
) -> st.SearchStrategy[tuple[JSON, ExpectedIssue]]:
    """``(payload, expected)``: a valid payload with exactly one rule broken, and the issue
    it must produce. Rules come from the schema (a required member removed, an unknown
    member added to a closed object, a value of the wrong type, outside an enum or not
    matching a pattern) and from the vendor breakers registered for *schema*. ``stubs`` stand
    in for embedded documents of the valid payloads broken, as in `payloads`.

    Every draw is refused by the function a user reads such a payload with: `validate` and
    `dump` for an outbound schema (a request), `load` and the vendors' ``parse_*`` for an
    inbound one (a response or event). So on inbound schemas a value outside a documented
    enum is never drawn: `load` keeps it, with an `UnknownEnumValueWarning`, as it must for
    a vendor that adds a value (``errors`` still reports it as ``enum``)."""
    reg = registry or default_registry()
    key = ("invalid", reg, schema, reg.resolve_version(schema, version), max_items)
    key += _stubs_key(_stubs_by_id(reg, stubs))
    found = _built.get(key)
    if found is None:
        found = _built[key] = _build_invalid(reg, schema, version, max_items, stubs)
    return found


def _build_invalid(
    reg: SchemaRegistry,
    schema: str,
    version: int | None,
    max_items: int,
    stubs: Mapping[str, st.SearchStrategy[Any]] | None,
) -> st.SearchStrategy[tuple[Any, ExpectedIssue]]:
    document = reg.model_by_id(reg.document(schema, version)["$id"])
    root_node = document.root
    # What `load` tolerates on an inbound schema is not a break a reader refuses.
    tolerated = frozenset({"enum"}) if document.inbound else frozenset()
    rs_registry = _rs_registry(reg)
    valid_payloads = payloads(
        schema,
        version=version,
        max_items=max_items,
        unknown_fields=False,
        registry=reg,
        stubs=stubs,
    )
    vendor = _breakers.get(schema, [])
    leaf_cache: dict[Location, list[tuple[Any, str]]] = {}
    validators: dict[Location, Any] = {}

    def leaf_validator(where: Location) -> Any:
        found = validators.get(where)
        if found is None:
            sub = reg.raw_at(where)
            root = {"$schema": DRAFT, **_absolutise(sub, where.document_id)}
            found = validators[where] = jsonschema_rs.validator_for(
                root, registry=rs_registry, validate_formats=True, offline=True
            )
        return found

    def one_issue(where: Location, candidate: Any) -> str | None:
        """The code of the one issue *candidate* gets at the root of the leaf schema at
        *where*, or None. Errors of several keywords of one schema node (a pattern and its
        trailing-line-feed guard, a pattern and a format) are one issue, coded by the first."""
        errs = list(leaf_validator(where).iter_errors(candidate))
        if not errs or any(list(e.instance_path) for e in errs):
            return None
        if len({tuple(e.schema_path)[:-1] for e in errs}) != 1:
            return None
        code: str = errs[0].kind.name
        # A union's error is not one issue; a missing member (a candidate {} for an object
        # requiring one member) is reported at the member, not here.
        return None if code in ("anyOf", "oneOf", "required") else code

    def leaf_breaks(where: Location) -> list[tuple[Any, str]]:
        """The candidates that break the leaf schema at *where* with one issue at its root,
        each with that issue's code (computed once per schema location: it does not depend on
        the payload)."""
        found = leaf_cache.get(where)
        if found is None:
            found = []
            for candidate in _CANDIDATES:
                code = one_issue(where, candidate)
                if code is not None:
                    found.append((candidate, code))
            # Integers past int64: refused by dealerbridge's reader (code json.integer_range)
            # and, through the int64 bounds every integer member carries, by any validator.
            if one_issue(where, _INT64_MAX + 1) in ("maximum", "exclusiveMaximum"):
                found.append((_INT64_MAX + 1, "json.integer_range"))
                found.append((-_INT64_MAX - 2, "json.integer_range"))
            leaf_cache[where] = found
        return found

    def value_breaks(where: Location, current: Any) -> list[tuple[Any, str]]:
        """Breaks made from the valid value itself: a trailing line feed (Python's ``$``
        matches before one; ECMA's does not)."""
        if isinstance(current, str) and current and not current.endswith("\n"):
            code = one_issue(where, current + "\n")
            if code is not None:
                return [(current + "\n", code)]
        return []

    @st.composite
    def broken(draw: st.DrawFn) -> tuple[Any, ExpectedIssue]:
        valid = draw(valid_payloads)
        flip: bool = draw(st.booleans()) if vendor else False
        if flip:
            chosen: tuple[Any, ExpectedIssue] = draw(st.one_of([b(valid) for b in vendor]))
            return chosen
        sites = _Sites()
        sites.visit(root_node, valid, ())
        # (path, new value or _DELETE, code); only the one drawn is applied.
        options: list[tuple[tuple[Any, ...], Any, str]] = []
        for kind, path, where in sites.out:
            if path in sites.frozen:
                continue
            if kind == "required":
                options.append((path, _DELETE, "required"))
            elif kind == "additionalProperties":
                options.append((path, 1, "additionalProperties"))
            else:
                options.extend((path, new, code) for new, code in leaf_breaks(where))
                current = _value_at(valid, path)
                options.extend((path, new, code) for new, code in value_breaks(where, current))
        options = [option for option in options if option[2] not in tolerated]
        assume(bool(options))
        path, new, code = options[draw(st.integers(0, len(options) - 1))]
        shown = pointer(path)
        if code == "json.integer_range" and (inside := _content_string_at(valid, path)):
            # The reader refuses the whole string holding JSON before any schema is applied:
            # the issue is the string's own (contentMediaType), its message saying why.
            code, shown = "contentMediaType", pointer(inside)
        if code == "additionalProperties" and hides(personal=True):
            # an unknown member's name is personal data: hidden in the path, as errors() does
            shown = pointer(path[:-1]) + "/" + REDACTED_NAME
        return _edit(valid, path, new), ExpectedIssue(shown, code)

    return broken()


def _abs(base: str, ref: str) -> str:
    return base + ref if ref.startswith("#") else ref


def _absolutise(node: Any, base: str) -> Any:
    if isinstance(node, dict):
        return {
            k: (_abs(base, v) if k == "$ref" and isinstance(v, str) else _absolutise(v, base))
            for k, v in node.items()
            if k != "$schema"
        }
    if isinstance(node, list):
        return [_absolutise(v, base) for v in node]
    return node


_DELETE = object()


_INT64_MAX = 2**63 - 1


def _decoded(text: str) -> Any:
    """The JSON value a string holds, or `_DELETE` when it holds none."""
    try:
        return json.loads(text)
    except ValueError:
        return _DELETE


def _content_string_at(value: Any, path: tuple[Any, ...]) -> tuple[Any, ...]:
    """The path of the outermost string holding JSON that *path* goes through, or ()."""
    for depth, part in enumerate(path):
        if isinstance(value, str):
            return path[:depth]
        value = value[part]
    return ()


def _value_at(value: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        if isinstance(value, str):
            value = _decoded(value)
        value = value[part]
    return value


def _edit(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    if isinstance(value, str):  # a string holding JSON (a content schema): edit inside it
        return json.dumps(_edit(json.loads(value), path, new), ensure_ascii=False)
    head, rest = path[0], path[1:]
    if isinstance(value, list):
        copy = list(value)
        copy[head] = _edit(value[head], rest, new)
        return copy
    copy_d = dict(value)
    if not rest:
        if new is _DELETE:
            copy_d.pop(head, None)
        else:
            copy_d[head] = new
        return copy_d
    copy_d[head] = _edit(value[head], rest, new)
    return copy_d

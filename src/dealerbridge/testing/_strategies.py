"""Schema-driven Hypothesis strategies (see `dealerbridge.testing`)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

import attrs
import jsonschema_rs
from hypothesis import assume
from hypothesis import strategies as st

from .._models import M, load
from .._registry import SchemaRegistry, default_registry
from .._validation import DRAFT, _rs_registry, compiled

__all__ = [
    "ExpectedIssue",
    "invalid_payloads",
    "models",
    "payloads",
    "register_breaker",
    "register_fixup",
]

Fixup = Callable[[Any], Any]
Breaker = Callable[[Any], "st.SearchStrategy[tuple[Any, ExpectedIssue]]"]
_fixups: dict[str, list[Fixup]] = {}
_breakers: dict[str, list[Breaker]] = {}


@attrs.frozen
class ExpectedIssue:
    """The issue a broken payload must produce: JSON Pointer path and code."""

    path: str
    code: str
    rule: str = ""


def register_fixup(schema: str, fixup: Fixup) -> None:
    """After generation, pass payloads of *schema* through *fixup* (for rules outside the
    generic generator, such as cross-field conditions)."""
    _fixups.setdefault(schema, []).append(fixup)


def register_breaker(schema: str, breaker: Breaker) -> None:
    """Add a strategy factory: given a valid payload, draw (broken payload, expected issue)."""
    _breakers.setdefault(schema, []).append(breaker)


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

    def resolve(self, base: str, ref: str) -> tuple[str, Any]:
        return self.registry.resolve(base, ref)

    def strategy(self, node: Any, base: str, depth: int = 0) -> st.SearchStrategy[Any]:
        if node is True or node == {} or not isinstance(node, dict):
            return _ANY_JSON
        if "$ref" in node:
            doc_id, target = self.resolve(base, node["$ref"])
            return st.deferred(lambda: self.strategy(target, doc_id, depth + 1))
        if "anyOf" in node:
            if (
                self.nulls == "always"
                and {"type": "null"} in node["anyOf"]
                and not _is_container(node)
            ):
                return st.none()
            options = []
            for branch in node["anyOf"]:
                if self.optional == "containers" and branch == {"type": "null"}:
                    continue
                if isinstance(branch, dict) and "contentSchema" in branch:
                    inner = self.strategy(branch["contentSchema"], base, depth + 1)
                    options.append(inner.map(lambda v: json.dumps(v, ensure_ascii=False)))
                else:
                    options.append(self.strategy(branch, base, depth + 1))
            return st.one_of(options)
        if "if" in node and "then" in node and "properties" not in node:
            options = []
            current: Any = node
            while isinstance(current, dict) and "if" in current:
                options.append(self.strategy(current["then"], base, depth + 1))
                current = current.get("else")
            if isinstance(current, dict):
                options.append(self.strategy(current, base, depth + 1))
            return st.one_of(options)
        if "const" in node:
            return st.just(node["const"])
        if "enum" in node:
            if self.nulls == "always" and None in node["enum"]:
                return st.none()
            return st.sampled_from(node["enum"])
        types = node.get("type")
        if types is None:
            return _ANY_JSON
        if isinstance(types, str):
            types = [types]
        if (
            self.optional == "containers"
            and len(types) > 1
            and ("object" in types or "array" in types)
        ):
            types = [t for t in types if t != "null"]
        elif self.nulls == "always" and "null" in types:
            return st.none()
        if self.nulls == "always" and None in node.get("enum", []):
            return st.none()
        return st.one_of([self.typed(t, node, base, depth) for t in types])

    def typed(self, t: str, node: dict[str, Any], base: str, depth: int) -> st.SearchStrategy[Any]:
        if t == "null":
            return st.none()
        if t == "boolean":
            return st.booleans()
        if t == "integer":
            return st.integers(node.get("minimum", -(10**9)), node.get("maximum", 10**9))
        if t == "number":
            low, high = node.get("minimum", -1e6), node.get("maximum", 1e6)
            return st.integers(int(low), int(high)) | st.floats(
                low, high, allow_nan=False, allow_infinity=False
            )
        if t == "string":
            return self.string(node)
        if t == "array":
            low = node.get("minItems", 0)
            if self.optional in ("containers", "sparse"):
                low = max(low, 1)
            return st.lists(
                self.strategy(node.get("items", {}), base, depth + 1),
                min_size=low,
                max_size=max(low, self.max_items if depth < 6 else 1),
            )
        return self.obj(node, base, depth)

    def string(self, node: dict[str, Any]) -> st.SearchStrategy[str]:
        fmt = node.get("format")
        if fmt == "date":
            return _DATES
        if fmt == "date-time":
            return _DATETIMES
        pattern = node.get("pattern")
        min_size, max_size = node.get("minLength", 0), node.get("maxLength", 24)
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

    def obj(self, node: dict[str, Any], base: str, depth: int) -> st.SearchStrategy[Any]:
        props = node.get("properties", {})
        required = [k for k in node.get("required", []) if k in props]
        fixed = {k: self.strategy(props[k], base, depth + 1) for k in required}
        optional = {
            k: self.strategy(v, base, depth + 1) for k, v in props.items() if k not in required
        }
        if self.optional == "all":
            fixed.update(optional)
            optional = {}
        elif self.optional == "containers":
            for key in [k for k in optional if _is_container(props[k])]:
                fixed[key] = optional.pop(key)
        strat = st.fixed_dictionaries(fixed, optional=optional)
        if self.extras and node.get("additionalProperties", True) is not False:
            strat = st.builds(
                _with_extra,
                strat,
                st.none() | st.tuples(st.sampled_from(["zzNewField", "x_vendor_added"]), _ANY_JSON),
            )
        return strat


def _is_container(node: Any) -> bool:
    if not isinstance(node, dict):
        return False
    if "$ref" in node:
        return not node["$ref"].startswith("https://schemas.dealerbridge.dev/common/")
    types = node.get("type")
    types = [types] if isinstance(types, str) else types or []
    if "object" in types or "array" in types:
        return True
    return any(_is_container(b) for b in node.get("anyOf", []) if b != {"type": "null"})


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
) -> st.SearchStrategy[Any]:
    """Valid wire payloads of *schema*. Inbound schemas also get members the vendor might add
    later (``unknown_fields``); arrays hold at most ``max_items`` items. ``optional`` is
    ``"random"`` (each optional member may be absent), ``"all"`` (every optional member
    present, possibly null) or ``"containers"`` (optional objects and arrays always present
    and non-null, arrays non-empty, scalars random) or ``"sparse"`` (like containers, but
    optional objects and arrays may be absent or null), to reach deep fields quickly.
    ``nulls="always"`` makes every nullable scalar null."""
    if optional not in ("random", "all", "containers", "sparse"):
        raise ValueError(f"optional must be random, all, containers or sparse, not {optional!r}")
    reg = registry or default_registry()
    document = reg.document(schema, version)
    if nulls not in ("random", "always"):
        raise ValueError(f"nulls must be 'random' or 'always', not {nulls!r}")
    builder = _Builder(reg, max_items, unknown_fields, optional, nulls)
    strat = builder.strategy(document, document["$id"])
    for fixup in _fixups.get(schema, []):
        strat = strat.map(fixup)
    check = compiled(schema, version, registry=registry)
    return strat.filter(lambda value: not check.issues(value))


def models(cls: type[M], *, max_items: int = 2) -> st.SearchStrategy[M]:
    """Model instances of *cls* (a top-level generated class), loaded from valid payloads."""
    ref = cls.__dealerbridge_schema__
    if ref.fragment is not None:
        raise TypeError(f"{cls.__name__} is a nested class; use its top-level schema's class")
    return payloads(ref.name, version=ref.version, max_items=max_items).map(
        lambda value: load(cls, value)
    )


# --------------------------------------------------------------------------- invalid


def _ptr(parts: tuple[Any, ...]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


class _Sites:
    """Walks a valid payload together with its schema, listing places a rule can be broken."""

    def __init__(self, builder: _Builder) -> None:
        self.b = builder
        self.out: list[tuple[str, tuple[Any, ...], Any, dict[str, Any], str]] = []
        self.frozen: set[tuple[Any, ...]] = set()

    def walk(
        self, node: Any, base: str, value: Any, path: tuple[Any, ...], closed_ok: bool
    ) -> None:
        if not isinstance(node, dict):
            return
        if "$ref" in node:
            doc_id, target = self.b.resolve(base, node["$ref"])
            self.walk(target, doc_id, value, path, closed_ok)
            return
        if "anyOf" in node:
            if value is None or (
                isinstance(value, str)
                and any(isinstance(b, dict) and "contentSchema" in b for b in node["anyOf"])
            ):
                return
            for branch in node["anyOf"]:
                if branch != {"type": "null"} and not (
                    isinstance(branch, dict) and "contentSchema" in branch
                ):
                    self.walk(branch, base, value, path, closed_ok)
                    return
            return
        if "if" in node and "then" in node and "properties" not in node:
            current: Any = node
            while isinstance(current, dict) and "if" in current:
                keys = current["if"].get("required", [])
                if isinstance(value, dict) and all(k in value for k in keys):
                    self.frozen.update((*path, k) for k in keys)
                    self.walk(current["then"], base, value, path, closed_ok)
                    return
                current = current.get("else")
            self.walk(current, base, value, path, closed_ok)
            return
        if isinstance(value, dict) and "properties" in node:
            props = node["properties"]
            conditional = _conditional_keys(node)
            for key in node.get("required", []):
                if key in value and key not in conditional:
                    self.out.append(("required", (*path, key), value, node, base))
            if node.get("additionalProperties", True) is False:
                self.out.append(
                    ("additionalProperties", (*path, "zzUnknownField"), value, node, base)
                )
            for key, sub in props.items():
                if key in value:
                    if key not in conditional:
                        self.leaf(sub, base, value, (*path, key))
                    self.walk(sub, base, value[key], (*path, key), closed_ok)
        elif isinstance(value, list) and value:
            self.walk(node.get("items", {}), base, value[0], (*path, 0), closed_ok)

    def leaf(self, sub: Any, base: str, parent: Any, path: tuple[Any, ...]) -> None:
        self.out.append(("value", path, parent, sub, base))


def _conditional_keys(node: dict[str, Any]) -> set[str]:
    keys: set[str] = set()
    for rule in node.get("allOf", []):
        for part in ("if", "then", "else"):
            sub = rule.get(part, {}) if isinstance(rule, dict) else {}
            keys.update(sub.get("properties", {}))
            keys.update(sub.get("required", []))
    return keys


_CANDIDATES: list[Any] = [
    "",
    " ",
    "x",
    "12.505",
    "2025-02-30",
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
) -> st.SearchStrategy[tuple[Any, ExpectedIssue]]:
    """``(payload, expected)``: a valid payload with exactly one rule broken, and the issue
    it must produce. Rules come from the schema (a required member removed, an unknown
    member added to a closed object, a value of the wrong type, outside an enum or not
    matching a pattern) and from the vendor breakers registered for *schema*."""
    reg = registry or default_registry()
    document = reg.document(schema, version)
    builder = _Builder(reg, max_items, False)
    rs_registry = _rs_registry(reg)
    leaf_cache: dict[tuple[str, str], Any] = {}

    def leaf_validator(sub: Any, base: str) -> Any:
        key = (base, json.dumps(sub, sort_keys=True))
        if key not in leaf_cache:
            if isinstance(sub, dict) and set(sub) - {"description"} == {"$ref"}:
                root: dict[str, Any] = {"$schema": DRAFT, "$ref": _abs(base, sub["$ref"])}
            else:
                root = {"$schema": DRAFT, **_absolutise(sub, base)}
            leaf_cache[key] = jsonschema_rs.validator_for(
                root, registry=rs_registry, validate_formats=True, offline=True
            )
        return leaf_cache[key]

    @st.composite
    def broken(draw: st.DrawFn) -> tuple[Any, ExpectedIssue]:
        valid = draw(
            payloads(
                schema,
                version=version,
                max_items=max_items,
                unknown_fields=False,
                registry=registry,
            )
        )
        vendor = _breakers.get(schema, [])
        flip: bool = draw(st.booleans()) if vendor else False
        if flip:
            chosen: tuple[Any, ExpectedIssue] = draw(st.one_of([b(valid) for b in vendor]))
            return chosen
        sites = _Sites(builder)
        sites.walk(document, document["$id"], valid, (), True)
        options: list[tuple[Any, ExpectedIssue]] = []
        for kind, path, _parent, sub, base in sites.out:
            if path in sites.frozen:
                continue
            if kind == "required":
                options.append((_edit(valid, path, _DELETE), ExpectedIssue(_ptr(path), "required")))
            elif kind == "additionalProperties":
                options.append(
                    (_edit(valid, path, 1), ExpectedIssue(_ptr(path), "additionalProperties"))
                )
            else:
                validator = leaf_validator(sub, base)
                for candidate in _CANDIDATES:
                    errs = list(validator.iter_errors(candidate))
                    if len(errs) == 1 and not list(errs[0].instance_path):
                        code = errs[0].kind.name
                        if code in ("anyOf", "oneOf"):
                            continue
                        options.append(
                            (_edit(valid, path, candidate), ExpectedIssue(_ptr(path), code))
                        )
        assume(bool(options))
        picked: tuple[Any, ExpectedIssue] = draw(st.sampled_from(options))
        return picked

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


def _edit(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
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

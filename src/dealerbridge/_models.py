"""Model machinery: the UNSET sentinel, the `Model` base, the cattrs converter, load/dump.

Generated classes (``dealerbridge._generated``) subclass `Model`. Each attribute carries its
exact wire key in ``metadata["wire"]``; absent optional members are `UNSET`, JSON ``null`` is
``None``. Open (inbound) classes keep unknown members in ``extras`` and write them back.
"""

from __future__ import annotations

import enum
import json
import types
import typing
import warnings
from collections.abc import Callable
from typing import Any, ClassVar, Generic, TypeAlias, TypeVar, Union, overload

import attrs
import cattrs

from ._errors import (
    DealerbridgeUsageError,
    Issue,
    UnknownEnumValueWarning,
    ValidationError,
)
from ._json import parse_json
from ._render import render_value
from ._validation import CompiledSchema, compiled

__all__ = [
    "JSON",
    "UNSET",
    "ArrayModel",
    "Model",
    "SchemaRef",
    "UnsetType",
    "converter",
    "dump",
    "load",
    "wire",
]

JSON: TypeAlias = dict[str, "JSON"] | list["JSON"] | str | int | float | bool | None


class UnsetType(enum.Enum):
    """Type of `UNSET`: the member is absent from the wire (not the same as ``null``)."""

    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: typing.Final = UnsetType.UNSET


@attrs.frozen
class SchemaRef:
    """Where a generated class's schema lives: name, version and `$defs` fragment."""

    name: str
    version: int
    fragment: str | None = None

    def compiled(self) -> CompiledSchema:
        return compiled(self.name, self.version, fragment=self.fragment)


def wire(
    key: str,
    doc: str = "",
    *,
    default: Any = attrs.NOTHING,
    content_json: bool = False,
) -> Any:
    """An attrs field with its wire key (generated code calls this)."""
    return attrs.field(
        default=default,
        metadata={"wire": key, "doc": doc, "content_json": content_json},
    )


class Model:
    """Base of every generated class. ``__schema__`` names its schema; ``__open__`` says
    whether unknown members are kept (inbound) or rejected (requests we send)."""

    __schema__: ClassVar[SchemaRef]
    __open__: ClassVar[bool] = False
    __discriminator__: ClassVar[str | None] = None
    __slots__ = ()


T = TypeVar("T")
M = TypeVar("M", bound=Model)


class ArrayModel(Generic[T]):
    """Marker for a schema whose top level is an array; `load` returns ``list[T]``."""

    __schema__: ClassVar[SchemaRef]
    __item__: ClassVar[Any]


# --------------------------------------------------------------------------- converter

converter = cattrs.Converter()
"""The cattrs converter for every generated class. Structuring trusts its input: `load`
validates with the compiled schema first, so hooks move values without re-checking or
coercing them (msgspec's "speed from doing less")."""

_Structure = Callable[[Any], Any]
_Unstructure = Callable[[Any], Any]
_structure_fns: dict[Any, _Structure] = {}
_unstructure_fns: dict[Any, _Unstructure] = {}


def _identity(value: Any) -> Any:
    return value


def _integer(value: Any) -> Any:
    # The one documented normalisation: an integral float in an integer field becomes an int.
    if type(value) is float and value.is_integer():
        return int(value)
    return value


def _strip_optional(tp: Any) -> list[Any]:
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        return [a for a in typing.get_args(tp) if a not in (type(None), UnsetType)]
    return [tp]


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, Model)


def _structure_for(tp: Any) -> _Structure:
    """The structuring function for a field type; ``None`` passes through when nullable."""
    fn = _structure_parts(_strip_optional(tp))
    if fn in (_identity, _integer) or type(None) not in typing.get_args(tp):
        return fn
    return _none_or(fn)


def _structure_parts(parts: list[Any]) -> _Structure:
    if len(parts) > 1 and all(_is_model(p) for p in parts):
        return _union_structure(parts)
    if len(parts) != 1:
        if int in parts:
            return _integer
        return _identity
    (inner,) = parts
    if _is_model(inner):
        return _model_structure(inner)
    origin = typing.get_origin(inner)
    if origin is list:
        (item,) = typing.get_args(inner) or (Any,)
        item_fn = _structure_for(item)
        if item_fn is _identity:
            return _identity

        def many(value: Any) -> Any:
            return [item_fn(v) for v in value]

        return many
    if origin is dict:
        args = typing.get_args(inner)
        value_fn = _structure_for(args[1]) if len(args) == 2 else _identity
        if value_fn is _identity:
            return _identity
        return lambda value: {k: value_fn(v) for k, v in value.items()}
    if inner is int:
        return _integer
    return _identity


def _none_or(fn: _Structure) -> _Structure:
    def structure(value: Any) -> Any:
        return None if value is None else fn(value)

    return structure


def _union_structure(classes: list[type[Model]]) -> _Structure:
    keyed = [(c.__discriminator__, c) for c in classes if c.__discriminator__]
    fallback = [c for c in classes if not c.__discriminator__]

    def structure(value: Any) -> Any:
        for key, cls in keyed:
            if key in value:
                return _model_structure(cls)(value)
        if fallback:
            return _model_structure(fallback[0])(value)
        raise DealerbridgeUsageError(f"no class of {classes} matches")

    return structure


def _fields(cls: type) -> list[tuple[str, str, Any, bool]]:
    hints = typing.get_type_hints(cls)
    out = []
    for field in attrs.fields(cls):
        key = field.metadata.get("wire")
        if key is None:
            continue
        out.append((field.name, key, hints[field.name], bool(field.metadata.get("content_json"))))
    return out


def _model_structure(cls: type[Model]) -> _Structure:
    found = _structure_fns.get(cls)
    if found is not None:
        return found

    def lazy(value: Any) -> Any:
        return build(value)

    _structure_fns[cls] = lazy  # allow recursive classes
    plan: list[tuple[str, str, _Structure]] = []
    contents: list[tuple[str, str]] = []
    for name, key, tp, content in _fields(cls):
        fn = _structure_for(tp)
        if content:
            contents.append((name, key))
            fn = _content_structure(fn)
        plan.append((name, key, fn))
    keys = frozenset(key for _, key, _ in plan)
    is_open = cls.__open__
    flags = [(f"{name}_as_string", key) for name, key in contents]

    def build(value: Any) -> Any:
        kwargs: dict[str, Any] = {}
        for name, key, fn in plan:
            if key in value:
                item = value[key]
                kwargs[name] = item if fn is _identity else fn(item)
        if is_open and len(value) > len(kwargs):
            kwargs["extras"] = {k: v for k, v in value.items() if k not in keys}
        for flag, key in flags:
            kwargs[flag] = isinstance(value.get(key), str)
        return cls(**kwargs)

    _structure_fns[cls] = build
    return build


def _content_structure(fn: _Structure) -> _Structure:
    def structure(value: Any) -> Any:
        if isinstance(value, str):
            value = parse_json(value)
        return fn(value)

    return structure


def _model_unstructure(cls: type[Model]) -> _Unstructure:
    found = _unstructure_fns.get(cls)
    if found is not None:
        return found

    def lazy(obj: Any) -> Any:
        return build(obj)

    _unstructure_fns[cls] = lazy
    plan: list[tuple[str, str, bool, bool]] = []
    for name, key, tp, content in _fields(cls):
        plan.append((name, key, _needs_unstructure(tp), content))
    is_open = cls.__open__

    def build(obj: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, key, deep, content in plan:
            value = getattr(obj, name)
            if value is UNSET:
                continue
            if deep and value is not None:
                value = _unstructure_value(value)
            if content and getattr(obj, f"{name}_as_string", False) and value is not None:
                value = _as_string(value, getattr(obj, f"{name}_raw", None))
            out[key] = value
        if is_open:
            extras = obj.extras
            if not isinstance(extras, dict):  # hand-built with something else: misuse
                raise DealerbridgeUsageError(f"extras must be a dict, got {type(extras).__name__}")
            if extras:
                for k, v in extras.items():
                    out.setdefault(k, v)
        return out

    _unstructure_fns[cls] = build
    return build


def _as_string(value: Any, raw: str | None) -> str:
    if raw is not None:
        try:
            if parse_json(raw) == value:
                return raw
        except ValidationError:
            pass
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _needs_unstructure(tp: Any) -> bool:
    parts = _strip_optional(tp)
    for part in parts:
        if _is_model(part):
            return True
        if typing.get_origin(part) in (list, dict) and any(
            _needs_unstructure(a) for a in typing.get_args(part)
        ):
            return True
    return False


def _unstructure_value(value: Any) -> Any:
    if isinstance(value, Model):
        return _model_unstructure(type(value))(value)
    if isinstance(value, list):
        return [_unstructure_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _unstructure_value(v) for k, v in value.items()}
    return value


converter.register_structure_hook_func(_is_model, lambda value, cls: _model_structure(cls)(value))
converter.register_unstructure_hook_func(
    lambda cls: _is_model(cls), lambda obj: _model_unstructure(type(obj))(obj)
)


# --------------------------------------------------------------------------- load / dump


@overload
def load(cls: type[M], data: Any, *, strict: bool = False) -> M: ...
@overload
def load(cls: type[ArrayModel[T]], data: Any, *, strict: bool = False) -> list[T]: ...
def load(cls: Any, data: Any, *, strict: bool = False) -> Any:
    """Validate *data* against *cls*'s schema and return the model (a list for array schemas).

    *data* is the JSON value, or raw ``str``/``bytes`` read with `parse_json`. For inbound
    (open) schemas, values outside a documented enum are kept and reported as
    `UnknownEnumValueWarning`; ``strict=True`` makes them errors. Every other problem raises
    `ValidationError` with wire paths.
    """
    schema_ref = _schema_of(cls)
    if isinstance(data, str | bytes | bytearray | memoryview):
        data = parse_json(bytes(data) if isinstance(data, bytearray | memoryview) else data)
    check = schema_ref.compiled()
    flags: dict[str, Any] = {}
    if _is_model(cls) and isinstance(data, dict):
        data, flags = _decode_contents(cls, data)
    found, tolerated = _tolerate(check, check.issues(data), strict)
    if found:
        raise ValidationError(found, schema=check.label)
    for item in tolerated:
        warnings.warn(
            f"{check.label}: {item.path}: {item.message} (kept as is)",
            UnknownEnumValueWarning,
            stacklevel=2,
        )
    if _is_model(cls):
        result = _model_structure(cls)(data)
        for name, as_string in flags.items():
            object.__setattr__(result, name, as_string)
        return result
    item_fn = _structure_for(cls.__item__)
    return [item_fn(v) for v in data]


def _tolerate(
    check: CompiledSchema, found: list[Issue], strict: bool
) -> tuple[list[Issue], list[Issue]]:
    """``(errors, tolerated)``: inbound schemas tolerate values outside a documented enum."""
    if not found or strict or not check.inbound:
        return found, []
    return [i for i in found if i.code != "enum"], [i for i in found if i.code == "enum"]


_content_fields_of: dict[type, tuple[tuple[str, str], ...]] = {}


def _content_fields(cls: type[Model]) -> tuple[tuple[str, str], ...]:
    """``(attribute, wire key)`` of the fields that may travel as a string holding JSON."""
    found = _content_fields_of.get(cls)
    if found is None:
        found = _content_fields_of[cls] = tuple(
            (field.name, field.metadata["wire"])
            for field in attrs.fields(cls)  # type: ignore[arg-type]
            if field.metadata.get("content_json")
        )
    return found


def _decode_contents(
    cls: type[Model], data: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    flags: dict[str, Any] = {}
    for name, key in _content_fields(cls):
        value = data.get(key)
        flags[f"{name}_as_string"] = isinstance(value, str)
        if isinstance(value, str):
            flags[f"{name}_raw"] = value
            try:
                decoded = parse_json(value)
            except ValidationError as exc:
                raise ValidationError(
                    [
                        Issue(
                            path=f"/{key}",
                            code="contentMediaType",
                            message=f"'{key}' must hold a JSON document: {exc.issues[0].message}",
                            value=value,
                        )
                    ]
                ) from None
            data = {**data, key: decoded}
    return data, flags


def _schema_of(cls: Any) -> SchemaRef:
    schema_ref = getattr(cls, "__schema__", None)
    if not isinstance(cls, type) or not isinstance(schema_ref, SchemaRef):
        raise DealerbridgeUsageError(f"{render_value(cls)} is not a dealerbridge model class")
    return schema_ref


def dump(obj: Any, *, validate: bool = True) -> Any:
    """The JSON value of a model (or a list of models). With ``validate`` (the default) the
    result is checked against the model's schema, so a hand-built invalid object raises
    `ValidationError` instead of reaching the vendor."""
    if isinstance(obj, Model):
        value = _model_unstructure(type(obj))(obj)
        if validate:
            check = type(obj).__schema__.compiled()
            found, _ = _tolerate(check, check.issues(value), strict=False)
            if found:
                raise ValidationError(found, schema=check.label)
        return value
    if isinstance(obj, list) and all(isinstance(item, Model) for item in obj):
        return [dump(item, validate=validate) for item in obj]
    raise DealerbridgeUsageError(f"{type(obj).__name__} is not a dealerbridge model")

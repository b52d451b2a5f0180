"""Model machinery: the UNSET sentinel, the `Model` base, load and dump.

Generated classes (``dealerbridge._generated``) subclass `Model`. Each attribute carries its
exact wire key in ``metadata["wire"]``; absent optional members are `UNSET`, JSON ``null`` is
``None``. Open (inbound) classes keep unknown members in ``extras`` and write them back.

Class metadata lives under names prefixed ``__dealerbridge_`` (never bare dunders):
``__dealerbridge_schema__`` (the `SchemaRef` of the class's schema), ``__dealerbridge_open__``
(unknown members kept), ``__dealerbridge_discriminator__`` (the member whose presence selects
the class in a union) and, on `ArrayModel` subclasses, ``__dealerbridge_item__``.

The wire path is one step: `load` reads the text, then `CompiledSchema.decode` validates and
decodes strings holding JSON (``contentMediaType``) once, then structuring moves the decoded
values into the classes without parsing or checking anything again. The original string of
such a member is kept in a side table keyed by object identity (never on the model, so it
never affects equality or ``repr``); `dump` writes it back unless the value changed.
"""

from __future__ import annotations

import enum
import json
import sys
import types
import typing
import warnings
import weakref
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Generic, TypeAlias, TypeVar, Union, overload

import attrs

from ._errors import DealerbridgeUsageError, Issue, UnknownEnumValueWarning, ValidationError
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
    "dump",
    "load",
    "wire",
]

if typing.TYPE_CHECKING:
    JSON: TypeAlias = dict[str, "JSON"] | list["JSON"] | str | int | float | bool | None
else:
    # The forward reference names its module, so `typing.get_type_hints` resolves it from any
    # namespace (the generated classes report their public module).
    _SELF = typing.ForwardRef("JSON", module=__name__)
    JSON = dict[str, _SELF] | list[_SELF] | str | int | float | bool | None


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


def wire(key: str, *, default: Any = attrs.NOTHING, content_json: bool = False) -> Any:
    """An attrs field with its wire key (generated code calls this).

    Private: only the generated modules use it (it is not in ``dealerbridge.__all__``). It
    returns ``Any`` for the same reason ``attrs.field`` does: the class attribute's annotation,
    not this call, gives the member its type."""
    return attrs.field(default=default, metadata={"wire": key, "content_json": content_json})


_defined_in: dict[type, str] = {}


class Model:
    """Base of every generated class.

    ``__dealerbridge_schema__`` names its schema; ``__dealerbridge_open__`` says whether
    unknown members are kept (inbound) or rejected (requests we send). ``repr`` shows only the
    members that are set (not `UNSET`)."""

    __dealerbridge_schema__: ClassVar[SchemaRef]
    __dealerbridge_open__: ClassVar[bool] = False
    __dealerbridge_discriminator__: ClassVar[str | None] = None
    __slots__ = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Where the annotations resolve, even after __module__ names the public home.
        _defined_in.setdefault(cls, cls.__module__)

    def __repr__(self) -> str:
        shown = []
        for field in attrs.fields(type(self)):  # type: ignore[arg-type]
            value = getattr(self, field.name)
            if field.repr and value is not UNSET:
                shown.append(f"{field.name}={value!r}")
        return f"{type(self).__name__}({', '.join(shown)})"


T = TypeVar("T")
M = TypeVar("M", bound=Model)


class ArrayModel(Generic[T]):
    """Marker for a schema whose top level is an array; `load` returns ``list[T]``."""

    __dealerbridge_schema__: ClassVar[SchemaRef]
    __dealerbridge_item__: ClassVar[object]


# --------------------------------------------------------------------------- wire state


class _WireState:
    """Original strings of content members, keyed by the identity of the model holding them;
    an entry goes when its object does."""

    def __init__(self) -> None:
        self._table: dict[int, tuple[weakref.ref[Model], dict[str, str]]] = {}

    def get(self, obj: Model) -> dict[str, str] | None:
        found = self._table.get(id(obj))
        if found is None or found[0]() is not obj:
            return None
        return found[1]

    def remember(self, obj: Model, key: str, text: str) -> None:
        found = self.get(obj)
        if found is None:
            table = self._table
            ident = id(obj)

            def forget(ref: weakref.ref[Model]) -> None:
                entry = table.get(ident)
                if entry is not None and entry[0] is ref:
                    del table[ident]

            found = {}
            self._table[ident] = (weakref.ref(obj, forget), found)
        found[key] = text


_wire_state = _WireState()


# --------------------------------------------------------------------------- structuring

_Fn = Callable[[Any], Any]
_structure_fns: dict[Any, _Fn] = {}
_unstructure_fns: dict[Any, _Fn] = {}


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
        out: list[Any] = []
        for arg in typing.get_args(tp):
            if arg not in (type(None), UnsetType):
                out.extend(_strip_optional(arg))
        return out
    return [tp]


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, Model)


def _hints(cls: type) -> dict[str, Any]:
    module = sys.modules[_defined_in.get(cls, cls.__module__)]
    return typing.get_type_hints(cls, globalns=vars(module))


def _fields(cls: type) -> list[tuple[str, str, Any, bool]]:
    hints = _hints(cls)
    out = []
    for field in attrs.fields(cls):
        key = field.metadata.get("wire")
        if key is None:
            continue
        out.append((field.name, key, hints[field.name], bool(field.metadata.get("content_json"))))
    return out


def _structure_for(tp: Any) -> _Fn:
    """The structuring function for a non-null value of a field type."""
    parts = _strip_optional(tp)
    if len(parts) > 1 and all(_is_model(p) for p in parts):
        return _union_structure(parts)
    if len(parts) != 1:
        # int | float (JSON values) keep what was sent; only a pure integer field normalises.
        return _integer if int in parts and float not in parts else _identity
    (inner,) = parts
    if _is_model(inner):
        return _model_structure(inner)
    origin = typing.get_origin(inner)
    if origin is list:
        (item,) = typing.get_args(inner) or (Any,)
        item_fn = _none_or(_structure_for(item), item)
        if item_fn is _identity:
            return _identity
        return lambda value: [item_fn(v) for v in value]
    if origin is dict:
        args = typing.get_args(inner)
        value_fn = _none_or(_structure_for(args[1]), args[1]) if len(args) == 2 else _identity
        if value_fn is _identity:
            return _identity
        return lambda value: {k: value_fn(v) for k, v in value.items()}
    if inner is int:
        return _integer
    return _identity


def _list_item_structure(tp: Any) -> _Fn | None:
    """The item function of a field typed as a list whose items need structuring, else None."""
    parts = _strip_optional(tp)
    if len(parts) != 1 or typing.get_origin(parts[0]) is not list:
        return None
    (item,) = typing.get_args(parts[0]) or (Any,)
    item_fn = _none_or(_structure_for(item), item)
    return None if item_fn is _identity else item_fn


def _none_or(fn: _Fn, tp: Any) -> _Fn:
    if fn in (_identity, _integer) or type(None) not in typing.get_args(tp):
        return fn
    return lambda value: None if value is None else fn(value)


def _union_structure(classes: list[type[Model]]) -> _Fn:
    # Each class's function looked up once, here (a recursive class's is its lazy stand-in).
    keyed = [
        (c.__dealerbridge_discriminator__, _model_structure(c))
        for c in classes
        if c.__dealerbridge_discriminator__
    ]
    fallback = [_model_structure(c) for c in classes if not c.__dealerbridge_discriminator__]

    def structure(value: Any) -> Any:
        for key, build in keyed:
            if key in value:
                return build(value)
        if fallback:
            return fallback[0](value)
        raise DealerbridgeUsageError(f"no class of {classes} matches")

    return structure


def _model_structure(cls: type[Model]) -> _Fn:
    """The structuring function of a class, generated once as Python source: one line per
    field, no per-value dispatch (structuring trusts its input: it was validated)."""
    found = _structure_fns.get(cls)
    if found is not None:
        return found

    def lazy(value: Any) -> Any:
        return build(value)

    _structure_fns[cls] = lazy  # recursive classes call through this until build exists
    env: dict[str, Any] = {}
    # The constants are default arguments: local variables, the fastest reads.
    lines = ["def build(value, _new=object.__new__, _cls=_cls, U=UNSET):", "    o = _new(_cls)"]
    lines.append("    get = value.get")
    env.update(_cls=cls, UNSET=UNSET)
    keys = []
    for i, (name, key, tp, _content) in enumerate(_fields(cls)):
        keys.append(key)
        fn = _structure_for(tp)
        if fn is _identity:
            lines.append(f"    o.{name} = get({key!r}, U)")
            continue
        skip = "v is U or v is None" if type(None) in typing.get_args(tp) else "v is U"
        lines.append(f"    v = get({key!r}, U)")
        item_fn = _list_item_structure(tp)
        if item_fn is not None:  # a list of models: the comprehension inline, one call less
            env[f"_f{i}"] = item_fn
            lines.append(f"    o.{name} = v if {skip} else [_f{i}(x) for x in v]")
        else:
            env[f"_f{i}"] = fn
            lines.append(f"    o.{name} = v if {skip} else _f{i}(v)")
    if cls.__dealerbridge_open__:
        env["_keys"] = frozenset(keys)
        lines.append(
            "    o.extras = {} if _keys.issuperset(value) else "
            "{k: x for k, x in value.items() if k not in _keys}"
        )
    lines.append("    return o")
    exec("\n".join(lines), env)  # the source is built above from field names only
    build: _Fn = env["build"]
    _structure_fns[cls] = build
    return build


def _model_unstructure(cls: type[Model]) -> _Fn:
    found = _unstructure_fns.get(cls)
    if found is not None:
        return found

    def lazy(obj: Any) -> Any:
        return build(obj)

    _unstructure_fns[cls] = lazy
    env: dict[str, Any] = {
        "UNSET": UNSET,
        "_content": _content_out,
        "_deep": _unstructure_value,
        "_bad_extras": _bad_extras,
    }
    lines = ["def build(o):", "    out = {}"]
    for name, key, tp, content in _fields(cls):
        lines.append(f"    v = o.{name}")
        lines.append("    if v is not UNSET:")
        if _needs_unstructure(tp):
            lines.append("        if v is not None:")
            lines.append("            v = _deep(v)")
        if content:
            lines.append(f"        v = _content(o, {key!r}, v)")
        lines.append(f"        out[{key!r}] = v")
    if cls.__dealerbridge_open__:
        lines.append("    if not isinstance(o.extras, dict):")
        lines.append("        _bad_extras(o.extras)")
        lines.append("    if o.extras:")
        lines.append("        for k, x in o.extras.items():")
        lines.append("            out.setdefault(k, x)")
    lines.append("    return out")
    exec("\n".join(lines), env)  # the source is built above from field names only
    build: _Fn = env["build"]
    _unstructure_fns[cls] = build
    return build


def _bad_extras(extras: object) -> None:
    """A hand-built open model whose ``extras`` is not a dict: misuse, not bad data."""
    raise DealerbridgeUsageError(f"extras must be a dict, got {type(extras).__name__}")


def _content_out(obj: Model, key: str, value: Any) -> Any:
    """A content member as written: the original string when the value is unchanged, a new
    string when it changed, the value itself when it did not arrive as a string."""
    originals = _wire_state.get(obj)
    text = originals.get(key) if originals else None
    if text is None:
        return value
    if _same_json(json.loads(text), value):
        return text
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _same_json(a: Any, b: Any) -> bool:
    """JSON equality with types told apart (``1``, ``1.0`` and ``true`` differ)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same_json(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same_json(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _needs_unstructure(tp: Any) -> bool:
    for part in _strip_optional(tp):
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


_python_names: dict[type, dict[str, str]] = {}


def _python_name(cls: type, key: str) -> str:
    names = _python_names.get(cls)
    if names is None:
        names = _python_names[cls] = {
            f.metadata["wire"]: f.name for f in attrs.fields(cls) if "wire" in f.metadata
        }
    return names[key]


def _remember(result: object, originals: dict[tuple[str | int, ...], str]) -> None:
    """Keep the original strings of decoded content members beside *result*."""
    for path, text in originals.items():
        holder: Any = result
        for part in path[:-1]:
            if isinstance(holder, Model):
                holder = getattr(holder, _python_name(type(holder), str(part)))
            else:
                holder = holder[part]
        if isinstance(holder, Model):
            _wire_state.remember(holder, str(path[-1]), text)


# --------------------------------------------------------------------------- load / dump


@overload
def load(cls: type[M], data: object, *, strict: bool = False) -> M: ...
@overload
def load(cls: type[ArrayModel[T]], data: object, *, strict: bool = False) -> list[T]: ...
def load(cls: type[Model] | type[ArrayModel[T]], data: object, *, strict: bool = False) -> object:
    """Validate *data* against *cls*'s schema and return the model (a list for array schemas).

    *data* is the JSON value, or raw ``str``/``bytes`` read with `parse_json`. For inbound
    (open) schemas, values outside a documented enum are kept and reported as
    `UnknownEnumValueWarning`; ``strict=True`` makes them errors. Every other problem raises
    `ValidationError` with wire paths: the same issues `dealerbridge.errors` reports.
    """
    try:
        check, structure = _loaders[cls]
    except (KeyError, TypeError):  # first load of the class, or not a class at all
        check, structure = _loader_of(cls)
    read = False  # whether *data* is what parse_json just returned
    if isinstance(data, _TEXT):
        data = parse_json(bytes(data) if isinstance(data, _BUFFER) else data)
        read = True
    decoded = check.decode(data, read=read)
    if decoded.issues:
        found, tolerated = _tolerate(check, decoded.issues, strict)
        if found:
            raise ValidationError(found, schema=check.label)
        for item in tolerated:
            warnings.warn(
                f"{check.label}: {item.path}: {item.message} (kept as is)",
                UnknownEnumValueWarning,
                stacklevel=2,
            )
    result = structure(decoded.value)
    if decoded.originals:
        _remember(result, decoded.originals)
    return result


_loaders: dict[object, tuple[CompiledSchema, _Fn]] = {}
# Tuples, not ``str | bytes | ...``: a union in isinstance is built on every call (0.15 us).
_TEXT = (str, bytes, bytearray, memoryview)
_BUFFER = (bytearray, memoryview)


def _loader_of(cls: object) -> tuple[CompiledSchema, _Fn]:
    """The compiled schema and the structuring function of a model class, looked up once per
    class (the default registry never changes once built)."""
    check = _schema_of(cls).compiled()
    if _is_model(cls):
        structure = _model_structure(cls)  # type: ignore[arg-type]
    else:
        item_fn = _structure_for(cls.__dealerbridge_item__)  # type: ignore[attr-defined]

        def structure(value: Any) -> Any:
            return [item_fn(v) for v in value]

    _loaders[cls] = (check, structure)
    return check, structure


def _tolerate(
    check: CompiledSchema, found: list[Issue], strict: bool
) -> tuple[list[Issue], list[Issue]]:
    """``(errors, tolerated)``: inbound schemas tolerate values outside a documented enum."""
    if not found or strict or not check.inbound:
        return found, []
    return [i for i in found if i.code != "enum"], [i for i in found if i.code == "enum"]


def _schema_of(cls: object) -> SchemaRef:
    schema_ref = getattr(cls, "__dealerbridge_schema__", None)
    if not isinstance(cls, type) or not isinstance(schema_ref, SchemaRef):
        raise DealerbridgeUsageError(f"{render_value(cls)} is not a dealerbridge model class")
    return schema_ref


def dump(obj: Model | Sequence[Model], *, validate: bool = True) -> JSON:
    """The JSON value of a model (or a list of models). With ``validate`` (the default) the
    result is checked against the model's schema, so a hand-built invalid object raises
    `ValidationError` instead of reaching the vendor.

    A member that arrived as a string holding JSON is written back as that exact string
    unless its value changed (then as a new string); one that arrived as the value itself, or
    was set by hand, is written as the value."""
    if isinstance(obj, Model):
        value: JSON = _model_unstructure(type(obj))(obj)
        if validate:
            check = type(obj).__dealerbridge_schema__.compiled()
            found, _ = _tolerate(check, check.issues(value), strict=False)
            if found:
                raise ValidationError(found, schema=check.label)
        return value
    if isinstance(obj, list | tuple) and all(isinstance(item, Model) for item in obj):
        return [dump(item, validate=validate) for item in obj]
    raise DealerbridgeUsageError(f"{type(obj).__name__} is not a dealerbridge model")

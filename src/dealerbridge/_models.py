"""Model machinery: the UNSET sentinel, the `Model` base, the cattrs `converter`, load and dump.

Generated classes (``dealerbridge._generated``) are attrs classes subclassing `Model`; absent
optional members are `UNSET`, JSON ``null`` is ``None``. Open (inbound) classes keep unknown
members in ``extras`` and write them back.

Class metadata lives under names prefixed ``__dealerbridge_`` (never bare dunders):
``__dealerbridge_schema__`` (the `SchemaRef` of the class's schema), ``__dealerbridge_open__``
(unknown members kept), ``__dealerbridge_wire__`` (attribute name -> wire key, for the
members whose key is not the attribute name: the one source of wire names),
``__dealerbridge_content__`` (members that may arrive as a string holding JSON),
``__dealerbridge_discriminator__`` (the member whose presence selects the class in a union)
and, on `ArrayModel` subclasses, ``__dealerbridge_item__``.

The wire path is one step: `load` reads the text, then `CompiledSchema.decode` validates and
decodes strings holding JSON (``contentMediaType``) once, then the cattrs `converter`
structures the decoded values into the classes without parsing or checking anything again.
The original string of such a member is kept in a side table keyed by object identity (never
on the model, so it never affects equality or ``repr``); `dump` writes it back unless the
value changed.
"""

from __future__ import annotations

import contextvars
import enum
import json
import linecache
import marshal
import sys
import types
import typing
import warnings
import weakref
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, Generic, Literal, TypeAlias, TypeVar, Union, overload

import attrs
import cattrs
from cattrs.fns import identity
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from . import _json
from ._engine import CompiledSchema, compiled
from ._errors import DealerbridgeUsageError, Issue, UnknownEnumValueWarning, ValidationError
from ._json import parse_json
from ._registry import default_registry
from ._render import render_value
from ._schema_model import ContentSchema, ObjectSchema, unwrap
from ._types import JSON

__all__ = [
    "JSON",
    "UNSET",
    "ArrayModel",
    "Model",
    "SchemaRef",
    "UnsetType",
    "converter",
    "dump",
    "freeze_tables",
    "load",
    "wire_names",
]


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


_defined_in: dict[type, str] = {}


class Model:
    """Base of every generated class.

    ``__dealerbridge_schema__`` names its schema; ``__dealerbridge_open__`` says whether
    unknown members are kept (inbound) or rejected (requests we send). ``repr`` shows only the
    members that are set (not `UNSET`)."""

    __dealerbridge_schema__: ClassVar[SchemaRef]
    __dealerbridge_open__: ClassVar[bool] = False
    __dealerbridge_discriminator__: ClassVar[str | None] = None
    __dealerbridge_wire__: ClassVar[Mapping[str, str]] = types.MappingProxyType({})
    __dealerbridge_content__: ClassVar[frozenset[str]] = frozenset()
    __slots__ = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Where the annotations resolve, even after __module__ names the public home.
        _defined_in.setdefault(cls, cls.__module__)

    # Equality by value, member by member, like the ``__eq__`` attrs writes (the generated
    # classes say ``eq=False`` so that attrs does not compile one per class at import: about
    # a sixth of the time creating them takes). Defining ``__eq__`` makes the classes
    # unhashable, as attrs makes its ``eq`` classes: mutable and compared by value.
    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in _compared(type(self)))

    def __repr__(self) -> str:
        shown = []
        for field in attrs.fields(type(self)):  # type: ignore[arg-type]
            value = getattr(self, field.name)
            if field.repr and value is not UNSET:
                shown.append(f"{field.name}={value!r}")
        return f"{type(self).__name__}({', '.join(shown)})"


def _compared(cls: type) -> tuple[str, ...]:
    """The attribute names `Model.__eq__` compares: every attrs field with ``eq`` (cached)."""
    found = _compared_names.get(cls)
    if found is None:
        fields = attrs.fields(typing.cast("type[attrs.AttrsInstance]", cls))
        found = _compared_names[cls] = tuple(f.name for f in fields if f.eq)
    return found


_compared_names: dict[type, tuple[str, ...]] = {}


T = TypeVar("T")
M = TypeVar("M", bound=Model)


def freeze_tables(obj: object, defaults: Mapping[str, Mapping[str, object]]) -> None:
    """Make the table members of a config class read-only, each laid over its schema default's
    entries (a table given in part overrides only the entries it names). The generator's config
    mode (``dealerbridge/*`` documents) calls it from the frozen class's
    ``__attrs_post_init__``: mypy's attrs plugin takes no parameterised converter, so the
    constructor keeps its exact types and the tables are settled after it."""
    for name, default in defaults.items():
        object.__setattr__(obj, name, types.MappingProxyType({**default, **getattr(obj, name)}))


class ArrayModel(Generic[T]):
    """Marker for a schema whose top level is an array; `load` returns ``list[T]``."""

    __dealerbridge_schema__: ClassVar[SchemaRef]
    __dealerbridge_item__: ClassVar[object]


# --------------------------------------------------------------------------- wire state


class _WireState:
    """Original strings of content members, keyed by the identity of the model holding them;
    an entry goes when its object does."""

    def __init__(self) -> None:
        self._table: dict[int, tuple[weakref.ref[Model], dict[str, _Original]]] = {}

    def get(self, obj: Model) -> dict[str, _Original] | None:
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
        found[key] = _Original(text)


class _Original:
    """The string a content member arrived as, and (once a `dump` needed them) the value that
    string gives, in the order and types `dump` writes, and that value's ``marshal`` bytes
    (only without the accelerator's ``same``): a dump compares the current value with them to
    tell "unchanged" from "changed"."""

    __slots__ = ("reference", "text", "value")

    def __init__(self, text: str) -> None:
        self.text = text
        self.reference: bytes | None = None
        self.value: Any = _NOT_YET  # the decoded JSON value (Any: what marshal takes)


_NOT_YET: Any = object()


_wire_state = _WireState()


# --------------------------------------------------------------------------- the converter
#
# cattrs generates the function of each class (`make_dict_structure_fn` and
# `make_dict_unstructure_fn`: wire renames, forbidden extra keys on closed classes, absent
# members left at their default `UNSET`, `UNSET` members omitted). What follows is only what
# cattrs cannot do by itself, each for its reason:
#
# - values the schema calls plain JSON (strings, numbers, `Literal` enums, `JSON`, lists and
#   mappings of them) are kept as they are: they were validated, and cattrs' own hooks would
#   call ``str()``/``int()`` on each (or refuse an inbound enum value the vendor added later);
#   the one documented normalisation is an integral float in an integer field becoming an int;
# - ``X | UnsetType | None``: `UNSET` never occurs on the wire (absence does), so the hook is
#   the one of ``X`` with ``null`` passed through;
# - unions of classes are selected by which member is *present* (the schemas'
#   ``if: {required: [key]}`` chains); `cattrs.strategies.configure_tagged_union` selects by a
#   tag member's *value*, which these vendor payloads do not carry;
# - open (inbound) classes keep unknown members in ``extras`` and write them back (cattrs can
#   only forbid or drop them);
# - members that arrived as a string holding JSON are written back as that string unless the
#   value changed (cattrs has no wire state).


def _wire_names(cls: type) -> dict[str, str]:
    """Attribute name -> wire key of every member of a generated class (the class's
    ``__dealerbridge_wire__`` lists the keys that differ from the attribute name)."""
    renames: Mapping[str, str] = getattr(cls, "__dealerbridge_wire__", {})
    return {f.name: renames.get(f.name, f.name) for f in attrs.fields(cls) if f.name != "extras"}


def wire_names(cls: type[Model]) -> Mapping[str, str]:
    """Attribute name -> wire key of every member of a model class (cached). Anything but a
    model class is a `DealerbridgeUsageError`."""
    found = _wire_names_cache.get(cls) if isinstance(cls, type) else None
    if found is None:
        if not _is_model(cls):  # checked once per class: the cache hit stays the fast path
            raise DealerbridgeUsageError(f"expected a model class, got {type(cls).__name__}")
        found = _wire_names_cache[cls] = types.MappingProxyType(_wire_names(cls))
    return found


_wire_names_cache: dict[type, Mapping[str, str]] = {}


def _resolved(cls: type) -> type:
    """*cls* with its attrs field types resolved (the generated modules use string
    annotations; their classes may report their public module)."""
    module = sys.modules[_defined_in.get(cls, cls.__module__)]
    attrs.resolve_types(cls, globalns=vars(module))
    return cls


def _is_model(tp: object) -> bool:
    return isinstance(tp, type) and issubclass(tp, Model) and attrs.has(tp)


def _strip(tp: object) -> list[object]:
    """The members of a union other than ``None`` and `UnsetType` (``[tp]`` for a non-union)."""
    if typing.get_origin(tp) in (Union, types.UnionType):
        out: list[object] = []
        for arg in typing.get_args(tp):
            if arg not in (type(None), UnsetType):
                out.extend(_strip(arg))
        return out
    return [tp]


def _has_model(tp: object) -> bool:
    """Whether a value of *tp* may hold a model (``Literal`` arguments are values, forward
    references are the recursive `JSON`)."""
    if _is_model(tp):
        return True
    if typing.get_origin(tp) is Literal or isinstance(tp, typing.ForwardRef | str):
        return False
    return any(_has_model(arg) for arg in typing.get_args(tp))


def _is_model_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (Union, types.UnionType) and _has_model(tp)


_WIRE_SCALARS = frozenset({str, int, float, bool, type(None), UnsetType})


def _is_plain(tp: object) -> bool:
    """Whether *tp* is one of the types the generated classes give plain JSON (scalars,
    ``Literal`` enums, `JSON`, unions, lists and mappings of them); any other type, a user's
    ``Decimal`` say, is left to cattrs and the hooks registered for it."""
    if tp is UnsetType:
        return False
    return _wire_plain(tp)


def _wire_plain(tp: object) -> bool:
    if tp in _WIRE_SCALARS or isinstance(tp, typing.ForwardRef | str):
        return True
    origin = typing.get_origin(tp)
    if origin is Literal:
        return True
    if origin in (Union, types.UnionType, list, dict):
        return all(_wire_plain(arg) for arg in typing.get_args(tp))
    return False


def _integer(value: Any) -> Any:
    # The one documented normalisation: an integral float in an integer field becomes an int.
    if type(value) is float and value.is_integer():
        return int(value)
    return value


def _plain_fn(tp: object) -> Callable[[Any], Any] | None:
    """How a validated value of a model-free type is structured: ``None`` when it is kept as
    it is, else the normalising function (integer fields, lists and mappings of them)."""
    parts = _strip(tp)
    if parts == [int]:
        return _integer
    if len(parts) != 1:
        return None  # int | float and other unions: JSON values keep what was sent
    origin, args = typing.get_origin(parts[0]), typing.get_args(parts[0])
    if origin is list and len(args) == 1 and (item := _plain_fn(args[0])) is not None:
        each = item
        return lambda value: [each(v) for v in value]
    if origin is dict and len(args) == 2 and (item := _plain_fn(args[1])) is not None:
        each = item
        return lambda value: {k: each(v) for k, v in value.items()}
    return None


class _Keep:
    """The hook of a value kept as it is. It is falsy on purpose: where a field's hook is
    falsy, cattrs' generated function reads ``o['key']`` directly instead of calling it (the
    same line it writes for a field without a hook), which saves one call per member."""

    __slots__ = ()

    def __call__(self, value: Any, _: object) -> Any:
        return value

    def __bool__(self) -> bool:
        return False


_keep = _Keep()


def _integer_hook(value: Any, _: object) -> Any:
    if type(value) is float and value.is_integer():
        return int(value)
    return value


def _plain_structure(tp: object) -> Callable[[Any, object], Any]:
    fn = _plain_fn(tp)
    if fn is None:
        return _keep
    return lambda value, _: fn(value)


def _union_structure(tp: Any, converter: cattrs.BaseConverter) -> Callable[[Any, object], Any]:
    """``X | None`` (and ``| UnsetType``) holding a model, or a union of model classes."""
    parts = _strip(tp)
    if len(parts) == 1:
        (inner,) = parts
        hook = converter.get_structure_hook(inner)
        if getattr(hook, "dealerbridge_takes_none", False):
            return hook  # one call less per member: the hook passes null through itself
        return lambda value, _: None if value is None else hook(value, inner)
    if not all(_is_model(p) for p in parts):
        raise cattrs.errors.StructureHandlerNotFoundError(
            f"dealerbridge structures unions of model classes only, not {tp}",
            typing.cast("type", tp),
        )
    classes = typing.cast("list[type[Model]]", parts)
    keyed = [
        (c.__dealerbridge_discriminator__, converter.get_structure_hook(c), c)
        for c in classes
        if c.__dealerbridge_discriminator__
    ]
    fallback = [(converter.get_structure_hook(c), c) for c in classes]
    fallback = [f for f in fallback if not f[1].__dealerbridge_discriminator__]

    def structure(value: Any, _: object) -> Any:
        if value is None:
            return None
        for key, hook, cls in keyed:
            if key in value:
                return hook(value, cls)
        if fallback:
            hook, cls = fallback[0]
            return hook(value, cls)
        raise DealerbridgeUsageError(f"no class of {classes} matches")

    return structure


def _model_structure(
    cls: type[Model], converter: cattrs.BaseConverter
) -> Callable[[Any, object], Any]:
    """The structuring function of *cls*: `_direct_structure` where it applies (every
    generated class), else cattrs' generated function (`_cattrs_structure`)."""
    _resolved(cls)
    if _direct_applies(cls):
        return _direct_structure(cls, converter)
    return _cattrs_structure(cls, converter)


def _cattrs_structure(
    cls: type[Model], converter: cattrs.BaseConverter
) -> Callable[[Any, object], Any]:
    """cattrs' generated function for *cls*, with unknown members kept for open classes."""
    _resolved(cls)
    names = wire_names(cls)
    overrides = {name: override(rename=key) for name, key in names.items() if key != name}
    if cls.__dealerbridge_open__:
        overrides["extras"] = override(omit=True)
    fn = make_dict_structure_fn(
        cls,
        converter,
        _cattrs_forbid_extra_keys=not cls.__dealerbridge_open__,
        _cattrs_detailed_validation=False,
        **typing.cast("dict[str, Any]", overrides),
    )
    if not cls.__dealerbridge_open__:
        return fn
    keys = frozenset(names.values())

    def structure(value: Any, _: object) -> Any:
        if value is None:
            return None
        obj: Any = fn(value, cls)
        if not keys.issuperset(value):
            obj.extras = {k: v for k, v in value.items() if k not in keys}
        return obj

    structure.dealerbridge_takes_none = True  # type: ignore[attr-defined]
    return structure


# Direct structuring (issue 20 item 3, speed). cattrs' generated function gathers the members
# present into a dict and calls the class with ``**`` that dict, so attrs' ``__init__`` binds
# every keyword and fills every default again: on the order event's classes that is 2.5x
# the time of creating the instance and setting each slot once (measured: 1.9 us against
# 0.75 us per part). Every class `load` builds is a plain attrs class (no validator,
# converter, ``__attrs_post_init__`` or ``on_setattr``, not frozen), for which setting the
# slots is exactly what ``__init__`` does. The function still asks the converter for the
# hook of each member's type (so a hook a user registers for a type, a ``Decimal`` amount
# say, is used as with cattrs), reads absent optional members as their default, raises
# `cattrs.errors.ForbiddenExtraKeysError` for an unknown member of a closed class and keeps
# those of an open class in ``extras``, as `_cattrs_structure` does; a test holds the two
# equal on every fixture. A class that is not plain gets cattrs' function.


def _direct_applies(cls: type[Model]) -> bool:
    if getattr(cls, "__attrs_post_init__", None) is not None:
        return False
    if getattr(cls, "__attrs_pre_init__", None) is not None:
        return False
    if cls.__setattr__ is not object.__setattr__ or "__slots__" not in cls.__dict__:
        return False
    for field in attrs.fields(typing.cast("type[attrs.AttrsInstance]", cls)):
        if field.validator is not None or field.converter is not None or not field.init:
            return False
        if isinstance(field.default, attrs.Factory) and field.name != "extras":  # type: ignore[arg-type]
            return False
    return True


def _direct_structure(
    cls: type[Model], converter: cattrs.BaseConverter
) -> Callable[[Any, object], Any]:
    names = wire_names(cls)
    open_ = cls.__dealerbridge_open__
    scope: dict[str, Any] = {
        "new": object.__new__,
        "cls": cls,
        "keys": frozenset(names.values()),
        "extra_keys": cattrs.errors.ForbiddenExtraKeysError,
    }
    lines = ["def structure(o, _=None):", "    if o is None:", "        return None"]
    if not open_:
        lines += [
            "    if not keys.issuperset(o):",
            "        raise extra_keys('', cls, set(o) - keys)",
        ]
    lines += ["    self = new(cls)", "    get = o.get"]
    for i, field in enumerate(attrs.fields(typing.cast("type[attrs.AttrsInstance]", cls))):
        if field.name == "extras":
            continue
        key, name = names[field.name], field.name
        hook = converter.get_structure_hook(field.type)
        required = field.default is attrs.NOTHING
        if isinstance(hook, _Keep):  # the validated value as it is
            value = f"o[{key!r}]" if required else f"get({key!r}, d{i})"
            lines.append(f"    self.{name} = {value}")
        elif required:
            lines.append(f"    self.{name} = h{i}(o[{key!r}], t{i})")
        else:
            lines += [
                f"    self.{name} = h{i}(o[{key!r}], t{i}) if {key!r} in o else d{i}",
            ]
        scope[f"h{i}"], scope[f"t{i}"], scope[f"d{i}"] = hook, field.type, field.default
    if open_:
        lines += [
            "    self.extras = (",
            "        {} if keys.issuperset(o) else {k: v for k, v in o.items() if k not in keys}",
            "    )",
        ]
    lines.append("    return self")
    source = "\n".join(lines) + "\n"
    filename = f"<dealerbridge structure {cls.__module__}.{cls.__qualname__}>"
    exec(compile(source, filename, "exec"), scope)
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    structure = scope["structure"]
    structure.dealerbridge_takes_none = True
    return typing.cast("Callable[[Any, object], Any]", structure)


def _is_model_list(tp: object) -> bool:
    args = typing.get_args(tp)
    return typing.get_origin(tp) is list and len(args) == 1 and _is_model(args[0])


def _model_list_structure(tp: Any, converter: cattrs.BaseConverter) -> Callable[[Any, object], Any]:
    """A list of models, ``null`` passed through (the member may be nullable): one call per
    list instead of two (cattrs' list hook inside the optional's)."""
    (item,) = typing.get_args(tp)
    hook = converter.get_structure_hook(item)

    def structure(value: Any, _: object) -> Any:
        return None if value is None else [hook(v, item) for v in value]

    structure.dealerbridge_takes_none = True  # type: ignore[attr-defined]
    return structure


def _union_unstructure(tp: Any, converter: cattrs.BaseConverter) -> Callable[[Any], Any]:
    parts = _strip(tp)
    if len(parts) == 1:
        (inner,) = parts
        static = converter.get_unstructure_hook(inner)
        return lambda value: value if value is None or value is UNSET else static(value)
    hooks = {p: converter.get_unstructure_hook(p) for p in parts if _is_model(p)}
    unstructure = converter.unstructure

    def hook(value: Any) -> Any:
        if value is None or value is UNSET:
            return value
        found = hooks.get(type(value))
        return found(value) if found is not None else unstructure(value)

    return hook


def _model_unstructure(cls: type[Model], converter: cattrs.BaseConverter) -> Callable[[Any], Any]:
    """cattrs' generated function for *cls* (`UNSET` members omitted), with ``extras`` written
    back for open classes and content members written as the string they arrived as."""
    _resolved(cls)
    names = wire_names(cls)
    overrides = {name: override(rename=key) for name, key in names.items() if key != name}
    if cls.__dealerbridge_open__:
        overrides["extras"] = override(omit=True)
    fn = make_dict_unstructure_fn(
        cls, converter, _cattrs_omit_if_default=True, **typing.cast("dict[str, Any]", overrides)
    )
    content = {names[name] for name in cls.__dealerbridge_content__}
    if not cls.__dealerbridge_open__ and not content:
        return fn
    types_of = {
        names[f.name]: f.type
        for f in attrs.fields(typing.cast("type[attrs.AttrsInstance]", cls))
        if names.get(f.name) in content
    }

    def decoded(key: str, text: str) -> Any:
        """The wire value an unchanged member gives: the string read, structured and
        unstructured again (so integral floats in integer fields and member order match)."""
        tp = types_of[key]
        return converter.unstructure(converter.structure(json.loads(text), tp), unstructure_as=tp)

    # Members whose schema takes the decoded value as well as the string: `dump` validates
    # those as values (the same shape) and writes the strings afterwards.
    deferrable = content & _accepting_decoded(cls)

    def unstructure(obj: Any) -> Any:
        out = fn(obj)
        if cls.__dealerbridge_open__:
            extras = obj.extras
            if not isinstance(extras, dict):
                _bad_extras(extras)
            if extras:
                for key, value in extras.items():
                    out.setdefault(key, value)
        if content:
            originals = _wire_state.get(obj)
            if originals:
                deferred = _deferred.get()
                for key in content.intersection(originals):
                    if key not in out:
                        continue
                    if deferred is None or key not in deferrable:
                        out[key] = _content_out(originals[key], out[key], key, decoded)
                    else:
                        deferred.append((out, key, originals[key], decoded))
        return out

    return unstructure


def _configure(converter: cattrs.Converter, *, direct: bool = True) -> cattrs.Converter:
    """Register dealerbridge's hooks on *converter* (later registrations win in cattrs).
    ``direct=False`` structures every model class with cattrs' generated function (the
    reference the tests hold direct structuring to)."""
    converter.register_structure_hook_factory(_is_plain, _plain_structure)
    for scalar in (str, float, bool):
        converter.register_structure_hook(scalar, _keep)
    converter.register_structure_hook(int, _integer_hook)
    converter.register_structure_hook_factory(_is_model_union, _union_structure)
    converter.register_structure_hook_factory(_is_model_list, _model_list_structure)
    converter.register_structure_hook_factory(
        _is_model, _model_structure if direct else _cattrs_structure
    )
    converter.register_unstructure_hook_func(_is_plain, identity)
    converter.register_unstructure_hook_factory(_is_model_union, _union_unstructure)
    converter.register_unstructure_hook_factory(_is_model, _model_unstructure)
    return converter


converter: cattrs.Converter = _configure(cattrs.Converter(detailed_validation=False))
"""The `cattrs.Converter` that `load` and `dump` use, configured for every generated model.

It structures *already valid* wire data (``converter.structure(value, mk.Order)``) and
unstructures models to their wire form; it never validates (`load` and `dump` do, then call
it). Copy it to add your own hooks without changing dealerbridge's: ``mine =
dealerbridge.converter.copy()``."""


def _accepting_decoded(cls: type[Model]) -> set[str]:
    ref = cls.__dealerbridge_schema__
    node = unwrap(default_registry().model_at(ref.name, ref.version, ref.fragment or ""))
    if not isinstance(node, ObjectSchema):
        return set()
    return {
        f.wire_name
        for f in node.fields
        if isinstance(f.value, ContentSchema) and f.value.accepts_decoded
    }


_Decoder: TypeAlias = Callable[[str, str], Any]
_Deferred: TypeAlias = list[tuple[dict[str, Any], str, _Original, _Decoder]]
_deferred: contextvars.ContextVar[_Deferred | None] = contextvars.ContextVar(
    "dealerbridge_deferred_content", default=None
)
"""Set by `dump`: content members are left as values and listed here, so the value is
validated as it stands before the strings are written (no re-parsing of each string)."""


def _write_content(deferred: _Deferred) -> None:
    for out, key, original, decoded in deferred:
        out[key] = _content_out(original, out[key], key, decoded)


def _bad_extras(extras: object) -> None:
    """A hand-built open model whose ``extras`` is not a dict: misuse, not bad data."""
    raise DealerbridgeUsageError(f"extras must be a dict, got {type(extras).__name__}")


def _content_out(original: _Original, value: Any, key: str, decoded: _Decoder) -> Any:
    """A content member as written: the original string when the value is unchanged, a new
    string when it changed.

    "Unchanged" is exact: ``marshal`` (format 0: no back-references, so equal values give
    equal bytes) writes ``1``, ``1.0`` and ``True`` differently, unlike ``==``; and it costs
    a fraction of re-serialising the value as JSON, which a dump of an unchanged member
    never does. The C accelerator's ``same`` answers the same question walking both values
    (no bytes written: about a fifth of the time), and leaves to ``marshal`` what it does not
    know."""
    if original.value is _NOT_YET:
        original.value = decoded(key, original.text)
    same_c = _json._c_same  # read on each call: the tests turn it off
    verdict = same_c(value, original.value) if same_c is not None else -1
    if verdict == -1:  # no accelerator, or a value it does not know: marshal's bytes decide
        if original.reference is None:
            original.reference = marshal.dumps(original.value, 0)
        try:
            verdict = int(marshal.dumps(value, 0) == original.reference)
        except ValueError:  # a hand-set value marshal cannot write: not what was received
            verdict = 0
    if verdict:
        return original.text
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _remember(result: object, originals: dict[tuple[str | int, ...], str]) -> None:
    """Keep the original strings of decoded content members beside *result*."""
    for path, text in originals.items():
        holder: Any = result
        for part in path[:-1]:
            if isinstance(holder, Model):
                holder = getattr(holder, _attribute(type(holder), str(part)))
            else:
                holder = holder[part]
        if isinstance(holder, Model):
            _wire_state.remember(holder, str(path[-1]), text)


def _attribute(cls: type[Model], key: str) -> str:
    for name, wire in wire_names(cls).items():
        if wire == key:
            return name
    raise KeyError(key)


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
    read = False  # whether *data* is what parse_json just returned
    if isinstance(data, _TEXT):
        data = parse_json(bytes(data) if isinstance(data, _BUFFER) else data)
        read = True
    return _load(cls, data, strict=strict, read=read, stacklevel=3)


def _load(
    cls: object, data: object, *, strict: bool = False, read: bool = True, stacklevel: int = 3
) -> Any:
    """`load` of a value; ``read=True`` (the library's own callers, with a value `parse_json`
    has just returned: the vendor webhook parsers) skips the check `parse_json` already made
    (see `CompiledSchema.decode`)."""
    try:
        check, structure = _loaders[cls]
    except (KeyError, TypeError):  # first load of the class, or not a class at all
        check, structure = _loader_of(cls)
    decoded = check.decode(data, read=read)
    if decoded.issues:
        found, tolerated = _tolerate(check, decoded.issues, strict)
        if found:
            raise ValidationError(found, schema=check.label)
        for item in tolerated:
            warnings.warn(
                f"{check.label}: {item.path}: {item.message} (kept as is)",
                UnknownEnumValueWarning,
                stacklevel=stacklevel,
            )
    result = structure(decoded.value)
    if decoded.originals:
        _remember(result, decoded.originals)
    return result


_Fn = Callable[[Any], Any]
_loaders: dict[object, tuple[CompiledSchema, _Fn]] = {}
# Tuples, not ``str | bytes | ...``: a union in isinstance is built on every call (0.15 us).
_TEXT = (str, bytes, bytearray, memoryview)
_BUFFER = (bytearray, memoryview)


def _loader_of(cls: object) -> tuple[CompiledSchema, _Fn]:
    """The compiled schema and the structuring function of a model class, looked up once per
    class (the default registry never changes once built)."""
    check = _schema_of(cls).compiled()
    target = cls if _is_model(cls) else list[cls.__dealerbridge_item__]  # type: ignore[name-defined]
    hook = converter.get_structure_hook(target)

    def structure(value: Any) -> Any:
        return hook(value, target)

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
        deferred: _Deferred = []
        token = _deferred.set(deferred)
        try:
            value: JSON = converter.unstructure(obj)
        finally:
            _deferred.reset(token)
        if validate:
            check = type(obj).__dealerbridge_schema__.compiled()
            # Deferred content members are checked as values: their schema takes the value
            # in place of the string, with the same shape, so the issues are those of the
            # value as written (without parsing each string again).
            found, _ = _tolerate(check, check.issues(value), strict=False)
            if found:
                raise ValidationError(found, schema=check.label)
        _write_content(deferred)
        return value
    if isinstance(obj, list | tuple) and all(isinstance(item, Model) for item in obj):
        return [dump(item, validate=validate) for item in obj]
    raise DealerbridgeUsageError(f"{type(obj).__name__} is not a dealerbridge model")

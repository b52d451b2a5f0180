"""The schema model: each bundled schema document read once into small typed objects.

Every consumer of a schema's *shape* (the model generator, content decoding, the order-request
renames, the test strategies) reads this model instead of walking JSON Schema itself; the
verdict on an instance stays with the compiled validator (`dealerbridge._validation`). Obtain
it from the registry::

    document = default_registry().model("mykaarma/order-event")
    document.direction            # "inbound"
    document.root.fields[0]       # Field(wire_name='id', python_name='id', ...)

A node is one of `AnyValue`, `Scalar`, `ArraySchema`, `ObjectSchema`, `UnionSchema`,
`ContentSchema`, or `Nullable` wrapping one of them. `ObjectSchema` instances are shared: the
same `$defs` entry reached from two places is the same object (compare with ``is``).

The ``x-`` annotations of ``schemas/CONVENTIONS.md`` are read here and nowhere else:
``x-direction`` (`SchemaDocument.direction`), ``x-python-name`` (`Field.python_name`),
``x-class-name`` (`ObjectSchema.class_name`), ``x-rule`` (`Scalar.rule`), ``x-rule-name``
(`ObjectRule.name`) and ``x-pii`` (`Field.personal`, and `personal_at` for an instance path).
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Literal, TypeAlias

import attrs

from ._render import escape_segment, json_type

__all__ = [
    "AnyValue",
    "ArraySchema",
    "ContentSchema",
    "Direction",
    "Field",
    "Location",
    "Node",
    "Nullable",
    "ObjectRule",
    "ObjectSchema",
    "Scalar",
    "SchemaDocument",
    "UnionOption",
    "UnionSchema",
    "build_document",
    "class_name_of",
    "iter_objects",
    "personal_at",
    "snake_case",
    "unwrap",
]

Direction: TypeAlias = Literal["inbound", "outbound"]


@attrs.frozen
class Location:
    """Where a schema node lives: the document's ``$id`` and a JSON Pointer inside it."""

    document_id: str
    pointer: str = ""

    def child(self, *parts: str) -> Location:
        escaped = "".join("/" + escape_segment(p) for p in parts)
        return Location(self.document_id, self.pointer + escaped)

    @property
    def uri(self) -> str:
        return f"{self.document_id}#{self.pointer}" if self.pointer else self.document_id


@attrs.frozen
class AnyValue:
    """Any JSON value: the schema is ``{}`` or ``true`` (the docs give no shape)."""

    location: Location


@attrs.frozen
class Scalar:
    """A string, number, integer or boolean, with its constraints (``types`` lists the JSON
    types allowed; ``null`` is never among them: nullability is `Nullable`)."""

    location: Location
    types: tuple[str, ...]
    enum: tuple[object, ...] | None = None
    const: tuple[object] | None = None
    """``(value,)`` when the schema fixes one value, else ``None``."""
    pattern: str | None = None
    format: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: float | None = None
    exclusive_maximum: float | None = None
    multiple_of: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    rule: str | None = None
    """The ``x-rule`` sentence, when the schema gives one."""


@attrs.frozen
class ArraySchema:
    """A JSON array whose items all follow ``items``."""

    location: Location
    items: Node
    min_items: int | None = None
    max_items: int | None = None


@attrs.frozen
class Field:
    """One member of an object: its wire key, its Python attribute name, and its value."""

    wire_name: str
    python_name: str
    required: bool
    schema: Node
    description: str = ""
    personal: bool = False
    """``x-pii``: the member holds personal data (a name, phone, e-mail, address, plate, VIN or
    free-text note), and so does everything inside it."""
    default: tuple[object] | None = None
    """The member's ``default`` keyword in a one-tuple (``(None,)`` for ``"default": null``),
    None when it has none. Read by the generator's config mode (``dealerbridge/*``
    documents), where an absent member takes its default."""

    @property
    def nullable(self) -> bool:
        return isinstance(self.schema, Nullable)

    @property
    def value(self) -> Node:
        """The schema of a non-null value (`Nullable` unwrapped)."""
        return unwrap(self.schema)


@attrs.frozen
class ObjectRule:
    """A rule spanning fields (an ``allOf`` entry); ``name`` is its ``x-rule-name``,
    ``members`` the wire keys its ``if``/``then``/``else``/``not`` mention."""

    name: str | None
    rule: str | None
    location: Location
    members: tuple[str, ...] = ()


@attrs.frozen(eq=False)
class ObjectSchema:
    """A JSON object. Titled objects become generated classes (``class_name``); untitled ones
    are plain mappings whose values follow ``values`` (any JSON when ``None``).

    Shared and compared by identity (recursive schemas make structural equality unsafe)."""

    location: Location
    class_name: str | None
    title: str | None
    description: str
    closed: bool
    """``additionalProperties: false``: members not listed are rejected."""
    fields: tuple[Field, ...] = ()
    values: Node | None = None
    rules: tuple[ObjectRule, ...] = ()

    def field(self, wire_name: str) -> Field | None:
        for item in self.fields:
            if item.wire_name == wire_name:
                return item
        return None

    def __repr__(self) -> str:
        return f"ObjectSchema({self.class_name or 'mapping'} at {self.location.uri})"


@attrs.frozen
class UnionOption:
    """One shape of a union. ``discriminator`` is the member whose presence selects it (the
    ``if: {required: [key]}`` of the chain), ``None`` for the fallback or an untagged branch."""

    schema: Node
    discriminator: str | None = None


@attrs.frozen
class UnionSchema:
    """One of several shapes (an ``if``/``then``/``else`` chain, or ``anyOf``)."""

    location: Location
    options: tuple[UnionOption, ...]

    @property
    def tagged(self) -> bool:
        return any(o.discriminator for o in self.options)


@attrs.frozen
class ContentSchema:
    """A string holding a JSON document (``contentMediaType: application/json``) whose decoded
    value follows ``schema``. ``accepts_decoded``: the decoded value itself is also allowed in
    place of the string (``anyOf`` of the string and the shape)."""

    location: Location
    schema: Node
    media_type: str = "application/json"
    accepts_decoded: bool = False


@attrs.frozen
class Nullable:
    """``null`` or a value following ``schema``; ``location`` is where nullability is said
    (the ``anyOf`` holding ``{"type": "null"}``, or the node whose ``type`` lists ``null``)."""

    schema: Node
    location: Location


Node: TypeAlias = (
    AnyValue | Scalar | ArraySchema | ObjectSchema | UnionSchema | ContentSchema | Nullable
)


def unwrap(node: Node) -> Node:
    """*node* without its `Nullable` wrapper."""
    return node.schema if isinstance(node, Nullable) else node


@attrs.frozen
class SchemaDocument:
    """One schema document (``<vendor>/<name>`` at one version) as a model."""

    name: str
    version: int
    document_id: str
    direction: Direction | None
    """``x-direction``; ``None`` for ``common/*`` documents."""
    title: str | None
    description: str
    root: Node
    defs: Mapping[str, Node]

    @property
    def vendor(self) -> str:
        return self.name.split("/", 1)[0]

    @property
    def inbound(self) -> bool:
        return self.direction == "inbound"

    def objects(self) -> list[ObjectSchema]:
        """Titled objects defined in this document: the root first, then ``$defs`` in order."""
        out = [n for n in (self.root, *self.defs.values()) if isinstance(n, ObjectSchema)]
        return [o for o in out if o.class_name is not None]


def snake_case(name: str) -> str:
    """The Python attribute name derived from a wire key (``originalAssociateUUID`` ->
    ``original_associate_uuid``, ``customerGUIDs`` -> ``customer_guids``: an acronym's plural
    ``s`` stays with it); keywords and ``extras`` get a trailing underscore."""
    text = re.sub(r"([A-Z]{2,})s(?=$|[A-Z0-9_])", r"\1S", name)
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", text)
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text)
    text = re.sub(r"[^0-9a-zA-Z_]", "_", text).lower()
    if text[:1].isdigit():
        text = "f_" + text
    if keyword.iskeyword(text) or text in {"extras"}:
        text += "_"
    return text


def class_name_of(raw: Mapping[str, object]) -> str | None:
    """``x-class-name``, else the ``title`` without spaces, else ``None``."""
    explicit = raw.get("x-class-name")
    if isinstance(explicit, str):
        return explicit
    title = raw.get("title")
    return title.replace(" ", "") if isinstance(title, str) else None


def iter_objects(node: Node) -> Iterator[tuple[tuple[str | int, ...], ObjectSchema]]:
    """Every object reachable from *node* with its instance path (``0`` stands for any array
    item; union options and content are followed), each object once per path prefix; stops at
    an object already on the current path (recursive schemas)."""

    def walk(
        current: Node, path: tuple[str | int, ...], seen: tuple[ObjectSchema, ...]
    ) -> Iterator[tuple[tuple[str | int, ...], ObjectSchema]]:
        current = unwrap(current)
        if isinstance(current, ObjectSchema):
            if current in seen:
                return
            yield path, current
            for item in current.fields:
                yield from walk(item.schema, (*path, item.wire_name), (*seen, current))
        elif isinstance(current, ArraySchema):
            yield from walk(current.items, (*path, 0), seen)
        elif isinstance(current, UnionSchema):
            for option in current.options:
                yield from walk(option.schema, path, seen)
        elif isinstance(current, ContentSchema):
            yield from walk(current.schema, path, seen)

    yield from walk(node, (), ())


def personal_at(node: Node, path: tuple[str | int, ...]) -> bool:
    """Whether the value at instance *path* under a value following *node* is personal data:
    some member on the way is marked ``x-pii``, or is a member no schema on the way defines
    (an unknown member of an open object, a key of a map, anything inside a value the schema
    does not shape), or the path leaves the schema. Where a union allows several shapes, the
    options that define the member decide, and one marking it is enough (the value is hidden
    rather than shown by mistake)."""
    current: list[Node] = [node]
    for part in path:
        following: list[Node] = []
        for item in _expand(current):
            if isinstance(item, AnyValue):
                return True
            if isinstance(item, ObjectSchema) and isinstance(part, str):
                field = item.field(part)
                if field is not None:
                    if field.personal:
                        return True
                    following.append(field.schema)
            elif isinstance(item, ArraySchema) and isinstance(part, int):
                following.append(item.items)
        if not following:
            return True
        current = following
    return any(isinstance(item, AnyValue) for item in _expand(current))


def _expand(nodes: list[Node]) -> list[Node]:
    """*nodes* with `Nullable` unwrapped and unions and content strings replaced by the
    shapes they allow."""
    out: list[Node] = []
    pending = list(nodes)
    while pending:
        item = unwrap(pending.pop())
        if isinstance(item, UnionSchema):
            pending.extend(option.schema for option in item.options)
        elif isinstance(item, ContentSchema):
            out.append(item)  # the string itself
            pending.append(item.schema)  # and its decoded value
        else:
            out.append(item)
    return out


# --------------------------------------------------------------------------- building

Resolver = Callable[[str, str], tuple[Location, object]]
"""``(base document $id, $ref) -> (location, raw node)``: the registry's one resolver."""


class _Builder:
    def __init__(self, resolve: Resolver, cache: dict[Location, Node]) -> None:
        self.resolve = resolve
        self.cache = cache

    def node(self, raw: object, where: Location) -> Node:
        found = self.cache.get(where)
        if found is not None:
            return found
        built = self._build(raw, where)
        self.cache[where] = built
        return built

    def _build(self, raw: object, where: Location) -> Node:
        if not isinstance(raw, dict) or not _shape_keys(raw):
            return AnyValue(where)
        ref = raw.get("$ref")
        if isinstance(ref, str):
            target, node = self.resolve(where.document_id, ref)
            return self.node(node, target)
        if "anyOf" in raw:
            return self._any_of(raw["anyOf"], where)
        if "if" in raw and "then" in raw and "properties" not in raw:
            return self._chain(raw, where)
        types = raw.get("type")
        type_list = [types] if isinstance(types, str) else list(types or [])
        if not type_list and "enum" in raw:
            type_list = sorted({json_type(v) for v in raw["enum"]})
        if not type_list and "const" in raw:
            type_list = [json_type(raw["const"])]
        if not type_list and "properties" in raw:
            type_list = ["object"]
        nullable = "null" in type_list
        type_list = [t for t in type_list if t != "null"]
        if not type_list:
            return AnyValue(where)
        inner: Node
        if type_list == ["object"]:
            inner = self._object(raw, where)
        elif type_list == ["array"]:
            inner = ArraySchema(
                where,
                self.node(raw.get("items", {}), where.child("items")),
                min_items=raw.get("minItems"),
                max_items=raw.get("maxItems"),
            )
        elif "contentMediaType" in raw and "contentSchema" in raw and type_list == ["string"]:
            inner = ContentSchema(
                where,
                self.node(raw["contentSchema"], where.child("contentSchema")),
                media_type=str(raw["contentMediaType"]),
            )
        else:
            inner = self._scalar(raw, where, tuple(type_list))
        return Nullable(inner, where) if nullable else inner

    def _any_of(self, branches: list[object], where: Location) -> Node:
        located = [(b, where.child("anyOf", str(i))) for i, b in enumerate(branches)]
        nullable = any(b == {"type": "null"} for b, _ in located)
        others = [(b, w) for b, w in located if b != {"type": "null"}]
        built = [self.node(b, w) for b, w in others]
        contents = [n for n in built if isinstance(n, ContentSchema)]
        inner: Node
        if len(contents) == 1 and len(built) == 2:
            content = contents[0]
            inner = attrs.evolve(content, accepts_decoded=True, location=where)
        elif len(built) == 1:
            inner = built[0]
        else:
            inner = UnionSchema(where, _tag_closed_shapes(built))
        return Nullable(inner, where) if nullable else inner

    def _chain(self, raw: dict[str, object], where: Location) -> Node:
        options: list[UnionOption] = []
        current: object = raw
        here = where
        while isinstance(current, dict) and "if" in current and "then" in current:
            condition = current["if"]
            keys = condition.get("required", []) if isinstance(condition, dict) else []
            then = self.node(current["then"], here.child("then"))
            options.append(UnionOption(then, keys[0] if keys else None))
            current = current.get("else")
            here = here.child("else")
        if isinstance(current, dict):
            options.append(UnionOption(self.node(current, here)))
        return UnionSchema(where, tuple(options))

    def _object(self, raw: dict[str, object], where: Location) -> ObjectSchema:
        additional = raw.get("additionalProperties", True)
        obj = ObjectSchema(
            location=where,
            class_name=class_name_of(raw),
            title=_str_or_none(raw.get("title")),
            description=str(raw.get("description", "")),
            closed=additional is False,
        )
        self.cache[where] = obj  # before the fields: recursive schemas end here
        properties = raw.get("properties", {})
        required = raw.get("required", [])
        assert isinstance(properties, dict) and isinstance(required, list)
        fields = []
        for key, prop in properties.items():
            explicit = prop.get("x-python-name") if isinstance(prop, dict) else None
            fields.append(
                Field(
                    wire_name=key,
                    python_name=explicit if isinstance(explicit, str) else snake_case(key),
                    required=key in required,
                    schema=self.node(prop, where.child("properties", key)),
                    description=str(prop.get("description", "")) if isinstance(prop, dict) else "",
                    personal=isinstance(prop, dict) and prop.get("x-pii") is True,
                    default=(prop["default"],)
                    if isinstance(prop, dict) and "default" in prop
                    else None,
                )
            )
        # Set after construction: the fields may lead back to this object.
        object.__setattr__(obj, "fields", tuple(fields))
        if isinstance(additional, dict):
            values = self.node(additional, where.child("additionalProperties"))
            object.__setattr__(obj, "values", values)
        rules = raw.get("allOf", [])
        if isinstance(rules, list):
            found = tuple(
                ObjectRule(
                    name=_str_or_none(rule.get("x-rule-name")),
                    rule=_str_or_none(rule.get("x-rule")),
                    location=where.child("allOf", str(i)),
                    members=_members(rule),
                )
                for i, rule in enumerate(rules)
                if isinstance(rule, dict)
            )
            object.__setattr__(obj, "rules", found)
        return obj

    def _scalar(self, raw: dict[str, object], where: Location, types: tuple[str, ...]) -> Scalar:
        enum = raw.get("enum")
        return Scalar(
            where,
            types,
            enum=tuple(v for v in enum if v is not None) if isinstance(enum, list) else None,
            const=(raw["const"],) if "const" in raw else None,
            pattern=_str_or_none(raw.get("pattern")),
            format=_str_or_none(raw.get("format")),
            minimum=_number(raw.get("minimum")),
            maximum=_number(raw.get("maximum")),
            exclusive_minimum=_number(raw.get("exclusiveMinimum")),
            exclusive_maximum=_number(raw.get("exclusiveMaximum")),
            multiple_of=_number(raw.get("multipleOf")),
            min_length=_int_or_none(raw.get("minLength")),
            max_length=_int_or_none(raw.get("maxLength")),
            rule=_str_or_none(raw.get("x-rule")),
        )


_ANNOTATIONS = frozenset(
    {
        "description",
        "$comment",
        "title",
        "examples",
        "x-python-name",
        "x-class-name",
        "x-rule",
        "x-pii",
    }
)


def _tag_closed_shapes(options: list[Node]) -> tuple[UnionOption, ...]:
    """The options of an ``anyOf``. When every option is a closed object (requests we send,
    such as the items of Shopmonkey's create-services body) and each but at most one has a
    required member no other option allows, that member is its discriminator: a value
    holding it can only match that option, exactly as in an ``if``/``then`` chain on it."""
    plain = tuple(UnionOption(n) for n in options)
    if not all(isinstance(n, ObjectSchema) and n.closed for n in options):
        return plain
    objects = [n for n in options if isinstance(n, ObjectSchema)]
    tagged: list[UnionOption] = []
    for obj in objects:
        others = {f.wire_name for o in objects if o is not obj for f in o.fields}
        keys = [f.wire_name for f in obj.fields if f.required and f.wire_name not in others]
        tagged.append(UnionOption(obj, keys[0] if keys else None))
    if sum(o.discriminator is None for o in tagged) > 1:
        return plain
    # Tagged options first, the fallback last: the order a chain of if/then would test them.
    return tuple(sorted(tagged, key=lambda o: o.discriminator is None))


def _shape_keys(raw: dict[str, object]) -> bool:
    return any(k not in _ANNOTATIONS for k in raw)


def _members(rule: dict[str, object]) -> tuple[str, ...]:
    keys: dict[str, None] = {}
    for part in ("if", "then", "else", "not"):
        sub = rule.get(part)
        if isinstance(sub, dict):
            properties = sub.get("properties", {})
            required = sub.get("required", [])
            keys.update(dict.fromkeys(properties if isinstance(properties, dict) else []))
            keys.update(dict.fromkeys(required if isinstance(required, list) else []))
    return tuple(keys)


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _int_or_none(value: object) -> int | None:
    return value if type(value) is int else None


def _number(value: object) -> float | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def build_document(
    raw: Mapping[str, object],
    name: str,
    version: int,
    resolve: Resolver,
    cache: dict[Location, Node],
) -> SchemaDocument:
    """The model of one raw document. *cache* is shared by every document of a registry, so
    a node reached from several documents is built once."""
    document_id = str(raw["$id"])
    builder = _Builder(resolve, cache)
    root_location = Location(document_id)
    direction = raw.get("x-direction")
    if direction not in ("inbound", "outbound", None):
        raise ValueError(f"{name} v{version}: x-direction must be inbound or outbound")
    raw_defs = raw.get("$defs", {})
    assert isinstance(raw_defs, dict)
    defs = {
        key: builder.node(node, root_location.child("$defs", key)) for key, node in raw_defs.items()
    }
    root_keys = {k: v for k, v in raw.items() if k != "$defs"}
    has_shape = any(k in root_keys for k in ("type", "properties", "items", "anyOf", "$ref"))
    root: Node = builder.node(root_keys, root_location) if has_shape else AnyValue(root_location)
    title = raw.get("title")
    return SchemaDocument(
        name=name,
        version=version,
        document_id=document_id,
        direction="inbound" if direction == "inbound" else "outbound" if direction else None,
        title=title if isinstance(title, str) else None,
        description=str(raw.get("description", "")),
        root=root,
        defs=defs,
    )

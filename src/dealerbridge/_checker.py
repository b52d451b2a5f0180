"""A schema compiled for the C accelerator's one-pass quick yes (``_speedups.checker``).

`CompiledSchema.valid` asks the engine (jsonschema-rs) only after a walk of the value has
said "not known". The walk is compiled here from the same documents the engine compiles, into
a tuple of nodes the C code reads once (`checker`). It checks the value (exact JSON types,
int64, finite floats, depth, member names that are str, no lone surrogate) and the schema's
keywords in the same pass, and answers 1 (valid), 0 (invalid) or -1 (not known). Only a 1 is
used as a verdict; anything else goes to the engine, which decides and names the problem, so
verdicts and messages never depend on this module (tests/test_checker.py holds it to the
engine on every fixture and on generated values).

What it leaves to the engine (the node is "opaque": always -1): any keyword not listed in
`_KEYWORDS`, a ``$ref`` it cannot resolve, a nested ``$id``, a ``format`` other than ``date``
and ``date-time``, and a ``pattern`` outside the ECMA-262 subset `compile_pattern` reads.
A format says only "yes" (a subset the engine is known to accept: a real date, a date-time
with ``T``, seconds below 60 and ``Z`` or an offset) or "not known".

A node is a tuple of `NODE_FIELDS` fields, in this order:

    opaque (0/1), falsy (0/1: the ``false`` schema), types (bit mask, 0: any),
    minLength (-1: none), maxLength (-1), patterns (tuple of pattern indices),
    format (0 none, 1 date, 2 date-time), bounds (tuple of (kind, limit): kind 0 minimum,
    1 maximum, 2 exclusiveMinimum, 3 exclusiveMaximum), enum (None or (frozenset of str,
    frozenset of int, flags)), properties (None or dict name -> node * 2 + 1 when the name is
    also required), required (tuple of the required names that are not properties),
    additionalProperties (node or -1), patternProperties (tuple of (pattern, node)),
    items (node or -1), allOf (tuple of nodes; ``$ref`` is one more), anyOf, oneOf,
    not (node or -1), if, then, else (node or -1).

A pattern is a DFA over code points: (class starts, table, accepting states, sticky states,
start state, backwards); see `compile_pattern`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

from ._errors import UnknownSchemaError
from ._registry import SchemaRegistry

__all__ = ["NODE_FIELDS", "compile_checker", "compile_nodes", "compile_pattern"]

NODE_FIELDS = 21
#: A node that asserts nothing, every field "absent"; `_Compiler._fill` writes what a schema says.
_BLANK: tuple[Any, ...] = (0, 0, 0, -1, -1, (), 0, (), None, None, (), -1, (), -1)
_BLANK += ((), (), (), -1, -1, -1, -1)

# Kinds (the C walk's K_*): a bit per JSON type; T_INTEGER marks "integer" (see the C code).
_NULL, _BOOL, _INT, _FLOAT, _STR, _LIST, _DICT, _T_INTEGER = 1, 2, 4, 8, 16, 32, 64, 128
_TYPES = {
    "null": _NULL,
    "boolean": _BOOL,
    "integer": _INT | _T_INTEGER,
    "number": _INT | _FLOAT,
    "string": _STR,
    "array": _LIST,
    "object": _DICT,
}
# enum flags (the C walk's E_*)
_E_NULL, _E_TRUE, _E_FALSE, _E_NUMBERS, _E_CONTAINERS, _E_INTS = 1, 2, 4, 8, 16, 32
_FORMATS = {"date": 1, "date-time": 2}
_BOUNDS = {"minimum": 0, "maximum": 1, "exclusiveMinimum": 2, "exclusiveMaximum": 3}
_INT64 = (-(2**63), 2**63 - 1)

#: Keywords that only annotate (the engine asserts none of them; content strings are decoded
#: by `CompiledSchema.decode`, not by the engine).
_ANNOTATIONS = frozenset(
    {
        "$schema",
        "$comment",
        "$defs",
        "title",
        "description",
        "default",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
        "contentMediaType",
        "contentEncoding",
        "contentSchema",
    }
)
#: Keywords the walk asserts; any other keyword (not an annotation, not ``x-...``) makes the
#: node opaque.
_KEYWORDS = frozenset(
    {
        "type",
        "enum",
        "const",
        "minLength",
        "maxLength",
        "pattern",
        "format",
        *_BOUNDS,
        "properties",
        "required",
        "additionalProperties",
        "patternProperties",
        "items",
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "if",
        "then",
        "else",
        "$ref",
    }
)


class _Opaque(Exception):
    """A node (or pattern) the walk leaves to the engine."""


# ------------------------------------------------------------------------------ schemas


def compile_checker(
    registry: SchemaRegistry, document_id: str, root: object, build: Callable[..., Any]
) -> Any:
    """The C checker of *root* (a node of document *document_id*), made by *build*
    (``_speedups.checker``)."""
    return build(*compile_nodes(registry, document_id, root))


def compile_nodes(
    registry: SchemaRegistry, document_id: str, root: object
) -> tuple[tuple[tuple[Any, ...], ...], tuple[tuple[Any, ...], ...]]:
    """``(nodes, patterns)`` of *root*, node 0 first: what `_speedups.checker` reads."""
    compiler = _Compiler(registry)
    compiler.node(document_id, root)
    return tuple(tuple(n) for n in compiler.nodes), tuple(compiler.patterns)


class _Compiler:
    def __init__(self, registry: SchemaRegistry) -> None:
        self.registry = registry
        self.nodes: list[list[Any]] = []
        self.patterns: list[tuple[Any, ...]] = []
        self._node_at: dict[int, int] = {}
        self._pattern_at: dict[str, int] = {}
        self._keep: list[object] = []  # the schema objects whose id() keys _node_at

    def node(self, base: str, schema: object) -> int:
        # A schema that is only a $ref (and annotations) is the node it points at: one call
        # fewer in the walk for every use of a shared definition.
        aliases: list[object] = []
        while _only_ref(schema) and id(schema) not in self._node_at:
            assert isinstance(schema, dict)
            if any(alias is schema for alias in aliases):  # a cycle of bare $refs
                break
            try:
                location, target = self.registry.locate(base, schema["$ref"])
            except UnknownSchemaError:
                break
            aliases.append(schema)
            base, schema = location.document_id, target
        index = self._new_node(base, schema)
        for alias in aliases:
            self._node_at[id(alias)] = index
            self._keep.append(alias)
        return index

    def _new_node(self, base: str, schema: object) -> int:
        key = id(schema)
        found = self._node_at.get(key)
        if found is not None:
            return found
        index = len(self.nodes)
        self._node_at[key] = index
        self._keep.append(schema)
        fields = list(_BLANK)
        self.nodes.append(fields)
        try:
            self._fill(fields, base, schema)
        except _Opaque:
            fields[:] = _BLANK
            fields[0] = 1  # opaque
        return index

    def _fill(self, f: list[Any], base: str, schema: object) -> None:
        if schema is True:
            return
        if schema is False:
            f[1] = 1
            return
        if not isinstance(schema, dict):
            raise _Opaque
        for key in schema:
            known = key in _KEYWORDS or key in _ANNOTATIONS or key.startswith("x-")
            if not known and (key != "$id" or schema["$id"] != base):  # a nested $id
                raise _Opaque
        get = schema.get
        if "type" in schema:
            kinds = get("type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            mask = 0
            for kind in kinds:
                if not isinstance(kind, str) or kind not in _TYPES:
                    raise _Opaque
                mask |= _TYPES[kind]
            if not kinds:
                raise _Opaque
            f[2] = mask
        if "enum" in schema or "const" in schema:
            if "enum" in schema and "const" in schema:  # left to the engine (not in ours)
                raise _Opaque
            listed = get("enum") if "enum" in schema else [get("const")]
            if not isinstance(listed, list):
                raise _Opaque
            f[8] = _enum(listed)
        f[3] = _length(get("minLength", -1))
        f[4] = _length(get("maxLength", -1))
        if "pattern" in schema:
            f[5] = (self.pattern(get("pattern")),)
        if "format" in schema:
            format_name = get("format")
            if not isinstance(format_name, str) or format_name not in _FORMATS:
                raise _Opaque
            f[6] = _FORMATS[format_name]
        bounds = []
        for keyword, kind in _BOUNDS.items():
            if keyword in schema:
                bounds.append((kind, _limit(get(keyword))))
        f[7] = tuple(bounds)
        required = get("required", [])
        if not isinstance(required, list) or not all(type(n) is str for n in required):
            raise _Opaque
        props = get("properties", {})
        if not isinstance(props, dict):
            raise _Opaque
        if "properties" in schema:  # node * 2, + 1 when the name is required too
            f[9] = {n: self.node(base, sub) * 2 + (n in required) for n, sub in props.items()}
        f[10] = tuple(n for n in dict.fromkeys(required) if n not in props)
        if "additionalProperties" in schema:
            f[11] = self.node(base, get("additionalProperties"))
        if "patternProperties" in schema:
            pp = get("patternProperties")
            if not isinstance(pp, dict):
                raise _Opaque
            f[12] = tuple((self.pattern(p), self.node(base, sub)) for p, sub in pp.items())
        if "items" in schema:
            f[13] = self.node(base, get("items"))
        every = [self.node(base, sub) for sub in _schemas(get("allOf", [None]))]
        if "$ref" in schema:
            every.append(self._ref(base, get("$ref")))
        f[14] = tuple(every)
        f[15] = tuple(self.node(base, sub) for sub in _schemas(get("anyOf", [None])))
        f[16] = tuple(self.node(base, sub) for sub in _schemas(get("oneOf", [None])))
        if "not" in schema:
            f[17] = self.node(base, get("not"))
        if "if" in schema:
            f[18] = self.node(base, get("if"))
            if "then" in schema:
                f[19] = self.node(base, get("then"))
            if "else" in schema:
                f[20] = self.node(base, get("else"))

    def _ref(self, base: str, ref: object) -> int:
        if not isinstance(ref, str):
            raise _Opaque
        try:
            location, target = self.registry.locate(base, ref)
        except UnknownSchemaError:
            raise _Opaque from None
        return self.node(location.document_id, target)

    def pattern(self, pattern: object) -> int:
        if not isinstance(pattern, str):
            raise _Opaque
        found = self._pattern_at.get(pattern)
        if found is None:
            dfa = compile_pattern(pattern)
            if dfa is None:
                raise _Opaque
            found = len(self.patterns)
            self.patterns.append(dfa)
            self._pattern_at[pattern] = found
        return found


def _only_ref(schema: object) -> bool:
    return (
        isinstance(schema, dict)
        and isinstance(schema.get("$ref"), str)
        and all(k == "$ref" or k in _ANNOTATIONS or k.startswith("x-") for k in schema)
    )


def _schemas(value: object) -> list[object]:
    """The subschemas of allOf/anyOf/oneOf (``[None]``: the keyword is absent)."""
    if value == [None]:
        return []
    if not isinstance(value, list) or not value:
        raise _Opaque
    return value


def _length(value: object) -> int:
    if type(value) is not int or value < -1 or value > 2**62:
        raise _Opaque
    return value


def _limit(value: object) -> int | float:
    if type(value) is int and _INT64[0] <= value <= _INT64[1]:
        return value
    if type(value) is float and math.isfinite(value):
        return value
    raise _Opaque


def _enum(values: list[Any]) -> tuple[frozenset[str], frozenset[int], int]:
    strs: set[str] = set()
    ints: set[int] = set()
    flags = 0
    for value in values:
        if value is None:
            flags |= _E_NULL
        elif value is True:
            flags |= _E_TRUE
        elif value is False:
            flags |= _E_FALSE
        elif type(value) is str:
            strs.add(value)
        elif type(value) is int:
            ints.add(value)
            flags |= _E_INTS
        elif type(value) is float:
            flags |= _E_NUMBERS | _E_INTS
        elif isinstance(value, (list, dict)):
            flags |= _E_CONTAINERS
        else:
            raise _Opaque
    return frozenset(strs), frozenset(ints), flags


# ----------------------------------------------------------------------------- patterns
#
# An ECMA-262 pattern of a small subset, as a DFA over code points. The subset is what our
# schemas write and what reads the same in ECMA-262 (the engine), Python's re and Rust's
# regex: literal characters and escaped syntax characters, \t \n \r \f \v \uXXXX \xHH, classes
# [...] with ranges and negation (and the same escapes), groups (...) and (?:...), the
# alternation |, the greedy or lazy quantifiers ? * + {n} {n,} {n,m} (laziness does not
# change whether a string matches), and ^ / $ as the first and last character of a pattern
# without a top-level |. Anything else (., \d \w \s \b and their negations, back references,
# look-around, flags, ^ or $ elsewhere) returns None: the engine decides those strings.

_MAX_CODE = 0x10FFFF
_ANY = ((0, _MAX_CODE),)
_NFA_LIMIT = 4000
_DFA_LIMIT = 2000
_ESCAPES = {"t": 9, "n": 10, "r": 13, "f": 12, "v": 11}
#: ECMA-262's syntax characters, plus the hyphen of classes: escaped, each is itself.
_SYNTAX = frozenset("^$\\.*+?()[]{}|/-")

# AST: ("set", ranges) | ("seq", [nodes]) | ("alt", [nodes]) | ("rep", node, low, high|None)
_Ast = tuple[Any, ...]


class _Refuse(Exception):
    pass


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0

    def peek(self) -> str | None:
        return self.text[self.i] if self.i < len(self.text) else None

    def take(self) -> str:
        if self.i >= len(self.text):
            raise _Refuse
        ch = self.text[self.i]
        self.i += 1
        return ch

    def alt(self) -> _Ast:
        branches = [self.seq()]
        while self.peek() == "|":
            self.i += 1
            branches.append(self.seq())
        return branches[0] if len(branches) == 1 else ("alt", branches)

    def seq(self) -> _Ast:
        items: list[_Ast] = []
        while self.peek() not in (None, "|", ")"):
            items.append(self.quantified(self.atom()))
        return ("seq", items)

    def atom(self) -> _Ast:
        ch = self.take()
        if ch == "(":
            if self.peek() == "?":
                self.i += 1
                if self.take() != ":":
                    raise _Refuse
            inner = self.alt()
            if self.take() != ")":
                raise _Refuse
            return inner
        if ch == "[":
            return ("set", self.char_class())
        if ch == "\\":
            code = self.escape()
            return ("set", ((code, code),))
        if ch in ".^$*+?{}]|)":
            raise _Refuse
        return ("set", ((ord(ch), ord(ch)),))

    def escape(self) -> int:
        ch = self.take()
        if ch in _ESCAPES:
            return _ESCAPES[ch]
        if ch in "ux":
            width = 4 if ch == "u" else 2
            digits = self.text[self.i : self.i + width]
            if len(digits) != width or not all(c in "0123456789abcdefABCDEF" for c in digits):
                raise _Refuse
            self.i += width
            code = int(digits, 16)
            if 0xD800 <= code <= 0xDFFF:
                raise _Refuse
            return code
        if ch in _SYNTAX:  # an escaped syntax character stands for itself everywhere
            return ord(ch)
        # \d \w \s \b \c \k \p, back references, \0; and other punctuation, which the
        # dialects read apart (Rust's regex reads \< and \> as word boundaries)
        raise _Refuse

    def char_class(self) -> tuple[tuple[int, int], ...]:
        negate = self.peek() == "^"
        if negate:
            self.i += 1
        if self.peek() == "]":
            raise _Refuse  # [] and [^]
        ranges: list[tuple[int, int]] = []
        while True:
            ch = self.take()
            if ch == "]":
                break
            low = self.class_char(ch)
            if self.peek() == "-" and self.text[self.i + 1 : self.i + 2] not in ("]", ""):
                self.i += 1
                high = self.class_char(self.take())
                if high < low:
                    raise _Refuse
                ranges.append((low, high))
            else:
                ranges.append((low, low))
        merged = _merge(ranges)
        return _complement(merged) if negate else merged

    def class_char(self, ch: str) -> int:
        if ch == "\\":
            if self.peek() == "b":  # [\b] is a backspace in ECMA-262, a boundary elsewhere
                raise _Refuse
            return self.escape()
        if ch == "[":
            raise _Refuse  # a nested class in other dialects
        return ord(ch)

    def quantified(self, atom: _Ast) -> _Ast:
        ch = self.peek()
        if ch is None or ch not in "?*+{":
            return atom
        self.i += 1
        if ch == "?":
            low, high = 0, 1
        elif ch == "*":
            low, high = 0, None
        elif ch == "+":
            low, high = 1, None
        else:
            close = self.text.find("}", self.i)
            if close < 0:
                raise _Refuse
            body = self.text[self.i : close]
            self.i = close + 1
            first, comma, last = body.partition(",")
            if not first.isdigit() or (last and not last.isdigit()):
                raise _Refuse
            low = int(first)
            high = (int(last) if last else None) if comma else low
            if (high is not None and high < low) or low > 100 or (high or 0) > 100:
                raise _Refuse
        if self.peek() == "?":  # lazy: the same strings match
            self.i += 1
        if (self.peek() or "x") in "?*+{":  # a quantified quantifier
            raise _Refuse
        return ("rep", atom, low, high)


def _merge(ranges: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    out: list[tuple[int, int]] = []
    for low, high in sorted(ranges):
        if out and low <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], high))
        else:
            out.append((low, high))
    return tuple(out)


def _complement(ranges: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    out: list[tuple[int, int]] = []
    start = 0
    for low, high in ranges:
        if low > start:
            out.append((start, low - 1))
        start = high + 1
    if start <= _MAX_CODE:
        out.append((start, _MAX_CODE))
    return tuple(out)


class _Nfa:
    """Thompson NFA: ``edges[s]`` are (ranges, target) moves, ``eps[s]`` empty moves."""

    def __init__(self) -> None:
        self.edges: list[list[tuple[tuple[tuple[int, int], ...], int]]] = []
        self.eps: list[list[int]] = []

    def state(self) -> int:
        if len(self.edges) >= _NFA_LIMIT:
            raise _Refuse
        self.edges.append([])
        self.eps.append([])
        return len(self.edges) - 1

    def build(self, ast: _Ast, start: int) -> int:
        """States for *ast* from *start*; returns its end state."""
        kind = ast[0]
        if kind == "set":
            end = self.state()
            self.edges[start].append((ast[1], end))
            return end
        if kind == "seq":
            for item in ast[1]:
                start = self.build(item, start)
            return start
        if kind == "alt":
            end = self.state()
            for branch in ast[1]:
                begin = self.state()
                self.eps[start].append(begin)
                self.eps[self.build(branch, begin)].append(end)
            return end
        _, inner, low, high = ast
        for _ in range(low):
            start = self.build(inner, start)
        if high is None:  # a loop: inner any number of times more
            loop = self.state()
            self.eps[start].append(loop)
            self.eps[self.build(inner, loop)].append(loop)
            return loop
        end = self.state()
        self.eps[start].append(end)
        for _ in range(high - low):
            start = self.build(inner, start)
            self.eps[start].append(end)
        return end

    def closure(self, states: set[int]) -> frozenset[int]:
        stack = list(states)
        seen = set(states)
        while stack:
            for nxt in self.eps[stack.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return frozenset(seen)


@functools.cache  # a few patterns, shared by many schemas
def compile_pattern(pattern: str) -> tuple[Any, ...] | None:
    """The DFA of an ECMA-262 *pattern* of the subset above (searched, as JSON Schema's
    ``pattern`` is), or None when the pattern is outside it."""
    try:
        return _compile_pattern(pattern)
    except (_Refuse, RecursionError):
        return None


def _compile_pattern(pattern: str) -> tuple[Any, ...]:
    body = pattern
    anchored_start = body.startswith("^")
    if anchored_start:
        body = body[1:]
    anchored_end = False
    if body.endswith("$"):
        backslashes = len(body[:-1]) - len(body[:-1].rstrip("\\"))
        if backslashes % 2 == 0:
            anchored_end = True
            body = body[:-1]
    parser = _Parser(body)
    ast = parser.alt()
    if parser.i != len(body):
        raise _Refuse
    if ast[0] == "alt" and (anchored_start or anchored_end):
        raise _Refuse  # ^a|b$ is (^a)|(b$), not ^(a|b)$
    # A pattern anchored at the end only (like "\\n$") is matched backwards from the end of
    # the string, where it is decided after a character or two: the DFA of the reversed
    # pattern, anchored at its start.
    backwards = anchored_end and not anchored_start
    if backwards:
        ast, anchored_start, anchored_end = _reversed(ast), True, False
    items: list[_Ast] = []
    if not anchored_start:
        items.append(("rep", ("set", _ANY), 0, None))
    items.append(ast)
    if not anchored_end:
        items.append(("rep", ("set", _ANY), 0, None))
    nfa = _Nfa()
    start = nfa.state()
    accept = nfa.build(("seq", items), start)
    return (*_determinize(nfa, start, accept), int(backwards))


def _reversed(ast: _Ast) -> _Ast:
    """*ast* matching the reversed strings."""
    kind = ast[0]
    if kind == "set":
        return ast
    if kind == "seq":
        return ("seq", [_reversed(item) for item in reversed(ast[1])])
    if kind == "alt":
        return ("alt", [_reversed(branch) for branch in ast[1]])
    return ("rep", _reversed(ast[1]), ast[2], ast[3])


def _determinize(nfa: _Nfa, start: int, accept: int) -> tuple[Any, ...]:
    cuts = {0}
    for edges in nfa.edges:
        for ranges, _target in edges:
            for low, high in ranges:
                cuts.add(low)
                if high < _MAX_CODE:
                    cuts.add(high + 1)
    starts = sorted(cuts)
    first = nfa.closure({start})
    index = {first: 0}
    order = [first]
    table: list[int] = []
    for current in order:  # grows as states are found
        for cls_start in starts:
            moved = {
                target
                for state in current
                for ranges, target in nfa.edges[state]
                if any(low <= cls_start <= high for low, high in ranges)
            }
            if not moved:
                table.append(-1)
                continue
            nxt = nfa.closure(moved)
            if nxt not in index:
                if len(order) >= _DFA_LIMIT:
                    raise _Refuse
                index[nxt] = len(order)
                order.append(nxt)
            table.append(index[nxt])
    n_classes = len(starts)
    accepting = [accept in state for state in order]
    # sticky: accepting, and every move stays sticky (the match is decided; the greatest
    # such set, found by removing states until none leaves it)
    sticky = list(accepting)
    changed = True
    while changed:
        changed = False
        for s, is_sticky in enumerate(sticky):
            if is_sticky and any(
                t < 0 or not sticky[t] for t in table[s * n_classes : (s + 1) * n_classes]
            ):
                sticky[s] = False
                changed = True
    return (
        tuple(starts),
        tuple(table),
        bytes(accepting),
        bytes(sticky),
        0,
    )

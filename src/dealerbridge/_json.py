"""Strict JSON: the reader (RFC 8259 plus the I-JSON restrictions) and the value check.

`parse_json` reads text; `check_value` decides whether a Python value is one `parse_json`
could have returned (so ``json.dumps`` writes it back). Both are linear in time and memory
and neither recurses, so no input reaches a recursion limit or an engine it would crash.

How the reader stays linear (the figures are in ``notes/decisions-reader.md``): json's C
scanner does the parsing, built once, with a pairs hook for duplicate member names and
number hooks for the integer range and the double range. Before it, a few C-speed passes
over the bytes (``bytes.translate``, ``count``, ``replace``; never a regular expression)
measure the nesting outside strings, so the scanner never recurses past `MAX_DEPTH`.
Escape-heavy text (a document stringified into a member) is read the other way round, the
scanner first and a walk of the result after, and only accepted that way (`_read_escaped`).

The C accelerator (``dealerbridge._speedups``, compiled at install where a C compiler is
found; ``DEALERBRIDGE_NO_SPEEDUPS=1`` turns it off) only ever accepts early: its value walk
answers `check_value` for a plain value, and with it the reader first tries msgspec and
proves the result (members written against members kept, depth, int64, finite floats); any
"no" falls through to the code below, which decides and names the problem, so a verdict
never depends on whether it was built (``tests/test_speedups.py``).
"""

from __future__ import annotations

import contextlib
import json
import json.decoder
import json.scanner
import math
import os
import re
import stat
import threading
from collections.abc import Iterator
from typing import IO, Any

from ._errors import DealerbridgeUsageError, Issue, ValidationError, issue, pointer
from ._render import redaction_enabled, render_value, shorten

_speedups: Any
if os.environ.get("DEALERBRIDGE_NO_SPEEDUPS"):
    _speedups = None
else:
    try:
        from . import _speedups
    except ImportError:  # built without a C compiler: the pure-Python checks decide alone
        _speedups = None

__all__ = [
    "INT_MAX",
    "INT_MIN",
    "MAX_DEPTH",
    "MAX_EXPANDED_VALUES",
    "check_value",
    "open_regular_file",
    "parse_json",
    "read_regular_file",
]

#: Deepest nesting of arrays and objects accepted. Vendor payloads nest about 10 deep.
MAX_DEPTH = 64
#: The integer range: signed 64 bits, as both vendors' systems (Go int64, Java long) hold.
INT_MIN = -(2**63)
INT_MAX = 2**63 - 1
#: Most values (containers and scalars, each reuse counted again) that a value reusing
#: containers may expand to: what ``json.dumps`` would write, and what the engine walks.
#: Text cannot reuse a container, so the reader needs no such limit. ``a = [a, a]`` nested 40
#: times is a few hundred bytes of Python that expands to 2^41 values.
MAX_EXPANDED_VALUES = 1_000_000

#: The C walks (None without the accelerator): ``clean(value)`` is the members of a plain
#: value, -1 for one the Python walk must look at, -2 past `MAX_EXPANDED_VALUES` values
#: (counted with every reuse: the Python walk decides); ``structure(data)`` is the members
#: written in JSON bytes, -1 when the careful reader must decide (deeper than `MAX_DEPTH`, or
#: an integer of 19+ digits: the range is the careful reader's to name).
#: ``same(a, b)`` (for `dealerbridge.dump`): 1 when two values are equal with the same types
#: and member order (what ``marshal`` writes byte for byte), 0 when not, -1 when it cannot tell.
_c_clean: Any = None
_c_structure: Any = None
_c_same: Any = None
if _speedups is not None:
    _speedups.limits(MAX_DEPTH, MAX_EXPANDED_VALUES)
    _c_clean, _c_structure, _c_same = _speedups.clean, _speedups.structure, _speedups.same


@contextlib.contextmanager
def _pure_python() -> Iterator[None]:
    """Within the block, the pure-Python code alone (the C walks unset, as without the
    accelerator): what the tests and benchmarks compare the accelerated paths with."""
    global _c_clean, _c_structure, _c_same
    saved = _c_clean, _c_structure, _c_same
    _c_clean = _c_structure = _c_same = None
    try:
        yield
    finally:
        _c_clean, _c_structure, _c_same = saved


_BOM = "\ufeff"
# bytes.translate tables: keep only quotes, colons and brackets; brackets as ( and ).
_NOT_STRUCTURE = bytes(c for c in range(256) if c not in b'":[]{}')
_BRACKETS = bytes.maketrans(b"[{]}", b"(())")
_OPEN_RUN = b"(" * (MAX_DEPTH + 1)


class _Reject(Exception):
    def __init__(self, code: str, message: str, value: object = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.value = value


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Reject(
                    "json.duplicate_key",
                    f"member name {render_value(key, personal=True)} appears more than once in"
                    " one object",
                    key,
                )
            seen.add(key)
    return result


def _constant(name: str) -> Any:
    raise _Reject("json.non_finite", f"{name} is not a JSON number", name)


def _number_text(text: str, kind: str) -> str:
    """A number as written, for a message: shortened, or redacted."""
    if redaction_enabled():
        return f"<redacted {kind}>"
    return shorten(text, unit="characters")


def _float(text: str) -> float:
    value = float(text)  # linear: CPython rounds from the first 40 significant digits
    if math.isinf(value):
        shown = _number_text(text, "number")
        raise _Reject("json.non_finite", f"number {shown} is outside the IEEE 754 range", None)
    return value


def _int(text: str) -> int:
    if len(text) < 19:  # every integer outside int64 has at least 19 digits...
        return int(text)
    if len(text) <= 20:  # ...and one with more than 20 characters is outside (no leading 0)
        value = int(text)
        if INT_MIN <= value <= INT_MAX:
            return value
    raise _Reject("json.integer_range", _range_message(_number_text(text, "integer")), None)


def _range_message(shown: str) -> str:
    return f"integer {shown} is outside the signed 64-bit range [-2^63, 2^63-1]"


def _outside_strings(data: bytes) -> bytes:
    """The colons and brackets of *data* that are outside strings, in order.

    C-speed passes, linear in the input, exact for valid JSON (invalid JSON is rejected by
    the parser whatever this returns): drop escaped backslashes, then escaped quotes, so every
    quote left delimits a string; keep only quotes, colons and brackets; drop pairs of
    adjacent quotes (an empty string, or the gap between two strings: either way nothing
    outside a string is lost and every other quote keeps its parity); cut out what is still
    inside quotes (strings holding a colon or a bracket).
    """
    if b"\\" in data:
        data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    structure = data.translate(None, _NOT_STRUCTURE).replace(b'""', b"")
    if b'"' in structure:
        structure = b"".join(structure.split(b'"')[::2])
    return structure


def _too_deep(structure: bytes) -> bool:
    """Whether the brackets of *structure* (from `_outside_strings`) nest deeper than
    `MAX_DEPTH`: peel innermost pairs, at most `MAX_DEPTH` times (linear)."""
    if structure.count(b"[") + structure.count(b"{") <= MAX_DEPTH:
        return False
    nest = structure.translate(_BRACKETS, b":")
    if _OPEN_RUN in nest:
        return True
    # Pass k removes the pairs with k - 1 levels inside them; a pair left after MAX_DEPTH
    # passes has MAX_DEPTH + 1 levels.
    for _ in range(MAX_DEPTH):
        shorter = nest.replace(b"()", b"")
        if len(shorter) == len(nest):
            return False  # nothing (more) nests; unbalanced text is the parser's to report
        nest = shorter
    return b"()" in nest


def parse_json(raw: str | bytes) -> object:
    """Parse *raw* as strict JSON (RFC 8259 + I-JSON) and return the Python value.

    Rejected, each as a `ValidationError` at path ``""``: bytes that are not UTF-8 (or start
    with a BOM), text that is not JSON, duplicate member names, ``NaN``/``Infinity`` and numbers
    beyond the double range, integers outside the signed 64-bit range (``json.integer_range``),
    lone surrogates (escaped or not), and nesting deeper than `MAX_DEPTH`. Top-level scalars are
    allowed. Linear in time and memory. No exception type other than `ValidationError`
    escapes.
    """
    try:
        return _parse(raw)
    except _Reject as exc:
        raise ValidationError([issue("", exc.code, exc.message, exc.value)]) from None
    except RecursionError:  # pragma: no cover - the depth check runs first
        message = f"JSON nests deeper than {MAX_DEPTH} levels"
        raise ValidationError([issue("", "json.depth", message)]) from None


class _Scanner:
    """What json's scanner reads its settings from (json.JSONDecoder, without the rest)."""

    __slots__ = (
        "memo",
        "object_hook",
        "object_pairs_hook",
        "parse_constant",
        "parse_float",
        "parse_int",
        "strict",
    )

    def __init__(self, object_hook: Any = None, object_pairs_hook: Any = None) -> None:
        self.strict = True
        self.object_hook = object_hook
        self.object_pairs_hook = object_pairs_hook
        self.parse_float = _float
        self.parse_int = _int
        self.parse_constant = _constant
        self.memo: dict[str, str] = {}


def _scan(scan: Any, text: str) -> Any:
    """json.JSONDecoder.decode: the value, with only whitespace around it."""
    start = 0
    if text[:1] in _SPACE:  # the regular expression only where there is something to skip
        start = _WHITESPACE.match(text, 0).end()  # type: ignore[union-attr]  # matches ""
    try:
        value, end = scan(text, start)
    except StopIteration as exc:
        raise json.JSONDecodeError("Expecting value", text, exc.value) from None
    if end != len(text):
        end = _WHITESPACE.match(text, end).end()  # type: ignore[union-attr]
        if end != len(text):
            raise json.JSONDecodeError("Extra data", text, end)
    return value


_SPACE = frozenset(" \t\n\r")


_WHITESPACE: re.Pattern[str] = json.decoder.WHITESPACE  # type: ignore[attr-defined]
_make_scanner: Any = json.scanner.make_scanner  # C scanner (typeshed types it as a class)
# Duplicate names: the object hook adds up the members kept, and a name repeated somewhere
# leaves that sum below the number of colons outside strings; then a scanner with a pairs hook
# (measured 1.4x json.loads, against 1.05x for the counting hook) reads again to name it.
# Every number goes through a hook: payloads carry few numbers (amounts are strings), and a
# byte-level pre-scan for long digit runs measured slower than the hooks.
_PAIRS_SCANNER = _make_scanner(_Scanner(object_pairs_hook=_pairs))


class _Counter:
    """A counting scanner, made once per thread: the object hook adds up the members kept."""

    __slots__ = ("busy", "kept", "scan")

    def __init__(self) -> None:
        self.kept = 0
        self.busy = False
        self.scan = _make_scanner(_Scanner(object_hook=self.add))

    def add(self, obj: dict[str, Any]) -> dict[str, Any]:
        self.kept += len(obj)
        return obj


_counters = threading.local()


def _decode(text: str, members: int) -> Any:
    """The value of *text*; *members* is the number of members written (colons outside
    strings)."""
    counter: _Counter | None = getattr(_counters, "counter", None)
    if counter is None or counter.busy:  # first read on this thread, or a read inside a read
        counter = _Counter()
        _counters.counter = counter
    counter.busy = True
    counter.kept = 0
    try:
        value = _scan(counter.scan, text)
    finally:
        counter.busy = False
    if counter.kept != members:  # fewer members kept than written: a name repeats; say which
        value = _scan(_PAIRS_SCANNER, text)
    return value


def _lone_surrogate(text: str, start: int) -> _Reject:
    return _Reject(
        "json.lone_surrogate", f"string contains a lone surrogate \\u{ord(text[start]):04x}"
    )


# isinstance with a tuple: ``bytes | bytearray | memoryview`` would build a union on every call
# (about 0.1 us each, twice per order event).
_BINARY = (bytes, bytearray, memoryview)


def _parse(raw: str | bytes) -> object:
    if isinstance(raw, _BINARY):
        data = bytes(raw)
        if _c_structure is not None:
            value = _fast_read(data)
            if value is not _UNDECIDED:
                return value
        if data.startswith(b"\xef\xbb\xbf"):
            raise _Reject("json.encoding", "JSON text must not start with a byte order mark")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _Reject(
                "json.encoding",
                f"bytes are not UTF-8 (invalid byte at offset {exc.start})",
                data[exc.start : exc.start + 4].hex(),
            ) from None
    elif isinstance(raw, str):
        text = raw
        if text.startswith(_BOM):
            raise _Reject("json.encoding", "JSON text must not start with a byte order mark")
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise _lone_surrogate(text, exc.start) from None
        if _c_structure is not None:
            value = _fast_read(data)
            if value is not _UNDECIDED:
                return value
    else:
        raise _Reject(
            "json.type",
            f"expected JSON text as str or bytes, got {type(raw).__name__}",
            None,
        )
    if b"\\" in data and _escape_heavy(data):
        value = _read_escaped(text)
        if value is not _UNDECIDED:
            return value
    structure = _outside_strings(data)
    if _too_deep(structure):
        raise _Reject("json.depth", f"JSON nests deeper than {MAX_DEPTH} levels")
    try:
        value = _decode(text, structure.count(b":"))
    except json.JSONDecodeError as exc:
        raise _Reject(
            "json.syntax",
            f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
            text[max(exc.pos - 10, 0) : exc.pos + 10],
        ) from None
    except RecursionError:
        raise _Reject("json.depth", f"JSON nests deeper than {MAX_DEPTH} levels") from None
    except ValueError:  # int() past CPython's digit limit: far outside int64
        message = _range_message("of more than 4,300 digits")
        raise _Reject("json.integer_range", message) from None
    # \uD800-\uDFFF escapes may be unpaired (a one-byte search first: memchr is fast).
    if b"\\" in data and (b"\\ud" in data or b"\\uD" in data):
        dumped = json.dumps(value, ensure_ascii=False)
        try:
            dumped.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise _lone_surrogate(dumped, exc.start) from None
    return value


def _fast_read(data: bytes) -> Any:
    """The value of *data* read by msgspec and proven, or `_UNDECIDED` (the code above decides).

    msgspec refuses what RFC 8259 refuses (syntax, bytes that are not UTF-8, a byte order mark,
    NaN and Infinity, numbers past the double range, lone surrogates) and builds the value
    directly (no intermediate document: peak memory below json.loads's), but keeps the last of
    duplicate member names, nests as deep as the interpreter lets it and returns integers of
    any size. So the C pass over the bytes counts the members written and bounds the depth
    first, and the C walk of the result checks the int64 range and counts the members kept: a
    name written twice leaves fewer kept than written."""
    written = _c_structure(data)
    if written < 0:
        return _UNDECIDED
    try:
        value = _fast_decode(data) if _fast_decode is not None else _first_decode(data)
    except (ValueError, RecursionError):  # msgspec.DecodeError is a ValueError
        return _UNDECIDED
    if _c_clean(value) != written:
        return _UNDECIDED
    return value


#: msgspec's decoder, imported on the first read (it costs import time: about as much as
#: the rest of `dealerbridge._json`'s imports together, and `import dealerbridge` does not read).
_fast_decode: Any = None


def _first_decode(data: bytes) -> Any:
    global _fast_decode
    import msgspec.json

    _fast_decode = msgspec.json.Decoder().decode
    return _fast_decode(data)


# Escape-heavy text (an envelope whose member is a document stringified into it, like the
# order event's ``payload``): the byte passes above cost about 1 ns per byte there (``bytes``
# searches for a backslash needle slow down when backslashes are everywhere), 3x json.loads on
# the example event, while such text has little structure outside its strings. So it is read
# the other way round: the pairs scanner (duplicates named at once) first, then a walk of the
# result, linear in its containers and strings, for the depth and for lone surrogates. It only
# ever accepts: any problem at all sends the text to the byte passes above, which decide and
# name it, so both ways give one verdict.
_SAMPLE = 1024  # bytes looked at: the start of an envelope holds its stringified member
_UNDECIDED: Any = object()


def _escape_heavy(data: bytes) -> bool:
    """More than one backslash per 32 bytes at the start of *data*."""
    return data.count(b"\\", 0, _SAMPLE) * 32 > min(len(data), _SAMPLE)


def _read_escaped(text: str) -> Any:
    """The value of *text* read by the scanner first, or `_UNDECIDED` on any problem."""
    try:
        value = _scan(_PAIRS_SCANNER, text)
    except (_Reject, ValueError, RecursionError):  # JSONDecodeError is a ValueError
        return _UNDECIDED
    return value if _plain(value) else _UNDECIDED


def _plain(value: object) -> bool:
    """Whether a value the scanner returned nests at most `MAX_DEPTH` levels and holds no lone
    surrogate (in a string or a member name): level by level, no recursion."""
    t_str, t_dict, t_list = str, dict, list
    unusual: list[str] = []  # strings that are not ASCII (isascii is O(1) on str)
    level: list[Any] = [value]
    depth = 0
    while True:
        following: list[Any] = []
        extend = following.extend
        containers = False
        for item in level:
            kind = type(item)
            if kind is t_str:
                if not item.isascii():
                    unusual.append(item)
            elif kind is t_dict:
                containers = True
                extend(item.values())
                if not "".join(item).isascii():
                    unusual.extend(item)
            elif kind is t_list:
                containers = True
                extend(item)
        if containers:
            depth += 1
            if depth > MAX_DEPTH:
                return False
        if not following:
            break
        level = following
    return not unusual or _strings_ok(unusual)


# --------------------------------------------------------------------------- value check

#: What `check_value` accepts: exactly the types `parse_json` returns (subclasses included,
#: since ``json.dumps`` writes them as their base type), ints within `INT_MIN`..`INT_MAX`,
#: finite floats, str without surrogates, dicts with str keys, lists, nesting up to
#: `MAX_DEPTH`. Rejected as ``json.type``: tuple, set, frozenset, bytes, bytearray, Decimal,
#: date/datetime, NaN and infinities, non-str dict keys, models and any other object;
#: ``json.integer_range`` for ints outside int64; ``json.lone_surrogate``; ``json.depth`` for
#: deeper nesting and for a value that contains itself.
_MAX_ISSUES = 20


def check_value(value: object) -> list[Issue]:
    """The issues that make *value* something other than a JSON value `parse_json` could have
    returned (``[]`` when it is one). Linear in the size of the value (its Python object
    graph: a container reused at several places is walked once per depth), no recursion."""
    # The C walk answers for a plain value; -1 means `_clean` would say no too (a subclass,
    # too deep, out of range), -2 that it counted past MAX_EXPANDED_VALUES: `_clean` decides.
    verdict = _c_clean(value) if _c_clean is not None else -2
    if verdict >= 0:
        return []
    if verdict == -2:
        try:
            if _clean(value):
                return []
        except Exception:  # a hostile subclass (a __hash__ or __eq__ that raises): look closely
            pass
    found = _find(value)
    if not found:  # a valid value that reuses containers: how big is it written out?
        found = _expansion_issues(value)
    return found


def _expansion_issues(value: object) -> list[Issue]:
    size = _expanded_size(value)
    if size <= MAX_EXPANDED_VALUES:
        return []
    message = (
        f"the value reuses containers and expands to more than {MAX_EXPANDED_VALUES:,} "
        "values (dealerbridge.MAX_EXPANDED_VALUES)"
    )
    return [issue("", "json.size", message)]


def _expanded_size(value: object) -> int:
    """The number of values *value* has when written out (a reused container counts each
    time it appears), capped just past `MAX_EXPANDED_VALUES`. One visit per container (its
    size is remembered by id), no recursion; *value* has passed `_find` (no cycle)."""
    cap = MAX_EXPANDED_VALUES + 1
    sizes: dict[int, int] = {}
    stack: list[tuple[bool, Any]] = [(False, value)]
    while stack:
        done, item = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        if done:
            total = 1
            for child in children:
                if isinstance(child, dict | list):
                    total += sizes[id(child)]
                else:
                    total += 1
            sizes[id(item)] = min(total, cap)
            continue
        if not isinstance(item, dict | list) or id(item) in sizes:
            continue
        stack.append((True, item))
        stack.extend((False, c) for c in children if isinstance(c, dict | list))
    return sizes.get(id(value), 1)


def _strings_ok(strings: list[str]) -> bool:
    joined = "".join(strings)
    if joined.isascii():
        return True
    try:
        joined.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _clean(value: object) -> bool:
    """Fast verdict: a plain loop, level by level, type constants in local variables
    (measured faster than C-speed tricks with map/compress on payload-sized values); False
    sends to `_find`, which explains. Member names and string contents are not looked at here:
    the validator rejects a non-str member name or a lone surrogate itself (``json.type``), and
    ``json.dumps`` writes both."""
    t_str, t_dict, t_list, t_int, t_float = str, dict, list, int, float
    t_none, t_bool, low, high = type(None), bool, INT_MIN, INT_MAX
    level: list[Any] = [value]
    depth = 0
    containers: set[int] = set()
    add = containers.add
    count = 0
    while True:
        following: list[Any] = []
        extend = following.extend
        before = count
        for item in level:
            kind = type(item)
            # Strings and nulls first: most values of a payload (the 50-job order: 3,279
            # strings and 773 nulls of 4,611 values); testing null before the containers
            # made the check 6-8% faster on the myKaarma orders.
            if kind is t_str or kind is t_none:
                continue
            if kind is t_dict:
                extend(item.values())
                add(id(item))
                count += 1
            elif kind is t_list:
                extend(item)
                add(id(item))
                count += 1
            elif kind is t_int:
                if not low <= item <= high:
                    return False
            elif kind is t_float:
                if item - item != 0.0:  # NaN and infinities
                    return False
            elif kind is not t_bool:
                return False
        if count != before:  # this level holds containers: one more level of nesting
            depth += 1
            if depth > MAX_DEPTH or len(containers) != count:
                return False  # too deep, or a shared or cyclic container: the careful walk decides
        if not following:
            return True
        level = following


def _leaf_issue(item: object, path: list[str | int]) -> Issue | None:
    if isinstance(item, bool) or item is None:
        return None
    if isinstance(item, int):
        if INT_MIN <= item <= INT_MAX:
            return None
        where = pointer(path)
        return issue(where, "json.integer_range", _range_message(render_value(item)), item)
    if isinstance(item, float):
        if math.isfinite(item):
            return None
        return issue(pointer(path), "json.type", f"{render_value(item)} is not a JSON number", item)
    if isinstance(item, str):
        if _strings_ok([item]):
            return None
        message = "string contains a lone surrogate (it cannot be written as UTF-8)"
        return issue(pointer(path), "json.lone_surrogate", message, None)
    return _not_json(item, path)


def _not_json(item: object, path: list[str | int]) -> Issue:
    return issue(
        pointer(path),
        "json.type",
        f"{render_value(item, personal=True)} is not a JSON value",  # may hold a name
        None,
    )


_ENTER, _LEAVE = 0, 1


def _find(value: object) -> list[Issue]:
    """Careful walk with paths: every problem (up to 20), cycles and shared containers."""
    found: list[Issue] = []
    path: list[str | int] = []
    on_path: set[int] = set()
    done: set[tuple[int, int]] = set()  # (container id, depth) already walked
    stack: list[tuple[int, str | int, Any, int]] = [(_ENTER, "", value, 0)]
    while stack and len(found) < _MAX_ISSUES:
        action, key, item, depth = stack.pop()
        if action == _LEAVE:
            on_path.discard(id(item))
            if depth:
                path.pop()
            continue
        if depth:
            path.append(key)
        if isinstance(item, dict | list):
            if id(item) in on_path:
                found.append(issue(pointer(path), "json.depth", "the value contains itself"))
            elif depth >= MAX_DEPTH:
                message = f"arrays and objects nest deeper than {MAX_DEPTH} levels"
                found.append(issue(pointer(path), "json.depth", message))
            elif (id(item), depth) not in done:
                done.add((id(item), depth))
                on_path.add(id(item))
                stack.append((_LEAVE, key, item, depth))
                stack.extend(reversed(_children(item, depth + 1, path, found)))
                continue
        else:
            problem = _leaf_issue(item, path)
            if problem is not None:
                found.append(problem)
        if depth:
            path.pop()
    return found


def _children(
    item: dict[Any, Any] | list[Any], depth: int, path: list[str | int], found: list[Issue]
) -> list[tuple[int, str | int, Any, int]]:
    if isinstance(item, list):
        return [(_ENTER, index, child, depth) for index, child in enumerate(item)]
    children: list[tuple[int, str | int, Any, int]] = []
    for name, child in item.items():
        if not isinstance(name, str):
            message = f"member name {render_value(name, personal=True)} is not a string"
            found.append(issue(pointer(path), "json.type", message))
        elif not _strings_ok([name]):
            message = "a member name contains a lone surrogate"
            found.append(issue(pointer(path), "json.lone_surrogate", message))
        else:
            children.append((_ENTER, name, child, depth))
    return children


# --------------------------------------------------------------------------- files

_SPECIAL = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def open_regular_file(path: str | bytes | os.PathLike[str]) -> IO[bytes]:
    """*path* opened for binary reading, if it names a regular file (symbolic links followed).

    A directory, FIFO, socket or device raises `DealerbridgeUsageError`, and so does a path
    that cannot be opened (missing, no permission). The file is opened without blocking
    (``O_NONBLOCK``) and checked on the open descriptor, so a FIFO with no writer is refused
    at once instead of waiting forever, and nothing can swap the file between the check and
    the read."""
    if not isinstance(path, str | bytes | os.PathLike):
        raise DealerbridgeUsageError(f"expected a file path, got {type(path).__name__}")
    shown = _shown(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as exc:
        raise DealerbridgeUsageError(f"cannot read {shown}: {exc.strerror or exc}") from None
    except (TypeError, ValueError) as exc:  # a NUL inside the path, a PathLike gone wrong
        raise DealerbridgeUsageError(f"cannot read {shown}: {exc}") from None
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            kind = next((name for test, name in _SPECIAL if test(mode)), "not a regular file")
            raise DealerbridgeUsageError(f"cannot read {shown}: {kind}, not a regular file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def read_regular_file(path: str | bytes | os.PathLike[str]) -> bytes:
    """The bytes of the regular file at *path* (`open_regular_file` says what is refused)."""
    with open_regular_file(path) as handle:
        try:
            return handle.read()
        except OSError as exc:
            message = f"cannot read {_shown(path)}: {exc.strerror or exc}"
            raise DealerbridgeUsageError(message) from None


def _shown(path: str | bytes | os.PathLike[str] | os.PathLike[bytes]) -> str:
    """*path* as text for a message: bytes a file name holds that are not UTF-8 as ``\\xff``."""
    try:
        return os.fsencode(path).decode("utf-8", "backslashreplace")
    except (TypeError, ValueError):
        return repr(path)

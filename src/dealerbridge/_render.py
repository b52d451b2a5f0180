"""One renderer for values shown in text, and the redaction switch it obeys.

Every message dealerbridge writes (issue messages, ``repr`` of `Issue` and `ValidationError`,
warnings, helper messages, the CLI) shows values through `render_value`. Its promises:

- it never raises, whatever the value's type or size (a 5,000-digit integer, a cyclic list, an
  object whose ``repr`` raises);
- while redaction is on (`redaction`, or ``DEALERBRIDGE_REDACT=1`` when no block decides), it
  shows only the JSON type (``<redacted string>``), never the value;
- it escapes what cannot be seen or is easily mistaken for something else: control and format
  characters, every space other than U+0020 (``"RO\\u00a048213"``, not ``"RO 48213"``), line
  and paragraph separators, unassigned and private-use code points, surrogates, combining
  marks, and compatibility look-alikes (a character NFKC changes: fullwidth ``Ｒ``, ``①``);
  other letters (``é``, ``ü``, Cyrillic) are shown as they are;
- it shortens a long value in the middle and says its length (``"abc…xyz" (5000
  characters)``).

The switch is a `contextvars.ContextVar`: a ``with redaction(...)`` block affects only the
thread or asyncio task that runs it (a new task starts with a copy of its creator's setting).
"""

from __future__ import annotations

import contextvars
import itertools
import math
import os
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Literal, TypeAlias

import attrs

__all__ = [
    "REDACTED_NAME",
    "REDACTION_LEVELS",
    "RedactionLevel",
    "as_level",
    "covers",
    "escape_segment",
    "escape_text",
    "hides",
    "level_from_env",
    "redact_names",
    "redaction",
    "redaction_enabled",
    "redaction_level",
    "render_name",
    "render_value",
    "shorten",
    "unescape_segment",
]

#: Longest rendering, in characters, before a value is shortened in the middle.
MAX_SHOWN = 60
#: What replaces a member name the schema does not define, in messages and paths, under
#: redaction (a member name can itself be personal data: an e-mail address used as a key).
REDACTED_NAME = "<redacted name>"

RedactionLevel: TypeAlias = Literal["off", "pii", "all"]
"""How much `render_value` hides: ``"off"`` nothing, ``"pii"`` personal data (the default),
``"all"`` every value."""

#: The levels, from the one that hides least to the one that hides most.
REDACTION_LEVELS: tuple[RedactionLevel, ...] = ("off", "pii", "all")
_RANK = {level: rank for rank, level in enumerate(REDACTION_LEVELS)}

#: ``DEALERBRIDGE_REDACT`` words for each level (compared case-insensitively, spaces stripped).
#: Unset or empty is ``pii``; any other word is ``all`` (an unknown word fails closed).
_ENV_WORDS: dict[str, RedactionLevel] = {
    "": "pii",
    "pii": "pii",
    "off": "off",
    "0": "off",
    "false": "off",
    "all": "all",
    "1": "all",
    "true": "all",
}

_redact: contextvars.ContextVar[RedactionLevel | None] = contextvars.ContextVar(
    "dealerbridge_redact", default=None
)


def level_from_env(text: str | None) -> RedactionLevel:
    """The level a ``DEALERBRIDGE_REDACT`` value asks for: unset or ``""``/``pii`` is
    ``"pii"``; ``off``, ``0``, ``false`` is ``"off"``; ``all``, ``1``, ``true`` and any other
    word is ``"all"`` (a word we do not know hides everything rather than nothing)."""
    return _ENV_WORDS.get((text or "").strip().lower(), "all")


def redaction_level() -> RedactionLevel:
    """The level in force: the innermost ``with redaction(...)`` block of this thread or task,
    else ``DEALERBRIDGE_REDACT`` (read at each call), else ``"pii"``."""
    level = _redact.get()
    if level is None:
        return level_from_env(os.environ.get("DEALERBRIDGE_REDACT"))
    return level


def hides(personal: bool = False) -> bool:
    """Whether a value is hidden at the level in force: every value under ``"all"``, personal
    ones (names, phones, e-mails, addresses, plates, VINs, notes, unknown members) under
    ``"pii"``, none under ``"off"``."""
    level = redaction_level()
    return level == "all" or (personal and level == "pii")


def redaction_enabled() -> bool:
    """True when every value must be kept out of messages (level ``"all"``: inside
    ``with redaction()``, or ``DEALERBRIDGE_REDACT=all``/``1``/``true``)."""
    return redaction_level() == "all"


def as_level(level: RedactionLevel | bool | None) -> RedactionLevel:
    """*level* checked: a level name, or a bool as before levels existed (``True`` is
    ``"all"``, ``False`` is ``"off"``); ``None`` is the level in force. Anything else is a
    `DealerbridgeUsageError`."""
    if level is None:
        return redaction_level()
    if level is True:
        return "all"
    if level is False:
        return "off"
    if isinstance(level, str) and level in _RANK:
        return level
    from ._errors import DealerbridgeUsageError

    raise DealerbridgeUsageError(
        f"redaction level must be one of 'off', 'pii', 'all' (or a bool), got {_render(level, 30)}"
    )


def covers(written: RedactionLevel, shown: RedactionLevel) -> bool:
    """Whether text written at level *written* may be shown at level *shown*: it hid at least
    as much."""
    return _RANK[written] >= _RANK[shown]


@contextmanager
def redaction(level: RedactionLevel | bool | None = "all") -> Iterator[None]:
    """Set the redaction level for messages built inside this block, whatever the environment
    says: ``"all"`` (the default, and ``True``) hides every payload value, ``"pii"`` hides
    personal data and member names no schema defines, ``"off"`` (and ``False``) shows
    everything (local debugging only); ``None`` lets ``DEALERBRIDGE_REDACT`` decide again
    (undoing an enclosing block). Any other value is a `DealerbridgeUsageError`.

    The setting is held in a context variable: other threads and asyncio tasks are not
    affected (pass it on to worker processes yourself, as `dealerbridge.batch` and the CLI
    do).
    """
    token = _redact.set(None if level is None else as_level(level))
    try:
        yield
    finally:
        _redact.reset(token)


_SIMPLE_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _needs_escape(char: str) -> bool:
    if char in _SIMPLE_ESCAPES:
        return True
    if char.isprintable():  # excludes Cc, Cf, Cs, Co, Cn, Zl, Zp and Zs other than " "
        if unicodedata.category(char) in ("Mn", "Me"):  # combining marks sit on neighbours
            return True
        # compatibility look-alikes: fullwidth "Ｒ", "①", ligatures, superscripts (but not the
        # ellipsis this module writes where it shortens a value)
        return char != "…" and unicodedata.normalize("NFKC", char) != char
    return True


def _escape_char(char: str) -> str:
    simple = _SIMPLE_ESCAPES.get(char)
    if simple is not None:
        return simple
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def escape_text(text: str, *, quote: bool = False) -> str:
    """*text* with invisible and look-alike characters escaped (``\\u00a0``); with
    ``quote``, also ``"`` and ``\\``, for showing inside double quotes."""
    plain = text.isascii() and text.isprintable()
    if plain and (not quote or ('"' not in text and "\\" not in text)):
        return text
    out = []
    for char in text:
        if char in ('"', "\\") and not quote:
            out.append(char)
        elif _needs_escape(char):
            out.append(_escape_char(char))
        else:
            out.append(char)
    return "".join(out)


def shorten(text: str, limit: int = MAX_SHOWN, *, unit: str = "characters") -> str:
    """*text* cut in the middle when longer than *limit*, with its length said."""
    if len(text) <= limit:
        return text
    keep = max(limit // 2 - 2, 4)
    return f"{text[:keep]}…{text[-keep:]} ({len(text)} {unit})"


def _string(value: str, limit: int) -> str:
    if len(value) <= limit:
        return f'"{escape_text(value, quote=True)}"'
    keep = max(limit // 2 - 2, 4)
    head = escape_text(value[:keep], quote=True)
    tail = escape_text(value[-keep:], quote=True)
    return f'"{head}…{tail}" ({len(value)} characters)'


_SMALL_INT = 10**40


def _integer(value: int) -> str:
    if -_SMALL_INT < value < _SMALL_INT:
        return str(value)
    # str() of a huge int is slow and refused past 4,300 digits: give the size and the tail.
    digits = int(abs(value).bit_length() * math.log10(2)) + 1
    tail = str(abs(value) % 10**12).zfill(12)
    sign = "-" if value < 0 else ""
    return f"{sign}…{tail} (an integer of about {digits} digits)"


def json_type(value: object) -> str:
    """The JSON type name of a Python value, or its Python type name when it is not JSON."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    try:
        return type(value).__name__
    except Exception:  # pragma: no cover - a type without a name
        return "value"


def render_value(value: object, *, limit: int = MAX_SHOWN, personal: bool = False) -> str:
    """A short JSON-like rendering of *value* for messages, or ``<redacted TYPE>``.

    ``personal=True`` marks the value as personal data (a name, phone, e-mail, address,
    plate, VIN or free-text note): callers that know it say so, so that redaction levels
    can hide personal data while keeping other values visible.

    Never raises. Strings are quoted with invisible characters escaped; containers are shown
    up to about *limit* characters, then ``…`` and their size; values that are not JSON show
    their Python type and a shortened, escaped ``repr``.
    """
    try:
        if hides(personal):
            return f"<redacted {json_type(value)}>"
        return _render(value, limit)
    except Exception:  # pragma: no cover - defensive: rendering must never fail
        return "<value that cannot be shown>"


def _render(value: object, limit: int) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return _string(value, limit)
    if isinstance(value, int):
        return _integer(int(value))
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return repr(value)
    if isinstance(value, list | dict):
        return _container(value, limit)
    return _foreign(value, limit)


def _foreign(value: object, limit: int) -> str:
    name = json_type(value)
    # Large collections and byte strings: show the start only, never the whole repr.
    if isinstance(value, tuple | set | frozenset):
        head = _container(list(itertools.islice(value, limit // 2)), limit)
        return f"<{name} of {len(value)} items: {head}>"
    if isinstance(value, bytes | bytearray):
        shown = escape_text(shorten(repr(bytes(value[: limit // 2])), limit))
        return f"<{name} of {len(value)} bytes: {shown}>"
    try:
        text = repr(value)
    except Exception:
        return f"<{name} object>"
    if not isinstance(text, str):  # pragma: no cover - a broken __repr__
        return f"<{name} object>"
    return f"<{name}: {escape_text(shorten(text, limit))}>"


def _container(value: list[object] | dict[object, object], limit: int) -> str:
    """JSON-like text of a list or dict, cut after about *limit* characters (never walks
    further, so size, depth and cycles do not matter)."""
    parts: list[str] = []
    used = 0
    # a stack of iterators; each yields text pieces
    stack: list[Iterator[object]] = [iter([value])]
    closers: list[str] = []
    cut = False
    first: list[bool] = []
    while stack:
        if used > limit:
            cut = True
            break
        try:
            item = next(stack[-1])
        except StopIteration:
            stack.pop()
            if closers:
                piece = closers.pop()
                first.pop()
                parts.append(piece)
                used += 1
            continue
        key: object = None
        has_key = False
        if isinstance(item, tuple) and len(item) == 3 and item[0] is _KEYED:
            has_key, key, item = True, item[1], item[2]
        if first:
            if not first[-1]:
                parts.append(", ")
                used += 2
            first[-1] = False
        if has_key:
            text = _string(key, 20) if isinstance(key, str) else render_value(key, limit=20)
            parts.append(text + ": ")
            used += len(text) + 2
        if isinstance(item, list):
            parts.append("[")
            used += 1
            stack.append(iter(item))
            closers.append("]")
            first.append(True)
        elif isinstance(item, dict):
            parts.append("{")
            used += 1
            stack.append(((_KEYED, k, v) for k, v in item.items()))
            closers.append("}")
            first.append(True)
        else:
            text = _render(item, 20)
            parts.append(text)
            used += len(text)
    text = "".join(parts)
    if not cut:
        return text
    size = len(value)
    kind = f"array of {size} items" if isinstance(value, list) else f"object of {size} members"
    return f"{text[:limit]}… ({kind})"


_KEYED = object()


def render_name(name: object, defined: bool = True) -> str:
    """A member name for a message, in single quotes with invisible characters escaped; under
    redaction a name the schema does not define (*defined* false) becomes `REDACTED_NAME`."""
    if not defined and hides(personal=True):
        return REDACTED_NAME
    if isinstance(name, str):
        return "'" + escape_text(shorten(name)) + "'"
    return render_value(name)


def unescape_segment(segment: str) -> str:
    """One JSON Pointer reference token read (RFC 6901): ``~1`` is ``/``, then ``~0`` is ``~``
    (in that order, so ``~01`` is ``~1``)."""
    return segment.replace("~1", "/").replace("~0", "~")


def escape_segment(segment: str) -> str:
    """One JSON Pointer reference token written (RFC 6901): ``~`` as ``~0``, ``/`` as ``~1``."""
    return segment.replace("~", "~0").replace("/", "~1")


def redact_names(
    issues: list[Any], instance: object, defined_names: Callable[[], frozenset[str]]
) -> list[Any]:
    """Under redaction, *issues* with every member name the schema does not define replaced
    by `REDACTED_NAME` in the path and the message; otherwise *issues* unchanged.

    A path segment is a member name when the value at that point of *instance* is an object
    (so an array index is never taken for one, and a name made of digits is); it is defined
    when some schema in the registry lists it under ``properties``, except the member an
    ``additionalProperties`` issue reports, which is undefined where it stands.
    *defined_names* gives that set (`SchemaRegistry.member_names`); it is called only when
    there is something to redact."""
    if not issues or not hides(personal=True):
        return issues
    defined = defined_names()
    out = []
    for item in issues:
        segments = [unescape_segment(part) for part in item.path.split("/")[1:]]
        node = instance
        hidden: list[str] = []
        parts = []
        for position, segment in enumerate(segments):
            if isinstance(node, dict):
                last = position == len(segments) - 1
                undefined = segment not in defined or (last and item.code == "additionalProperties")
                node = node.get(segment)
                if undefined:
                    hidden.append(segment)
                    parts.append(REDACTED_NAME)
                    continue
            elif isinstance(node, list) and segment.isdigit() and int(segment) < len(node):
                node = node[int(segment)]
            elif not isinstance(node, list) and not segment.isdigit() and segment not in defined:
                hidden.append(segment)  # inside a decoded string: names are not digits
                parts.append(REDACTED_NAME)
                continue
            else:
                node = None
            parts.append(escape_segment(segment))
        if not hidden:
            out.append(item)
            continue
        message = item.message
        for name in hidden:
            message = message.replace(f"'{name}'", REDACTED_NAME)
        path = "".join("/" + part for part in parts)
        out.append(attrs.evolve(item, path=path, message=message))
    return out

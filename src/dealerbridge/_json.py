"""Strict JSON reader: RFC 8259 plus the I-JSON (RFC 7493) restrictions."""

from __future__ import annotations

import json
import re
from typing import Any

from ._errors import ValidationError, describe_value, issue

__all__ = ["MAX_DEPTH", "parse_json"]

#: Deepest nesting of arrays and objects accepted. Vendor payloads nest about 10 deep.
MAX_DEPTH = 64

_BOM = "\ufeff"
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_INT_CHUNK = 4000  # below CPython's default int max_str_digits (4300)


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
                    f"member name {describe_value(key)} appears more than once in one object",
                    key,
                )
            seen.add(key)
    return result


def _constant(name: str) -> Any:
    raise _Reject("json.non_finite", f"{name} is not a JSON number", name)


def _float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise _Reject("json.non_finite", f"number {text[:40]} is outside the IEEE 754 range", text)
    return value


def _big_int(text: str) -> int:
    """int() for any length, without touching the process-wide digit limit."""
    if len(text) <= _INT_CHUNK:
        return int(text)
    negative = text.startswith("-")
    digits = text[1:] if negative else text
    value = 0
    for start in range(0, len(digits), _INT_CHUNK):
        chunk = digits[start : start + _INT_CHUNK]
        value = value * 10 ** len(chunk) + int(chunk)
    return -value if negative else value


def _depth(text: str) -> int:
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return 0  # cannot be deeper than the limit
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    depth = deepest = 0
    for char in brackets:
        if char in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
        else:
            depth -= 1
    return deepest


def _check_strings(value: Any) -> None:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            _encodable(item)
        elif isinstance(item, dict):
            for key, child in item.items():
                _encodable(key)
                stack.append(child)
        elif isinstance(item, list):
            stack.extend(item)


def _encodable(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise _Reject(
            "json.lone_surrogate",
            f"string contains a lone surrogate \\u{ord(text[exc.start]):04x}",
            None,
        ) from None


def parse_json(raw: str | bytes) -> object:
    """Parse *raw* as strict JSON (RFC 8259 + I-JSON) and return the Python value.

    Rejected, each as a `ValidationError` at path ``""``: bytes that are not UTF-8 (or start
    with a BOM), text that is not JSON, duplicate member names, ``NaN``/``Infinity`` and numbers
    beyond the double range, lone surrogates (escaped or not), and nesting deeper than
    `MAX_DEPTH`. Integers of any size are kept exactly; top-level scalars are allowed.
    No exception type other than `ValidationError` escapes.
    """
    try:
        return _parse(raw)
    except _Reject as exc:
        raise ValidationError([issue("", exc.code, exc.message, exc.value)]) from None


def _parse(raw: str | bytes) -> object:
    if isinstance(raw, bytes | bytearray | memoryview):
        data = bytes(raw)
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
        if not text.isascii():
            _encodable(text)
    else:
        raise _Reject(
            "json.type",
            f"expected JSON text as str or bytes, got {type(raw).__name__}",
            None,
        )
    if _depth(text) > MAX_DEPTH:
        raise _Reject("json.depth", f"JSON nests deeper than {MAX_DEPTH} levels")
    try:
        value = json.loads(
            text, object_pairs_hook=_pairs, parse_constant=_constant, parse_float=_float
        )
    except json.JSONDecodeError as exc:
        raise _Reject(
            "json.syntax",
            f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
            text[max(exc.pos - 10, 0) : exc.pos + 10],
        ) from None
    except RecursionError:
        raise _Reject("json.depth", f"JSON nests deeper than {MAX_DEPTH} levels") from None
    except ValueError as exc:
        if "int" not in str(exc) and "digits" not in str(exc):
            raise _Reject("json.syntax", f"not valid JSON: {exc}") from None
        value = json.loads(
            text,
            object_pairs_hook=_pairs,
            parse_constant=_constant,
            parse_float=_float,
            parse_int=_big_int,
        )
    if "\\u" in text:
        _check_strings(value)
    return value

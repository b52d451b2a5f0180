"""Errors and warnings raised by dealerbridge.

Exception hierarchy::

    Exception
    ├── ValueError
    │   └── ValidationError      bad data: every problem as an Issue with a wire path
    └── DealerbridgeUsageError   the library was used wrongly (unknown schema, not a model)
        └── (also a LookupError for unknown schema names: UnknownSchemaError)

    Warning
    └── DealerbridgeWarning      inbound data tolerated but worth knowing about
        └── UnknownEnumValueWarning
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import attrs

__all__ = [
    "DealerbridgeUsageError",
    "DealerbridgeWarning",
    "Issue",
    "UnknownEnumValueWarning",
    "UnknownSchemaError",
    "ValidationError",
    "redaction",
    "redaction_enabled",
]

_MAX_SHOWN = 60

_redact_state = threading.local()


def redaction_enabled() -> bool:
    """True when values must be kept out of messages (``DEALERBRIDGE_REDACT=1`` or `redaction`)."""
    flag = getattr(_redact_state, "on", None)
    if flag is None:
        return os.environ.get("DEALERBRIDGE_REDACT", "") not in ("", "0", "false")
    return bool(flag)


@contextmanager
def redaction(enabled: bool = True) -> Iterator[None]:
    """Keep payload values (names, phones, VINs) out of issue messages inside this block."""
    previous = getattr(_redact_state, "on", None)
    _redact_state.on = enabled
    try:
        yield
    finally:
        _redact_state.on = previous


def describe_value(value: object) -> str:
    """A short, JSON-like rendering of *value* for messages (or a redacted placeholder)."""
    if redaction_enabled():
        return f"<redacted {_json_type(value)}>"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 256:
        return f"<integer of {value.bit_length()} bits>"
    import json

    try:
        text = json.dumps(value, ensure_ascii=False, default=repr)
    except (ValueError, RecursionError):  # pragma: no cover - circular or odd values
        text = repr(value)
    if len(text) > _MAX_SHOWN:
        text = text[: _MAX_SHOWN - 3] + "..."
    return text


def _json_type(value: object) -> str:
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
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


@attrs.frozen
class Issue:
    """One problem found in a payload.

    ``path`` is an RFC 6901 JSON Pointer into the instance using wire key names (a missing
    member's issue points at the member itself); ``code`` comes from the table in
    ``dealerbridge.ISSUE_CODES``; ``message`` is one sentence naming the field, the rule and the
    value found; ``value`` is the offending value (``None`` for a missing member).
    """

    path: str
    code: str
    message: str
    value: Any = None
    severity: str = "error"

    def to_dict(self, *, include_value: bool | None = None) -> dict[str, Any]:
        """A plain, JSON-serialisable dict. Values are left out while redaction is on."""
        if include_value is None:
            include_value = not redaction_enabled()
        out: dict[str, Any] = {
            "path": self.path,
            "code": self.code,
            "message": self.message,
            "severity": self.severity,
        }
        if include_value:
            out["value"] = self.value
        return out

    def __str__(self) -> str:
        return f"{self.path or '/'}: {self.message} [{self.code}]"


class ValidationError(ValueError):
    """The payload is invalid. ``issues`` holds every problem found, not only the first."""

    issues: tuple[Issue, ...]

    def __init__(self, issues: Iterable[Issue], *, schema: str | None = None) -> None:
        self.issues = tuple(issues)
        self.schema = schema
        super().__init__(self._text())

    def _text(self) -> str:
        where = f" against {self.schema}" if self.schema else ""
        count = len(self.issues)
        head = f"{count} issue{'s' if count != 1 else ''} found{where}"
        return head + "".join(f"\n  {issue}" for issue in self.issues)

    def __str__(self) -> str:
        return self._text()

    def to_list(self) -> list[dict[str, Any]]:
        return [issue.to_dict() for issue in self.issues]


class DealerbridgeUsageError(Exception):
    """The library was called wrongly (not a data problem)."""


class UnknownSchemaError(DealerbridgeUsageError, LookupError):
    """No schema of that name (or version) is bundled."""


class DealerbridgeWarning(UserWarning):
    """Inbound data was accepted but differs from what the vendor documents."""


class UnknownEnumValueWarning(DealerbridgeWarning):
    """An inbound value is outside the documented enum; it was kept as is."""


def issue(path: str, code: str, message: str, value: object = None) -> Issue:
    """Build an error Issue (helper used across modules)."""
    return Issue(path=path, code=code, message=message, value=value)


def pointer(parts: Iterable[str | int]) -> str:
    """RFC 6901 JSON Pointer from path segments."""
    out = []
    for part in parts:
        out.append("/" + str(part).replace("~", "~0").replace("/", "~1"))
    return "".join(out)

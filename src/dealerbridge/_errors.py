"""Errors and warnings raised by dealerbridge.

Exception hierarchy::

    Exception
    └── DealerbridgeError           root: ``except DealerbridgeError`` catches every error of ours
        ├── ValidationError         bad data (also a ValueError): every problem as an Issue
        └── DealerbridgeUsageError  the library was used wrongly (unknown schema, not a model)
            └── UnknownSchemaError  (also a LookupError) no schema of that name or version

    Warning
    └── DealerbridgeWarning      inbound data tolerated but worth knowing about
        └── UnknownEnumValueWarning

The error contract: a public function or the CLI lets out `ValidationError` for bad data and
`DealerbridgeUsageError` for misuse, and nothing else (messages are built with
`dealerbridge._render.render_value`, which never raises).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from ._render import escape_segment, escape_text, redaction, redaction_enabled, render_value

__all__ = [
    "DealerbridgeError",
    "DealerbridgeUsageError",
    "DealerbridgeWarning",
    "Issue",
    "UnknownEnumValueWarning",
    "UnknownSchemaError",
    "ValidationError",
    "describe_value",
    "redaction",
    "redaction_enabled",
]

#: The renderer under its older name (used by the validation translation).
describe_value = render_value


@attrs.frozen(repr=False)
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
    #: Where the rule lives in the schema (``$id#/json/pointer`` of the failing keyword), or
    #: None for rules outside the schemas (the strict reader, money, vendor functions).
    schema_location: str | None = attrs.field(default=None, kw_only=True)
    #: The stable identifier of the rule broken: the schema keyword (``pattern``), an
    #: ``x-rule-name`` (``advisor-or-assigned-user``), or a vendor function's rule name.
    rule: str | None = attrs.field(default=None, kw_only=True)
    #: The vendor's own code and text when the rule is one the vendor documents with a code
    #: (myKaarma partner error codes, customer warning codes 10001-10016); None otherwise.
    vendor_code: str | None = attrs.field(default=None, kw_only=True)
    vendor_text: str | None = attrs.field(default=None, kw_only=True)
    # Whether the message was written under redaction; one written without it is not shown
    # while redaction is on (it may hold values).
    _redacted: bool = attrs.field(init=False, factory=redaction_enabled, eq=False)

    def _message(self) -> str:
        if self._redacted or not redaction_enabled():
            return self.message
        return "<message written without redaction>"

    def to_dict(self, *, include_value: bool | None = None) -> dict[str, Any]:
        """A plain, JSON-serialisable dict. Values are left out while redaction is on."""
        if include_value is None:
            include_value = not redaction_enabled()
        out: dict[str, Any] = {
            "path": self.path,
            "code": self.code,
            "message": self._message(),
            "severity": self.severity,
        }
        for name in ("schema_location", "rule", "vendor_code", "vendor_text"):
            extra = getattr(self, name)
            if extra is not None:
                out[name] = extra
        if include_value:
            out["value"] = _jsonable(self.value)
        return out

    def __str__(self) -> str:
        return f"{escape_text(self.path) or '/'}: {escape_text(self._message())} [{self.code}]"

    def __repr__(self) -> str:
        # The value goes through the renderer: redacted under redaction, never raising.
        return (
            f"Issue(path={self.path!r}, code={self.code!r}, "
            f"message={self._message()!r}, value={render_value(self.value)}, "
            f"severity={self.severity!r}"
            + "".join(
                f", {name}={getattr(self, name)!r}"
                for name in ("schema_location", "rule", "vendor_code", "vendor_text")
                if getattr(self, name) is not None
            )
            + ")"
        )


def _jsonable(value: object) -> object:
    """*value* when ``json.dumps`` can write it back, else its rendering (a string)."""
    from ._json import check_value

    return render_value(value) if check_value(value) else value


class DealerbridgeError(Exception):
    """Root of every dealerbridge error."""


class ValidationError(DealerbridgeError, ValueError):
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

    def __repr__(self) -> str:
        schema = f", schema={self.schema!r}" if self.schema else ""
        return f"ValidationError([{', '.join(map(repr, self.issues))}]{schema})"

    def to_list(self) -> list[dict[str, Any]]:
        return [issue.to_dict() for issue in self.issues]


class DealerbridgeUsageError(DealerbridgeError):
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
    return "".join("/" + escape_segment(str(part)) for part in parts)

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

import urllib.parse
from collections.abc import Iterable, Mapping
from typing import cast

import attrs

from ._render import (
    RedactionLevel,
    covers,
    escape_segment,
    escape_text,
    hides,
    redaction,
    redaction_enabled,
    redaction_level,
    render_value,
)
from ._types import JSON

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

    An issue is derived (re-rooted under another path, its names redacted) with
    ``attrs.evolve(issue, path=...)``, which keeps every other field, the redaction level its
    message was written at included.
    """

    path: str
    code: str
    message: str
    value: object = None
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
    #: Whether ``value`` is (or may be) personal data: True unless the code that found the
    #: issue knows it is not (the schema's ``x-pii`` says so). Under the ``"pii"`` redaction
    #: level a personal value is hidden in ``repr`` and `to_dict`; a non-personal one is shown.
    personal: bool = attrs.field(default=True, kw_only=True, eq=False)
    #: The redaction level in force when ``message`` was written (see `dealerbridge.redaction`).
    #: A message is shown only at a level that hides no more than it did; at a stricter level
    #: it is replaced by a placeholder (it may hold values the stricter level hides).
    written_under: RedactionLevel = attrs.field(factory=redaction_level, kw_only=True, eq=False)

    def _message(self) -> str:
        shown = redaction_level()
        if covers(self.written_under, shown):
            return self.message
        if self.written_under == "off":
            return "<message written without redaction>"
        return f"<message written at redaction level {self.written_under!r}, shown at {shown!r}>"

    def to_dict(self, *, include_value: bool | None = None) -> dict[str, JSON]:
        """A plain, JSON-serialisable dict. The value is left out when the redaction level in
        force hides it (every value under ``"all"``, a personal one under ``"pii"``)."""
        if include_value is None:
            include_value = not hides(self.personal)
        out: dict[str, JSON] = {
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
            f"message={self._message()!r}, "
            f"value={render_value(self.value, personal=self.personal)}, "
            f"severity={self.severity!r}"
            + "".join(
                f", {name}={getattr(self, name)!r}"
                for name in ("schema_location", "rule", "vendor_code", "vendor_text")
                if getattr(self, name) is not None
            )
            + ")"
        )


def _jsonable(value: object) -> JSON:
    """*value* when ``json.dumps`` can write it back, else its rendering (a string)."""
    from ._json import check_value

    if check_value(value):
        return render_value(value, personal=False)
    return cast(JSON, value)  # just checked: json.dumps can write it


#: Where the problem ``type`` URIs of `DealerbridgeError.to_problem` live (one per code family,
#: described in docs/errors.md; identifiers, never fetched).
PROBLEM_TYPE_BASE = "https://dealerbridge.dev/problems/"

#: Code family -> (title, HTTP status) of a problem-details body. A family is the part of a
#: code before its first ``.`` (``json.syntax`` -> ``json``); the JSON Schema keywords and the
#: schemas' ``x-rule-name`` rules are ``schema``; vendor codes with no dot (a vendor's own error
#: codes) are ``vendor``. 400: the body could not be read; 422: it was read and is invalid.
#: These are the core's families; the packages above it add theirs (their code prefixes) with
#: `register_problem_families` from their ``_registration.py`` (the core knows no vendor).
PROBLEM_FAMILIES: dict[str, tuple[str, int]] = {
    "json": ("The body is not acceptable JSON", 400),
    "schema": ("The payload does not follow its schema", 422),
    "money": ("An amount or a cents value is not valid", 422),
    "datetime": ("A date-time is not valid", 422),
    "vendor": ("The payload breaks a rule the vendor documents", 422),
    "validation": ("The payload is not valid", 422),
}


def register_problem_families(families: Mapping[str, tuple[str, int]]) -> None:
    """Add code families (family -> (title, 400 or 422)) to `PROBLEM_FAMILIES`. Registering a
    family again with the same title and status does nothing; with another, or with a malformed
    entry, it is a `DealerbridgeUsageError` (two packages cannot own one family)."""
    if not isinstance(families, Mapping):
        raise DealerbridgeUsageError(f"families must be a mapping, got {type(families).__name__}")
    for family, entry in families.items():
        if (
            not isinstance(family, str)
            or not family
            or "." in family
            or not isinstance(entry, tuple)
            or len(entry) != 2
            or not isinstance(entry[0], str)
            or not entry[0]
            or entry[1] not in (400, 422)
        ):
            raise DealerbridgeUsageError(
                "a problem family is a non-empty name without '.' -> (title, 400 or 422)"
            )
        known = PROBLEM_FAMILIES.get(family)
        if known is not None and known != entry:
            raise DealerbridgeUsageError(f"problem family {family!r} is already registered")
        PROBLEM_FAMILIES[family] = entry


# RFC 3986 fragment characters kept as they are in a problem's ``pointer`` (the rest are
# percent-encoded, as in a URI fragment).
_FRAGMENT_SAFE = "/?:@!$&'()*+,;=-._~"


def code_family(code: str) -> str:
    """The family of an issue code (`PROBLEM_FAMILIES`): ``json.syntax`` -> ``json``,
    ``datetime`` -> ``datetime``, ``pattern`` or ``advisor-or-assigned-user`` -> ``schema``,
    ``INVALID_DEALER_UUID`` -> ``vendor``; an unknown dotted prefix is its own family."""
    head, dot, _ = code.partition(".")
    if dot or head in PROBLEM_FAMILIES:  # "datetime" is a family of one code
        return head
    if code.isupper() or code.isdigit():
        return "vendor"
    return "schema"


class DealerbridgeError(Exception):
    """Root of every dealerbridge error."""

    def problem_issues(self) -> tuple[Issue, ...]:
        """The issues a problem-details body lists (none for an error without issues)."""
        return ()

    def to_problem(self) -> dict[str, JSON]:
        """An RFC 9457 problem-details object for a receiver to return as the body of its
        400 or 422 response (``content-type: application/problem+json``).

        ``type`` is ``PROBLEM_TYPE_BASE`` + the issues' code family (``validation`` when they
        span several), ``title`` that family's title, ``status`` 400 when the body could not
        be read as JSON (``json.*``, ``toml.*``) and 422 otherwise, ``detail`` how many issues
        were found against which schema, and ``errors`` one member per issue: ``pointer`` (the
        issue's path as a URI fragment, ``#/order/header/status``), ``code``, ``rule`` (when
        the issue has one), ``message`` and, for a vendor's code, ``vendor_code``. Messages
        honour the redaction level in force (personal data is hidden by default); values are
        never included."""
        from ._codes import load_registrations  # here: _codes imports this module

        load_registrations()  # the families of the packages above the core
        issues = self.problem_issues()
        families = {code_family(i.code) for i in issues}
        family = families.pop() if len(families) == 1 else "validation"
        if family not in PROBLEM_FAMILIES:
            family = "validation"
        title, status = PROBLEM_FAMILIES[family]
        if any(PROBLEM_FAMILIES.get(code_family(i.code), ("", 422))[1] == 400 for i in issues):
            status = 400
        errors: list[JSON] = []
        for item in issues:
            entry: dict[str, JSON] = {
                "pointer": "#" + urllib.parse.quote(item.path, safe=_FRAGMENT_SAFE),
                "code": item.code,
            }
            if item.rule is not None:
                entry["rule"] = item.rule
            entry["message"] = item._message()
            if item.vendor_code is not None:
                entry["vendor_code"] = item.vendor_code
            errors.append(entry)
        return {
            "type": PROBLEM_TYPE_BASE + family,
            "title": title,
            "status": status,
            "detail": self._problem_detail(),
            "errors": errors,
        }

    def _problem_detail(self) -> str:
        return escape_text(str(self).splitlines()[0] if str(self) else type(self).__name__)


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

    def to_list(self) -> list[dict[str, JSON]]:
        return [issue.to_dict() for issue in self.issues]

    def problem_issues(self) -> tuple[Issue, ...]:
        return self.issues


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

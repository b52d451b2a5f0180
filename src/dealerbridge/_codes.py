"""The issue-code catalogue: the codes the core produces, and the hook through which the
packages above it (the vendor packages, the mapping) register theirs. The core knows no vendor:
a vendor code is defined in its vendor's package (``<package>/_registration.py``), which calls
`register_codes` when it is imported.

`ISSUE_CODES` (``dealerbridge.ISSUE_CODES``) is complete however little was imported: the first
time it is read it imports every module registered under the entry-point group
`ENTRY_POINT_GROUP` (``pyproject.toml`` ``[project.entry-points."dealerbridge.registrations"]``,
one per package), so the core never names a vendor module, not even as a string. Validation
does not need the catalogue (an issue carries its code); it is the documentation of the codes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping

from ._errors import DealerbridgeUsageError

__all__ = [
    "ENTRY_POINT_GROUP",
    "ISSUE_CODES",
    "IssueCodes",
    "load_registrations",
    "register_codes",
]

#: The entry-point group of the packages that register codes (installed package metadata).
ENTRY_POINT_GROUP = "dealerbridge.registrations"

#: The codes the core itself produces: schema keywords first (an ``x-rule-name`` of a schema is
#: registered by the package that owns the schema), then the strict JSON reader and the value
#: check, the money helpers and the date-time helpers. Vendor rules answered with the vendor's
#: own code (the myKaarma partner codes, `dealerbridge.mykaarma.PARTNER_ERROR_CODES`) use that
#: code, also kept in ``Issue.vendor_code``.
_CORE: dict[str, str] = {
    "type": "the value has the wrong JSON type",
    "required": "a required member is missing (the path names the member)",
    "additionalProperties": "a member the schema does not allow (closed request objects)",
    "enum": "the value is not one of the listed values",
    "const": "the value is not the one allowed value",
    "pattern": "the string is not written the way the rule says (the message gives the rule in "
    "words; Issue.schema_location points at the ECMA-262 pattern)",
    "format": "the string is written right but is not a real date / date-time (2026-02-30)",
    "minLength": "the string is too short",
    "maxLength": "the string is too long",
    "minimum": "the number is below the minimum",
    "maximum": "the number is above the maximum",
    "exclusiveMinimum": "the number is not above the exclusive minimum",
    "exclusiveMaximum": "the number is not below the exclusive maximum",
    "multipleOf": "the number is not a multiple of the given step",
    "minItems": "the array has too few items",
    "maxItems": "the array has too many items",
    "uniqueItems": "the array has duplicate items",
    "contains": "no array item matches the contains schema",
    "minProperties": "the object has too few members",
    "maxProperties": "the object has too many members",
    "propertyNames": "a member name is not allowed",
    "dependentRequired": "a member required by another member is missing",
    "anyOf": "the value matches none of the allowed shapes",
    "oneOf": "the value matches none, or more than one, of the allowed shapes",
    "not": "the value matches a shape that is forbidden",
    "falseSchema": "no value is allowed here",
    "unevaluatedProperties": "a member no subschema accounts for",
    "unevaluatedItems": "an array item no subschema accounts for",
    "contentMediaType": "the string does not hold a JSON document",
    "json.syntax": "the text is not JSON",
    "json.encoding": "the bytes are not UTF-8 (or start with a byte order mark)",
    "json.duplicate_key": "an object has the same member name twice",
    "json.non_finite": "NaN, Infinity or a number beyond the double range",
    "json.lone_surrogate": "a string holds an unpaired UTF-16 surrogate",
    "json.depth": "arrays and objects nest deeper than dealerbridge.MAX_DEPTH",
    "json.type": "the value is not a JSON value (str, bytes, or Python JSON types expected)",
    "json.integer_range": "an integer outside the signed 64-bit range [-2^63, 2^63-1], however "
    "it is written (a digit string, a Python int, or an integral number such as 1e308 where "
    "the schema wants an integer)",
    "json.size": "a value that reuses containers expands to more than "
    "dealerbridge.MAX_EXPANDED_VALUES values",
    "money.amount": "not a decimal-string amount (^[0-9]+(\\.[0-9]{1,2})?$)",
    "money.cents": "cents must be a non-negative int",
    "datetime": "not a date-time in the accepted grammar or not a real moment",
}

_codes: dict[str, str] = dict(_CORE)
_lock = threading.Lock()
_loaded = False


def register_codes(codes: Mapping[str, str]) -> None:
    """Add *codes* (code -> what it means) to `ISSUE_CODES`. Registering a code again with the
    same meaning does nothing; with another meaning, or with a code or meaning that is not a
    non-empty str, it is a `DealerbridgeUsageError` (two packages cannot own one code)."""
    if not isinstance(codes, Mapping):
        raise DealerbridgeUsageError(f"codes must be a mapping, got {type(codes).__name__}")
    for code, meaning in codes.items():
        if not isinstance(code, str) or not code or not isinstance(meaning, str) or not meaning:
            raise DealerbridgeUsageError("an issue code and its meaning must be non-empty str")
        known = _codes.get(code)
        if known is not None and known != meaning:
            raise DealerbridgeUsageError(f"issue code {code!r} is already registered")
        _codes[code] = meaning


def load_registrations() -> None:
    """Import each module registered under `ENTRY_POINT_GROUP`, once per process."""
    global _loaded
    if _loaded:
        return
    from importlib.metadata import entry_points  # here: it costs import time (~10 ms)

    with _lock:
        if _loaded:
            return
        for entry in entry_points(group=ENTRY_POINT_GROUP):
            entry.load()
        _loaded = True


class IssueCodes(Mapping[str, str]):
    """Every issue code dealerbridge produces -> what it means (read-only; see the module)."""

    def __getitem__(self, code: str) -> str:
        load_registrations()
        return _codes[code]

    def __iter__(self) -> Iterator[str]:
        load_registrations()
        return iter(dict(_codes))

    def __len__(self) -> int:
        load_registrations()
        return len(_codes)

    def __contains__(self, code: object) -> bool:
        load_registrations()
        return code in _codes

    def __repr__(self) -> str:
        return f"IssueCodes({len(self)} codes)"


#: Every issue code dealerbridge produces, with what it means (the core's, then each
#: registered package's).
ISSUE_CODES: Mapping[str, str] = IssueCodes()

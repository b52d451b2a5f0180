"""Rules that span fields, each defined once.

Some vendor rules cannot be written in JSON Schema, or only without the vendor's own code and
words (myKaarma's partner codes are the first). Such a rule is one `Rule` value, and everything
that needs the rule reads that value:

- detection: `Rule.find` lists where the rule is broken (a vendor module turns that into its own
  error objects, in the order of its rule table);
- repair: `Rule.repair` changes a payload that breaks the rule so that it holds, without breaking
  any other rule of the same table (test data generators use it to make schema-valid payloads
  valid under the rule too);
- breaking: `Rule.breaks` lists copies of a payload that satisfies every rule of its table, each
  breaking this rule and no other (test strategies draw from it).

A rule is checked against a *subject*: usually the JSON body, or a small object holding the body
and the request's other parts (a URL path parameter, say) when the rule reads them. This module is
plain data: it imports nothing from dealerbridge and never Hypothesis.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

import attrs

__all__ = ["ABSENT", "Rule", "blank", "set_member"]

S = TypeVar("S")


@attrs.frozen(kw_only=True)
class Rule(Generic[S]):
    """One vendor rule that spans fields (see the module docstring)."""

    name: str
    """Stable kebab-case identifier (``"dropoff-ride-time-required"``)."""
    code: str
    """The code the vendor answers when the rule is broken."""
    description: str
    """The vendor's own words for the rule (verbatim where the vendor gives them)."""
    paths: tuple[str, ...]
    """JSON Pointers of every member the rule reads (``""`` for a part outside the body)."""
    find: Callable[[S], Sequence[str]]
    """The JSON Pointers where the subject breaks the rule, in order; empty when it holds."""
    breaks: Callable[[S], Sequence[S]]
    """Copies of a subject that satisfies every rule, each breaking only this rule; empty when
    the rule cannot be broken from this subject (its condition does not apply)."""
    repair: Callable[[S], None] | None = None
    """Make the rule hold, in place; None when a schema-valid subject never breaks it."""

    def violated(self, subject: S) -> bool:
        """Whether *subject* breaks this rule."""
        return bool(self.find(subject))


# Helpers the vendor rule tables share.

ABSENT: Any = object()
"""A member value meaning "absent" in a rule's breaks: `set_member` removes the member."""

_NON_BLANK = re.compile(r"[^ \t\n\r\f\v]")


def blank(value: object) -> bool:
    """Absent, null, not a string, empty or only whitespace (Java's isBlank, ASCII)."""
    return not isinstance(value, str) or _NON_BLANK.search(value) is None


def set_member(target: dict[str, Any], key: str, value: object) -> None:
    """Set ``target[key]`` to *value*, or remove the member when *value* is `ABSENT`."""
    if value is ABSENT:
        target.pop(key, None)
    else:
        target[key] = value

"""Vendor rules that span fields and answer with the vendor's own code, each defined once.

Most cross-field rules are stated by the schemas (an ``allOf`` entry with an ``x-rule-name``,
reported by `dealerbridge.errors`). A rule lives here instead when the schema cannot say it: it
must answer with the vendor's own code and words (myKaarma's partner codes are the first), or it
reads a part of the request outside the body (a URL path parameter).

Such a rule is one `Rule` value, and it is *declarative*: which member it checks (`Rule.member`,
inside each object of `Rule.inside`, or a path parameter), what must hold there (a `Check`:
`NonBlank`, `IsObject`, `AbsentOr`, `NotBothTrue`, `DiffersFrom`, `Parses`) and when the rule
applies at all (`Rule.when`: `Present`, `NotEqual`). Everything that needs the rule reads that
value:

- detection, here: `Rule.find` lists the JSON Pointers where a `Subject` breaks the rule (a
  vendor module turns them into its own issues, in the order of its rule table);
- repair and single-rule breaks, in ``dealerbridge.testing`` (Hypothesis tooling, never imported
  by the runtime): derived from the same check, condition and member, with the filler values
  that are test data.

This module is plain data and detection: it imports nothing from dealerbridge but the errors.
Its classes compare by identity and the checks have no generated ``repr`` (each generated
method is compiled when the class is created, at ``import dealerbridge.mykaarma``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, TypeAlias

import attrs

from ._errors import ValidationError

__all__ = [
    "AbsentOr",
    "Check",
    "Condition",
    "DiffersFrom",
    "IsObject",
    "NonBlank",
    "NotBothTrue",
    "NotEqual",
    "Parses",
    "Present",
    "Rule",
    "Subject",
    "blank",
    "member_at",
]

_NON_BLANK = re.compile(r"[^ \t\n\r\f\v]")


def blank(value: object) -> bool:
    """Absent, null, not a string, empty or only whitespace (Java's isBlank, ASCII)."""
    return not isinstance(value, str) or _NON_BLANK.search(value) is None


@attrs.define(eq=False)
class Subject:
    """What a rule reads: the JSON body and the request's path parameters (a parameter that is
    None was not given, and is then not checked)."""

    body: dict[str, Any]
    parameters: dict[str, str | None] = attrs.field(factory=dict)


def member_at(container: object, member: str) -> object:
    """The value at *member* (keys joined by ``/``) inside *container*; None when absent or
    when something on the way is not an object."""
    value = container
    for key in member.split("/"):
        value = value.get(key) if isinstance(value, dict) else None
    return value


# ------------------------------------------------------------------------------------ checks


@attrs.frozen(repr=False, eq=False)
class NonBlank:
    """The member is a string with something other than whitespace."""

    def holds(self, container: Mapping[str, Any], member: str) -> bool:
        return not blank(member_at(container, member))


@attrs.frozen(repr=False, eq=False)
class IsObject:
    """The member is a JSON object."""

    def holds(self, container: Mapping[str, Any], member: str) -> bool:
        return isinstance(member_at(container, member), dict)


@attrs.frozen(repr=False, eq=False)
class AbsentOr:
    """The member is absent, null or *value* (absent or null gets *value* as the default)."""

    value: str

    def holds(self, container: Mapping[str, Any], member: str) -> bool:
        return member_at(container, member) in (None, self.value)


@attrs.frozen(repr=False, eq=False)
class NotBothTrue:
    """The member and its sibling *other* are not both ``true``."""

    other: str

    def holds(self, container: Mapping[str, Any], member: str) -> bool:
        return not (member_at(container, member) is True and container.get(self.other) is True)


@attrs.frozen(repr=False, eq=False)
class DiffersFrom:
    """When the sibling *other* is not blank, the member is not equal to it."""

    other: str

    def holds(self, container: Mapping[str, Any], member: str) -> bool:
        first = container.get(self.other)
        return blank(first) or member_at(container, member) != first


@attrs.frozen(repr=False, eq=False)
class Parses:
    """A non-blank string member is read by *parse* without a `ValidationError` (a blank or
    absent one is another rule's business)."""

    parse: Callable[[str], object]
    what: str
    """What *parse* reads, in words (``"an appointment date-time"``)."""

    def holds(self, container: Mapping[str, Any], member: str) -> bool:
        value = member_at(container, member)
        if not isinstance(value, str) or blank(value):
            return True
        try:
            self.parse(value)
        except ValidationError:
            return False
        return True


Check: TypeAlias = NonBlank | IsObject | AbsentOr | NotBothTrue | DiffersFrom | Parses

# -------------------------------------------------------------------------------- conditions


@attrs.frozen(repr=False, eq=False)
class Present:
    """The body's member *key* is a JSON object."""

    key: str

    def holds(self, body: Mapping[str, Any]) -> bool:
        return isinstance(body.get(self.key), dict)


@attrs.frozen(repr=False, eq=False)
class NotEqual:
    """The body's member *key* is not *value* (absent and null count as not equal)."""

    key: str
    value: str

    def holds(self, body: Mapping[str, Any]) -> bool:
        return body.get(self.key) != self.value


Condition: TypeAlias = Present | NotEqual


# ------------------------------------------------------------------------------------- rules


@attrs.frozen(kw_only=True, eq=False)
class Rule:
    """One vendor rule (see the module docstring)."""

    name: str
    """Stable kebab-case identifier (``"dropoff-ride-time-required"``)."""
    code: str
    """The code the vendor answers when the rule is broken."""
    description: str
    """The vendor's own words for the rule (verbatim where the vendor gives them)."""
    member: str
    """The member checked: a key (``"rideType"``) or keys joined by ``/``
    (``"creatorUser/uuid"``) inside each object of `inside`; with `parameter`, the name of a
    path parameter."""
    check: Check
    inside: tuple[str, ...] = ("",)
    """The body's top-level members holding the checked member, in reporting order (``""``:
    the body itself); one that is not an object is skipped."""
    when: tuple[Condition, ...] = ()
    """The rule applies only when every condition holds on the body."""
    parameter: bool = False
    """The member is a path parameter (`Subject.parameters`), reported at ``""`` and checked
    only when given."""

    def applies(self, subject: Subject) -> bool:
        """Whether the rule's conditions hold, so that it is checked at all."""
        return all(condition.holds(subject.body) for condition in self.when)

    def containers(self, subject: Subject) -> list[tuple[str, dict[str, Any]]]:
        """``(pointer of the member, object holding it)`` for each place the rule checks."""
        if self.parameter:
            given = subject.parameters.get(self.member)
            return [] if given is None else [("", {self.member: given})]
        out = []
        for key in self.inside:
            container = subject.body if key == "" else subject.body.get(key)
            if isinstance(container, dict):
                out.append((("/" + key if key else "") + "/" + self.member, container))
        return out

    def find(self, subject: Subject) -> list[str]:
        """The JSON Pointers where *subject* breaks the rule, in order; empty when it holds."""
        if not self.applies(subject):
            return []
        return [
            where
            for where, container in self.containers(subject)
            if not self.check.holds(container, self.member)
        ]

    def violated(self, subject: Subject) -> bool:
        """Whether *subject* breaks this rule."""
        return bool(self.find(subject))

    @property
    def paths(self) -> tuple[str, ...]:
        """JSON Pointers of every member the rule reads (``""`` for a path parameter)."""
        if self.parameter:
            return ("",)
        reads = [f"/{condition.key}" for condition in self.when]
        for key in self.inside:
            prefix = "/" + key if key else ""
            if isinstance(self.check, NotBothTrue | DiffersFrom):
                reads.append(f"{prefix}/{self.check.other}")
            reads.append(f"{prefix}/{self.member}")
        return tuple(reads)

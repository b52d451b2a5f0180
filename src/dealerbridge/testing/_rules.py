"""Repairs and single-rule breaks derived from the declarative vendor rules
(`dealerbridge._rules.Rule`): the runtime only detects; how to make a rule hold, and how to break
it alone, follows here from the rule's own check, member and conditions. The values written are
test data (`Fillers`), kept here, out of the runtime.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from .._rules import (
    AbsentOr,
    DiffersFrom,
    IsObject,
    NonBlank,
    NotBothTrue,
    Parses,
    Rule,
    Subject,
)

__all__ = ["ABSENT", "Fillers", "breaks", "repair", "repairable"]

ABSENT: Any = object()
"""A member value meaning "absent": `_put` removes the member."""

#: The values a non-blank member is broken with: absent, null, empty, whitespace only.
BLANKS: tuple[Any, ...] = (ABSENT, None, "", "  \t")
#: The values a path parameter is broken with (absent or null means "not given", not checked).
BLANK_PARAMETERS = ("", "  ")


@attrs.frozen
class Fillers:
    """The test data the derivations write: a valid value per member (``member`` as in
    `Rule.member`; a member not listed gets ``"<last key>-0001"``) and, per member a `Parses`
    check reads, strings it refuses."""

    values: Mapping[str, Any] = attrs.field(factory=dict)
    unreadable: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)

    def value(self, member: str) -> Any:
        found = self.values.get(member)
        return found if found is not None else f"{member.rsplit('/', 1)[-1]}-0001"


def _put(container: dict[str, Any], member: str, value: Any) -> None:
    """Set *member* (keys joined by ``/``) inside *container*, making objects on the way;
    `ABSENT` removes it."""
    *path, last = member.split("/")
    for key in path:
        if not isinstance(container.get(key), dict):
            container[key] = {}
        container = container[key]
    if value is ABSENT:
        container.pop(last, None)
    else:
        container[last] = value


def repairable(rule: Rule) -> bool:
    """Whether a repair exists: an `IsObject` member is required by the schema too, so a
    schema-valid request never breaks it."""
    return not isinstance(rule.check, IsObject)


def repair(rule: Rule, subject: Subject, fillers: Fillers) -> None:
    """Make *rule* hold on *subject*, in place, writing as little as it needs."""
    if not rule.applies(subject) or not repairable(rule):
        return
    check = rule.check
    for _, container in _broken(rule, subject):
        if rule.parameter:
            subject.parameters[rule.member] = fillers.value(rule.member)
        elif isinstance(check, AbsentOr):
            _put(container, rule.member, check.value)
        elif isinstance(check, NotBothTrue):
            _put(container, rule.member, False)
        elif isinstance(check, DiffersFrom):
            _put(container, rule.member, f"{container[check.other]}-2")
        else:  # NonBlank, Parses: a valid value
            _put(container, rule.member, fillers.value(rule.member))


def _broken(rule: Rule, subject: Subject) -> list[tuple[str, dict[str, Any]]]:
    return [
        (where, container)
        for where, container in rule.containers(subject)
        if not rule.check.holds(container, rule.member)
    ]


def breaks(rule: Rule, subject: Subject, table: Sequence[Rule], fillers: Fillers) -> list[Subject]:
    """Copies of *subject* (which satisfies every rule of *table*) that each break *rule*,
    every way its check can be broken; empty when the rule does not apply to *subject*. That
    each breaks no other rule of *table* follows from the checks (tests/test_mykaarma_partner.py
    holds every break of every rule to exactly its own code)."""
    if not rule.applies(subject):
        return []
    out: list[Subject] = []
    if rule.parameter:
        out = [
            Subject(copy.deepcopy(subject.body), {**subject.parameters, rule.member: value})
            for value in BLANK_PARAMETERS
        ]
    else:
        for key in _places(rule, subject):
            for edit in _edits(rule, table, fillers):
                broken = Subject(copy.deepcopy(subject.body), dict(subject.parameters))
                edit(broken.body if key == "" else broken.body[key])
                out.append(broken)
    return out


def _places(rule: Rule, subject: Subject) -> list[str]:
    """The keys of `Rule.inside` that hold an object in *subject* (``""``: the body)."""
    return [
        key
        for key in rule.inside
        if isinstance(subject.body if key == "" else subject.body.get(key), dict)
    ]


Edit = Callable[[dict[str, Any]], None]


def _edits(rule: Rule, table: Sequence[Rule], fillers: Fillers) -> list[Edit]:
    """Edits of the object holding the member, each breaking the rule's check."""
    check, member = rule.check, rule.member

    def setting(*pairs: tuple[str, Any]) -> Edit:
        def edit(container: dict[str, Any]) -> None:
            for key, value in pairs:
                _put(container, key, value)

        return edit

    if isinstance(check, NonBlank):
        return [setting((member, v)) for v in BLANKS]
    if isinstance(check, IsObject):
        return [setting((member, v)) for v in (ABSENT, None)]
    if isinstance(check, AbsentOr):
        return [setting((member, v)) for v in _wrong(check, member, table)]
    if isinstance(check, NotBothTrue):
        return [setting((member, True), (check.other, True))]
    if isinstance(check, DiffersFrom):
        same = fillers.value(check.other)
        return [setting((check.other, same), (member, same))]
    assert isinstance(check, Parses)
    return [setting((member, v)) for v in fillers.unreadable.get(member, ())]


def _wrong(check: AbsentOr, member: str, table: Sequence[Rule]) -> tuple[str, ...]:
    """Values an `AbsentOr` refuses: empty, the right value in lower case, and the values the
    table's other rules on the same member want."""
    others = (
        r.check.value
        for r in table
        if r.member == member and isinstance(r.check, AbsentOr) and r.check is not check
    )
    return ("", check.value.lower(), *dict.fromkeys(others))

"""Repairs and single-rule breaks derived from the schemas' own cross-field rules.

A rule the schema can say is said by the schema: an ``allOf`` entry with an ``x-rule-name``
(``schemas/CONVENTIONS.md``), reported by `dealerbridge.errors` as one issue named by the rule,
at the object holding it. Nothing in the runtime repeats it. The strategies read the same entry
here and derive what they need from it:

- `repair` (a fixup): make the rule hold on a generated object by filling the members the
  active branch requires;
- `rule_breaks` (a breaker): copies of a valid payload that break exactly one such rule, each
  with the issue `dealerbridge.errors` must report.

The entries the schemas use have two shapes, read by `derive`:

- `SchemaRule`: ``if`` tests one member (``const`` with that member required, or ``not`` a
  non-blank string), and ``then`` (or ``else``) requires members to be non-blank strings
  (``required`` plus ``patternProperties`` of ``common/primitives#/$defs/nonBlankString``);
- `ExclusiveRule`: ``not: {required: [a, b, ...]}``, members never sent together.

Another shape is refused by `derive` with a `ValueError` naming the rule, so a new rule cannot
be skipped silently (a test derives every named rule of every schema).
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Iterator, Mapping
from typing import Any, TypeAlias

import attrs
from hypothesis import strategies as st

from .._errors import pointer
from .._registry import SchemaRegistry, default_registry
from .._rules import blank
from .._schema_model import (
    ArraySchema,
    ContentSchema,
    Node,
    Nullable,
    ObjectRule,
    ObjectSchema,
    UnionSchema,
)
from ._rules import ABSENT, Fillers
from ._strategies import Breaker, ExpectedIssue, Fixup

__all__ = ["SchemaRule", "breaker", "derive", "fixup", "rule_sites", "schema_rules"]

_NON_BLANK = "common/primitives/v1.json#/$defs/nonBlankString"
_BLANKS: tuple[Any, ...] = (ABSENT, "", "  \t")


@attrs.frozen
class SchemaRule:
    """One ``x-rule-name`` entry, as the strategies read it: when *branch* is True the
    ``then`` members are required while the ``if`` holds, else the ``else`` members while it
    does not."""

    name: str
    key: str
    """The member the ``if`` tests."""
    const: Any
    """The value the ``if`` wants (`ABSENT` when it tests for a blank member instead)."""
    branch: bool
    required: tuple[str, ...]
    """The members the active branch requires to be non-blank strings."""

    def condition(self, obj: Mapping[str, Any]) -> bool:
        if self.const is ABSENT:
            return blank(obj.get(self.key))
        return self.key in obj and obj[self.key] == self.const

    def active(self, obj: Mapping[str, Any]) -> bool:
        return self.condition(obj) == self.branch

    def holds(self, obj: Mapping[str, Any]) -> bool:
        return not self.active(obj) or not any(blank(obj.get(k)) for k in self.required)

    def repair(self, obj: dict[str, Any], fillers: Fillers) -> None:
        """Make the rule hold on *obj*: fill the blank members the active branch requires."""
        if not self.holds(obj):
            for key in self.required:
                if blank(obj.get(key)):
                    obj[key] = fillers.value(key)

    def broken(
        self, obj: dict[str, Any], node: ObjectSchema, others: list[Rule], fillers: Fillers
    ) -> list[dict[str, Any]]:
        """Copies of *obj* breaking this rule alone: the branch made active (*others*, the
        object's other rules, repaired after), then one required member blanked."""
        out = []
        for value in self.activating(fillers):
            base = copy.deepcopy(obj)
            _set(base, self.key, value)
            for other in others:
                other.repair(base, fillers)
            for key in self.required:
                for blank_value in _blanks(node, key):
                    broken_obj = copy.deepcopy(base)
                    _set(broken_obj, key, blank_value)
                    out.append(broken_obj)
        return out

    def activating(self, fillers: Fillers) -> tuple[Any, ...]:
        """Values of `key` that make the branch active."""
        if self.const is ABSENT:  # the if holds for a blank member
            return (ABSENT, "") if self.branch else (fillers.value(self.key),)
        if self.branch:
            return (self.const,)
        return (not self.const,) if isinstance(self.const, bool) else (ABSENT,)


@attrs.frozen
class ExclusiveRule:
    """One ``x-rule-name`` entry ``not: {required: members}``: the members are never all sent
    together."""

    name: str
    members: tuple[str, ...]

    def holds(self, obj: Mapping[str, Any]) -> bool:
        return not all(key in obj for key in self.members)

    def repair(self, obj: dict[str, Any], fillers: Fillers) -> None:
        """Make the rule hold on *obj*: leave out its last member."""
        if not self.holds(obj):
            obj.pop(self.members[-1])

    def broken(
        self, obj: dict[str, Any], node: ObjectSchema, others: list[Rule], fillers: Fillers
    ) -> list[dict[str, Any]]:
        """A copy of *obj* with every member sent (a member it lacks gets its filler)."""
        base = {key: fillers.value(key) for key in self.members if key not in obj}
        return [{**copy.deepcopy(obj), **base}]


Rule: TypeAlias = "SchemaRule | ExclusiveRule"


def derive(name: str, entry: Mapping[str, Any]) -> Rule:
    """The rule of the ``allOf`` *entry* named *name* (see the module docstring)."""
    exclusive = entry.get("not")
    if set(entry) - {"x-rule-name", "x-rule", "$comment"} == {"not"}:
        if not isinstance(exclusive, dict) or set(exclusive) != {"required"}:
            raise ValueError(f"rule {name}: a not that is not one required list")
        members = exclusive["required"]
        if not isinstance(members, list) or len(members) < 2:
            raise ValueError(f"rule {name}: a not that is not one required list")
        return ExclusiveRule(name, tuple(members))
    condition = entry.get("if")
    branch = "then" if "then" in entry else "else"
    body = entry.get(branch)
    if not isinstance(condition, dict):
        raise ValueError(f"rule {name}: no if")
    props = condition.get("properties")
    if not isinstance(props, dict) or len(props) != 1 or not isinstance(body, dict):
        raise ValueError(f"rule {name}: not an if/then or if/else on one member")
    if "then" in entry and "else" in entry:
        raise ValueError(f"rule {name}: both then and else")
    ((key, test),) = props.items()
    if "const" in test and key in condition.get("required", ()):
        const = test["const"]
    elif str(test.get("not", {}).get("$ref", "")).endswith(_NON_BLANK):
        const = ABSENT
    else:
        raise ValueError(f"rule {name}: the if neither tests a const nor a blank member")
    required = tuple(body.get("required", ()))
    patterns = body.get("patternProperties", {})
    covered = {
        k
        for pattern, sub in patterns.items()
        if str(sub.get("$ref", "")).endswith(_NON_BLANK)
        for k in required
        if re.search(pattern, k)
    }
    if not required or covered != set(required) or set(body) - {"required", "patternProperties"}:
        raise ValueError(f"rule {name}: the branch does not require non-blank strings only")
    return SchemaRule(name, key, const, branch == "then", required)


@functools.cache
def _derived(registry: SchemaRegistry, rule: ObjectRule) -> Rule:
    assert rule.name is not None
    return derive(rule.name, registry.raw_at(rule.location))


def schema_rules(registry: SchemaRegistry, node: ObjectSchema) -> list[Rule]:
    """The named rules of the object schema *node*, derived."""
    return [_derived(registry, rule) for rule in node.rules if rule.name is not None]


def rule_sites(
    node: Node, value: Any, path: tuple[Any, ...] = ()
) -> Iterator[tuple[tuple[Any, ...], dict[str, Any], ObjectSchema]]:
    """Every object of *value* whose schema (in the model *node*) has named rules: its path,
    the object and its schema. Content strings are not entered (no named rule lives inside
    one); a tagged union follows its discriminator, an untagged one its first shape."""
    if isinstance(node, Nullable):
        if value is not None:
            yield from rule_sites(node.schema, value, path)
    elif isinstance(node, UnionSchema):
        for option in node.options:
            key = option.discriminator
            if key is None or (isinstance(value, dict) and key in value):
                yield from rule_sites(option.schema, value, path)
                return
    elif isinstance(node, ObjectSchema) and isinstance(value, dict):
        if any(rule.name for rule in node.rules):
            yield path, value, node
        for field in node.fields:
            key = field.wire_name
            if key in value:
                yield from rule_sites(field.schema, value[key], (*path, key))
    elif isinstance(node, ArraySchema) and isinstance(value, list):
        for i, item in enumerate(value):
            yield from rule_sites(node.items, item, (*path, i))
    elif isinstance(node, ContentSchema):
        return


def _set(obj: dict[str, Any], key: str, value: Any) -> None:
    if value is ABSENT:
        obj.pop(key, None)
    else:
        obj[key] = value


def repair(rules: list[Rule], obj: dict[str, Any], fillers: Fillers) -> None:
    """Make every rule of *rules* hold on *obj*, in place."""
    for rule in rules:
        rule.repair(obj, fillers)


def fixup(schema: str, fillers: Fillers, registry: SchemaRegistry | None = None) -> Fixup:
    """A fixup making every named rule of *schema* hold on a generated payload."""
    reg = registry or default_registry()

    def fix(payload: Any) -> Any:
        payload = copy.deepcopy(payload)
        for _, obj, node in list(rule_sites(reg.model(schema).root, payload)):
            repair(schema_rules(reg, node), obj, fillers)
        return payload

    return fix


def _blanks(node: ObjectSchema, key: str) -> tuple[Any, ...]:
    field = node.field(key)
    nullable = field is not None and isinstance(field.schema, Nullable)
    return (*_BLANKS, None) if nullable else _BLANKS


def rule_breaks(
    registry: SchemaRegistry, root: Node, valid: Any, fillers: Fillers
) -> list[tuple[Any, ExpectedIssue]]:
    """Copies of *valid* that each break one named rule at one object, with the issue
    `dealerbridge.errors` reports: at the object, code and rule the rule's name."""
    out: list[tuple[Any, ExpectedIssue]] = []
    for path, obj, node in list(rule_sites(root, valid)):
        rules = schema_rules(registry, node)
        for rule in rules:
            expected = ExpectedIssue(pointer(path), rule.name, rule.name)
            others = [r for r in rules if r is not rule]
            for broken_obj in rule.broken(obj, node, others, fillers):
                out.append((_replace(valid, path, broken_obj), expected))
    return out


def breaker(schema: str, fillers: Fillers, registry: SchemaRegistry | None = None) -> Breaker:
    """A breaker drawing one of the `rule_breaks` of a valid payload of *schema*."""
    reg = registry or default_registry()

    def draw(valid: Any) -> st.SearchStrategy[tuple[Any, ExpectedIssue]]:
        options = rule_breaks(reg, reg.model(schema).root, valid, fillers)
        return st.sampled_from(options) if options else st.nothing()

    return draw


def _replace(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    out = list(value) if isinstance(value, list) else dict(value)
    out[head] = _replace(value[head], rest, new)
    return out

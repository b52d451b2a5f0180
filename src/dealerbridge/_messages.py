"""The English messages: engine errors translated into `Issue`s a person can act on.

Each error the compiled engine (`dealerbridge._engine`) reports becomes at most one `Issue`:

- the rule's own sentence (``x-rule`` of the schema node holding the failing keyword) replaces
  the raw keyword and pattern, which stay available as ``Issue.rule`` and
  ``Issue.schema_location``;
- a value breaking one schema node in two keywords (``pattern`` and ``format``) is one issue;
- an error inside an ``allOf`` entry named by ``x-rule-name`` is reported once per object, by
  the rule's name (its code), at the object's path, whichever member broke it and how;
- a union (``anyOf``/``oneOf``) reports the branch that fits best, or, when the value has a
  JSON type no branch accepts, what the branches wanted ("an amount string ... or null");
- common mistakes get a hint naming the value or helper that fixes them (`dealerbridge._hints`:
  the core's own, then those the vendor packages register);
- an int64 bound the engine's copy of a schema carries (see `dealerbridge._engine`) is
  reported as ``json.integer_range`` at the node's ``type``.

The words come from the schema model (``x-rule``, ``x-rule-name``, ``x-pii``); this module
knows no vendor and compiles nothing.
"""

from __future__ import annotations

from collections.abc import Set
from typing import Any

import attrs

from ._errors import DealerbridgeUsageError, Issue, describe_value, pointer
from ._hints import hint_for
from ._registry import SchemaRegistry
from ._render import hides, json_type
from ._schema_model import Location, Node, Scalar, personal_at, unwrap

__all__ = ["Path", "Translator", "content_issue", "label", "not_json_issue", "sort_issues"]

Path = tuple[str | int, ...]

_TYPE_WORDS = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "array": "an array",
    "object": "an object",
    "null": "null",
}

#: Instance-stepping keywords of an evaluation path: each moves one step into the instance
#: (the ones marked True are followed by a member name or index segment).
_STEPS = {
    "properties": True,
    "patternProperties": True,
    "prefixItems": True,
    "items": False,
    "additionalProperties": False,
    "contains": False,
    "unevaluatedProperties": False,
    "unevaluatedItems": False,
}


@attrs.frozen
class _NamedRule:
    """The ``x-rule-name`` entry an error was found under, and how many instance steps below
    the object holding that entry the error lies."""

    name: str
    text: str | None
    location: str
    members: tuple[str, ...]
    depth: int


class Translator:
    """Turns engine errors of one validator into issues (see the module docstring). The words
    (``x-rule``, ``x-rule-name``) come from the schema model (`SchemaRegistry.model_node`,
    `SchemaRegistry.object_rule`); an error's evaluation path is followed through the raw
    nodes with the registry's one resolver. Each location is looked up once.
    *int64_bounds* holds the keyword locations of the int64 bounds the engine added to its
    copy of the schemas (read when an error is translated, so it may still grow)."""

    def __init__(
        self,
        registry: SchemaRegistry,
        root: object,
        location: Location,
        model: Node,
        int64_bounds: Set[str],
    ) -> None:
        self._registry = registry
        self._int64_bounds = int64_bounds
        self._root = root
        self._location = location
        self._model = model  # the schema model of *root*: where x-pii is read
        self._named: dict[tuple[str | int, ...], _NamedRule | None] = {}
        self._nodes: dict[str, Scalar | None] = {}
        self._personal: dict[tuple[str | int, ...], bool] = {}

    def personal(self, parts: Path) -> bool:
        """Whether the value at *parts* (relative to this translator's root) is personal
        data (``x-pii``, or a member no schema defines): `personal_at`, cached per path with
        array indices folded."""
        key = tuple(0 if isinstance(p, int) else p for p in parts)
        found = self._personal.get(key)
        if found is None:
            found = self._personal[key] = personal_at(self._model, key)
        return found

    def node(self, keyword_location: str) -> Scalar | None:
        """The schema model's scalar holding the keyword at *keyword_location*
        (``$id#/ptr/keyword``), or None when the keyword is not on a scalar."""
        where = keyword_location.rsplit("/", 1)[0] if "#/" in keyword_location else ""
        if where not in self._nodes:
            base, _, fragment = where.partition("#")
            found = self._registry.model_node(Location(base, fragment)) if where else None
            found = unwrap(found) if found is not None else None
            self._nodes[where] = found if isinstance(found, Scalar) else None
        return self._nodes[where]

    def named_rule(self, evaluation_path: tuple[str | int, ...]) -> _NamedRule | None:
        """The innermost ``x-rule-name`` entry on *evaluation_path*, walked from the root."""
        if evaluation_path in self._named:
            return self._named[evaluation_path]
        found: _NamedRule | None = None
        try:
            location: Location = self._location
            node: Any = self._root
            skip = False
            for segment in evaluation_path:
                if segment == "$ref" and isinstance(node, dict) and "$ref" in node:
                    location, node = self._registry.locate(location.document_id, node["$ref"])
                else:
                    node = node[int(segment)] if isinstance(node, list) else node[str(segment)]
                    location = location.child(str(segment))
                if found is not None:
                    if skip:
                        skip = False
                    elif isinstance(segment, str) and segment in _STEPS:
                        found = attrs.evolve(found, depth=found.depth + 1)
                        skip = _STEPS[segment]
                rule = self._registry.object_rule(location)
                if rule is not None and rule.name is not None:
                    found = _NamedRule(rule.name, rule.rule, location.uri, rule.members, 0)
                    skip = False
        except (DealerbridgeUsageError, LookupError, TypeError, ValueError):
            found = None
        self._named[evaluation_path] = found
        return found

    def translate(self, found: list[Any], prefix: Path, instance: object) -> list[Issue]:
        out: list[Issue] = []
        seen: set[tuple[object, ...]] = set()
        # A named rule broken only through a member that already has an issue of its own (a
        # number where a string is wanted breaks the member's type and the rule) is that
        # issue: the rule is reported when some of its errors are not explained otherwise.
        rule_paths: dict[tuple[object, ...], set[str]] = {}
        for error in found:
            for item, key in self._one(error, prefix, instance):
                if key is not None and key[0] == "rule":
                    paths = rule_paths.setdefault(key, set())
                    paths.add(pointer((*prefix, *error.instance_path)))
                if key is None or key not in seen:
                    if key is not None:
                        seen.add(key)
                    out.append(item)
        if rule_paths:
            own = {i.path for i in out if i.code not in ("required", *(k[2] for k in rule_paths))}
            explained = {(k[2], k[1]) for k, paths in rule_paths.items() if paths <= own}
            out = [i for i in out if (i.code, i.path) not in explained]
        return out

    def _one(
        self, error: Any, prefix: Path, instance: object
    ) -> list[tuple[Issue, tuple[object, ...] | None]]:
        parts: Path = (*prefix, *error.instance_path)
        named = self.named_rule(tuple(error.evaluation_path))
        if named is not None:
            where = parts[: len(parts) - named.depth] if named.depth else parts
            issue = self._named_issue(named, where, prefix, instance)
            return [(issue, ("rule", pointer(where), named.name))]
        kind = error.kind
        code: str = kind.name
        location = str(error.absolute_keyword_location)
        personal = self.personal(parts[len(prefix) :])
        if code == "required":
            member = kind.property
            issue = Issue(
                path=pointer((*parts, member)),
                code="required",
                message=f"'{member}' is required in {label(parts)} but is missing",
                value=None,
                schema_location=location,
                rule="required",
            )
            return [(issue, None)]
        if code == "additionalProperties":
            value = error.instance
            return [
                (
                    Issue(
                        path=pointer((*parts, key)),
                        code="additionalProperties",
                        message=f"'{key}' is not allowed in {label(parts)} (unknown member); "
                        f"found {_member_value(value, key)}",
                        personal=True,
                        value=value.get(key) if isinstance(value, dict) else None,
                        schema_location=location,
                        rule="additionalProperties",
                    ),
                    None,
                )
                for key in kind.unexpected
            ]
        if code in ("anyOf", "oneOf"):
            return self._union(error, parts, prefix, instance, location, personal)
        if location in self._int64_bounds:  # an int64 bound of the engine's copy
            value = error.instance
            message = (
                f"{label(parts)} must be an integer in the signed 64-bit range "
                f"[-2^63, 2^63-1]; found {_found(value, code, personal)}"
            )
            at_type = location.rsplit("/", 1)[0] + "/type"
            issue = Issue(
                pointer(parts),
                "json.integer_range",
                message,
                value,
                schema_location=at_type,
                rule="type",
                personal=personal,
            )
            return [(issue, ("node", parts, location.rsplit("/", 1)[0]))]
        node = self.node(location)
        text = node.rule if node is not None else None
        if text is None:
            rule = _RULES.get(code)
            text = rule(kind) if rule is not None else f"fails the '{code}' rule"
        value = error.instance
        message = f"{label(parts)} {text}; found {_found(value, code, personal)}"
        hint = hint_for(location, node, value, hides(personal))
        if hint:
            message += f" ({hint})"
        issue = Issue(
            pointer(parts),
            code,
            message,
            value,
            schema_location=location,
            rule=code,
            personal=personal,
        )
        return [(issue, ("node", parts, location.rsplit("/", 1)[0]))]

    def _union(
        self,
        error: Any,
        parts: Path,
        prefix: Path,
        instance: object,
        location: str,
        personal: bool,
    ) -> list[tuple[Issue, tuple[object, ...] | None]]:
        code: str = error.kind.name
        branches: list[list[Any]] = list(error.kind.context)
        relevant = [b for b in branches if b and not _only_type_mismatch(b, error.instance_path)]
        if relevant:
            # The branch that fits best: its errors lie deepest (the value got furthest into
            # it), then the fewest errors.
            best = max(
                relevant,
                key=lambda b: (max(len(list(e.instance_path)) for e in b), -len(b)),
            )
            return [(item, None) for item in self.translate(best, prefix, instance)]
        value = error.instance
        if code == "oneOf" and not any(branches):
            message = f"{label(parts)} matches more than one of the allowed shapes"
            message += f"; found {_found(value, code, personal)}"
        else:
            wanted = [self._wanted(b) for b in branches if b]
            phrases = list(dict.fromkeys(w for w in wanted if w))
            joiner = ", or " if any("," in w for w in phrases) else " or "
            words = joiner.join(phrases) or "another shape"
            message = f"{label(parts)} must be {words}; found {_found(value, 'type', personal)}"
            hidden = hides(personal)
            for branch in branches:
                hint = (
                    hint_for(str(branch[0].absolute_keyword_location), None, value, hidden)
                    if branch
                    else ""
                )
                if hint:
                    message += f" ({hint})"
                    break
        issue = Issue(
            pointer(parts),
            code,
            message,
            value,
            schema_location=location,
            rule=code,
            personal=personal,
        )
        return [(issue, ("node", parts, location))]

    def _wanted(self, branch: list[Any]) -> str:
        """What one union branch wanted, as a noun phrase ("an amount string ...", "null")."""
        first = branch[0]
        node = self.node(str(first.absolute_keyword_location))
        text = node.rule if node is not None else None
        if text is not None and text.startswith("must be "):
            return text[len("must be ") :]
        kind = first.kind
        if kind.name == "type":
            return _types(kind)
        if kind.name == "const":
            return describe_value(kind.as_dict().get("expected_value"))
        if kind.name == "enum":
            return "one of " + ", ".join(describe_value(o) for o in kind.options)
        return ""

    def _named_issue(self, named: _NamedRule, where: Path, prefix: Path, instance: object) -> Issue:
        obj = _value_at(instance, where[len(prefix) :])
        shown = []
        value: dict[str, object] = {}
        text = named.text or f"must satisfy the rule {named.name}"
        # Members in the order the rule's words name them (then the others).
        order = sorted(named.members, key=lambda m: (m not in text, text.find(m)))
        personal = False
        for member in order:
            if isinstance(obj, dict) and member in obj:
                value[member] = obj[member]
                secret = self.personal((*where[len(prefix) :], member))
                personal = personal or secret
                shown.append(f"'{member}' {describe_value(obj[member], personal=secret)}")
            else:
                shown.append(f"'{member}' absent")
        return Issue(
            path=pointer(where),
            code=named.name,
            message=f"{label(where)} {text} (rule {named.name}); found {', '.join(shown)}",
            value=value,
            schema_location=named.location,
            rule=named.name,
            personal=personal,
        )


def _member_value(value: object, key: str) -> str:
    """The value of a member no schema defines: personal data."""
    return describe_value(value.get(key) if isinstance(value, dict) else None, personal=True)


def _value_at(instance: object, rest: Path) -> object:
    value = instance
    for part in rest:
        if isinstance(value, dict) and isinstance(part, str):
            value = value.get(part)
        elif isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
            value = value[part]
        else:
            return None
    return value


def _found(value: object, code: str, personal: bool) -> str:
    """The value found; for type mismatches with its JSON type ("the number 0")."""
    shown = describe_value(value, personal=personal)
    if code not in ("type", "anyOf", "oneOf") or shown.startswith("<"):
        return shown
    kind = json_type(value)
    noun = {"string": "the string", "integer": "the number", "number": "the number"}.get(kind)
    if kind == "array":
        noun = "the array"
    elif kind == "object":
        noun = "the object"
    return f"{noun} {shown}" if noun else shown


def sort_issues(issues: list[Issue]) -> list[Issue]:
    unique: dict[tuple[str, str, str], Issue] = {}
    for item in issues:
        unique.setdefault((item.path, item.code, item.message), item)
    return sorted(unique.values(), key=lambda i: (i.path, i.code))


def label(parts: tuple[str | int, ...]) -> str:
    if not parts:
        return "the payload"
    last = parts[-1]
    if isinstance(last, int):
        return f"item {last} of '{parts[-2]}'" if len(parts) > 1 else f"item {last}"
    return f"'{last}'"


def _only_type_mismatch(branch: list[Any], path: Any) -> bool:
    return all(
        e.kind.name in ("type", "const", "enum") and list(e.instance_path) == list(path)
        for e in branch
    )


def _types(kind: Any) -> str:
    types = sorted((str(t) for t in kind.as_dict().get("types") or []), key=lambda t: t == "null")
    return " or ".join(_TYPE_WORDS.get(str(t), str(t)) for t in types)


_RULES: dict[str, Any] = {
    "type": lambda k: f"must be {_types(k)}",
    "enum": lambda k: (
        "must be one of "
        + ", ".join(describe_value(o) if o is not None else "null" for o in k.options)
    ),
    "const": lambda k: f"must be {describe_value(k.as_dict().get('expected_value'))}",
    "pattern": lambda k: f"must match the pattern {k.pattern}",
    "format": lambda k: f"must be a valid {k.format}",
    "minLength": lambda k: f"must have at least {k.as_dict()['limit']} character(s)",
    "maxLength": lambda k: f"must have at most {k.as_dict()['limit']} character(s)",
    "minimum": lambda k: f"must be at least {k.as_dict()['limit']}",
    "maximum": lambda k: f"must be at most {k.as_dict()['limit']}",
    "exclusiveMinimum": lambda k: f"must be greater than {k.as_dict()['limit']}",
    "exclusiveMaximum": lambda k: f"must be less than {k.as_dict()['limit']}",
    "minItems": lambda k: f"must have at least {k.as_dict()['limit']} item(s)",
    "maxItems": lambda k: f"must have at most {k.as_dict()['limit']} item(s)",
    "uniqueItems": lambda k: "must not repeat items",
    "not": lambda k: "must not match the forbidden shape",
    "falseSchema": lambda k: "is not allowed here",
    "minProperties": lambda k: f"must have at least {k.as_dict()['limit']} member(s)",
    "maxProperties": lambda k: f"must have at most {k.as_dict()['limit']} member(s)",
}


def not_json_issue(exc: BaseException) -> Issue:
    """The issue of a value the engine could not read as JSON (its own words, first line)."""
    return Issue(
        path="",
        code="json.type",
        message=f"the value is not a JSON value: {str(exc).splitlines()[0][:120]}",
        value=None,
    )


def content_issue(where: Path, reason: str, text: str, content_at: str) -> Issue:
    """The issue of a string that should hold a JSON document (``contentMediaType``) and
    does not parse; *reason* is the strict reader's first message."""
    return Issue(
        path=pointer(where),
        code="contentMediaType",
        message=f"{label(where)} must hold a JSON document: {reason}",
        value=text,
        schema_location=f"{content_at}/contentMediaType",
        rule="contentMediaType",
    )

"""The one-pass quick yes (dealerbridge._checker, walked by _speedups.checker) says 1 only where
the engine (jsonschema-rs, formats asserted) says valid and the value is plain JSON, and 0 only
where the engine says invalid: inside the walk a 0 becomes a 1 under ``not``, ``if``,
``anyOf`` and ``oneOf``, so both answers are held to the engine, on the bundled schemas and on
generated small schemas. It must also decide by itself every valid fixture (the speed of
`validate` rests on it), and never say 1 for a value the engine cannot read."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from functools import cache
from typing import Any

import jsonschema_rs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dealerbridge as db
from dealerbridge import _json
from dealerbridge._checker import compile_checker, compile_nodes, compile_pattern
from dealerbridge._engine import DRAFT, compiled
from dealerbridge._registry import default_registry
from dealerbridge.testing import invalid_payloads, payloads

speedups = _json._speedups
pytestmark = pytest.mark.skipif(speedups is None, reason="the C accelerator is not built")

NAMES = [n for n in db.schema_names() if n != "common/primitives"]
BASE = "https://schemas.dealerbridge.dev/tests/checker.json"


def engine(schema: dict[str, Any], value: object) -> bool | None:
    """The engine's verdict (None: it cannot read the value)."""
    validator = _engine_for(json.dumps(schema))
    try:
        return bool(validator.is_valid(value))
    except Exception:
        return None


@cache
def _engine_for(text: str) -> Any:
    return jsonschema_rs.validator_for(
        {"$schema": DRAFT, **json.loads(text)}, validate_formats=True, offline=True
    )


def walk(schema: object, value: object) -> int:
    return int(compile_checker(default_registry(), BASE, schema, speedups.checker).check(value))


def agrees(answer: int, verdict: bool | None) -> bool:
    return answer == -1 or (answer == 1 and verdict is True) or (answer == 0 and verdict is False)


# ------------------------------------------------------------------- the bundled schemas


def test_every_bundled_schema_is_walked_without_leaving_a_node_to_the_engine():
    # A keyword, format or pattern the walk does not know makes its node "not known", which
    # is correct but sends every value through it to the engine: validate would lose its
    # speed silently. A schema change that does so must extend the walk (or say why not here).
    registry = default_registry()
    for name in registry.names():
        for version in registry.versions(name):
            document = registry.document(name, version)
            nodes, _patterns = compile_nodes(registry, document["$id"], document)
            opaque = [i for i, node in enumerate(nodes) if node[0]]
            assert opaque == [], (name, version)


def test_the_walk_decides_every_valid_fixture_and_agrees_with_the_engine_on_all():
    from .vendor_support import fixture_files, vendor_schema_names

    decided = 0
    for name in vendor_schema_names():
        check = compiled(name)
        for path in fixture_files(name):
            try:
                value = db.parse_json(path.read_bytes())
            except db.ValidationError:
                continue
            answer = check._check(value)
            verdict = check._validator.is_valid(value)
            assert agrees(answer, verdict), path
            if verdict:
                assert answer == 1, path  # valid fixtures never need the engine
            decided += answer != -1
    assert decided > 400


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_the_walk_agrees_with_the_engine_on_generated_payloads(data):
    name = data.draw(st.sampled_from(NAMES))
    valid = data.draw(st.booleans())
    if valid:
        value = data.draw(payloads(name))
    else:
        value, _expected = data.draw(invalid_payloads(name))
    check = compiled(name)
    answer = check._check(value)
    verdict = check._validator.is_valid(value)
    assert agrees(answer, verdict)
    if verdict:
        assert answer == 1


# ------------------------------------------------------------------------------ patterns

SCHEMA_PATTERNS = sorted(
    {
        match
        for name in db.schema_names()
        for match in re.findall(r'"pattern": ("(?:[^"\\]|\\.)*")', json.dumps(db.schema(name)))
    }
)
# The syntax the subset reads, each construct at least once.
MORE_PATTERNS = [
    "abc",
    "a|bc",
    "(a|bc)+$",
    "^(?:ab|a)c?$",
    "^[^a-c]{2,3}$",
    "x{0}y",
    "^a{2,}b*?$",
    "^[\\]\\-\\\\]+$",
    "^[a-]$",
    "\\u00e9\\x41",
    "[\\t\\v\\f]",
    "^(a|b)(c|d)$",
    "(ab)*$",
    "\\.$",
    "^$",
    "^\\/\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\^\\$$",
]
PATTERNS = [json.loads(p) for p in SCHEMA_PATTERNS] + MORE_PATTERNS
ALPHABET = "abcdxyAZ09-._ \t\n\r\x0b\x0c#,*+?()[]{}|^$/\\\u00e9\u2028\U0001f600"


def _python_regex(pattern: str) -> str:
    """*pattern* as Python's re reads the same strings (``$`` only at the very end)."""
    return (
        pattern[:-1] + r"\Z" if pattern.endswith("$") and not pattern.endswith("\\$") else pattern
    )


def strings_near(pattern: str) -> st.SearchStrategy[str]:
    matching = st.from_regex(_python_regex(pattern), fullmatch=False)
    mutated = st.tuples(matching, st.text(ALPHABET, max_size=3), st.integers(0, 30)).map(
        lambda t: t[0][: t[2]] + t[1] + t[0][t[2] :]
    )
    return matching | mutated | st.text(ALPHABET, max_size=12)


def test_every_pattern_of_the_subset_compiles():
    assert len(SCHEMA_PATTERNS) >= 10
    for pattern in PATTERNS:
        assert compile_pattern(pattern) is not None, pattern


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_a_pattern_matches_what_the_engine_matches(data):
    pattern = data.draw(st.sampled_from(PATTERNS))
    text = data.draw(strings_near(pattern))
    schema = {"pattern": pattern}
    answer = walk(schema, text)
    assert answer != -1 or re.search("[\ud800-\udfff]", text)
    assert agrees(answer, engine(schema, text)), (pattern, text)


CLASSES = [
    "[^\\n]",
    "[^a-c]",
    "[^ \\t\\n\\r\\f\\u000b]",
    "[a-zA-Z0-9#_-]",
    "[\\]\\-\\\\]",
    "[^\\u00e9-\\u00ff]",
    # ECMA-262 reads these as plain members (Rust's regex syntax has && -- ~~ set operations)
    "[a&&b]",
    "[a-c--b]",
    "[a~~b]",
    "[\\x41-\\x43]",
]
CHARACTERS = [chr(c) for c in range(0x200)] + ["\u2028", "\uffff", "\U0001f600", "\U0010ffff"]


@pytest.mark.parametrize("char_class", CLASSES)
def test_a_class_holds_exactly_the_characters_the_engine_s_does(char_class):
    schema = {"pattern": f"^{char_class}$"}
    walked = [walk(schema, ch) for ch in CHARACTERS]
    assert -1 not in walked
    assert walked == [int(engine(schema, ch)) for ch in CHARACTERS]


@pytest.mark.parametrize(
    "pattern",
    [".", "a.b", "\\d", "\\w+", "\\s", "\\bx", "a(?=b)", "(?<!a)b", "(a)\\1", "^a|b$",
     "^a$|b", "a$b", "a^", "[]", "[^]", "a**", "a{2,1}", "\\p{L}", "\\cA", "(?i)a", "[\\d]",
     "a{,3}", "(", "[a", "a{1001}", "\\0", "\\<a", "a\\>", "[\\<]", "\\#"],
)  # fmt: skip
def test_a_pattern_outside_the_subset_is_left_to_the_engine(pattern):
    assert compile_pattern(pattern) is None
    assert walk({"pattern": pattern}, "a") == -1
    # only the node holding it: a sibling branch still decides
    assert walk({"anyOf": [{"type": "integer"}, {"pattern": pattern}]}, 3) == 1


def test_a_pattern_anchored_at_the_end_is_read_backwards():
    # "\n$" on a long string is decided at its last character (the DFA of the reversed pattern)
    assert compile_pattern("\\n$")[5] == 1
    assert compile_pattern("^a$")[5] == 0
    long_text = "x" * 100_000
    assert walk({"not": {"pattern": "\\n$"}}, long_text) == 1
    assert walk({"not": {"pattern": "\\n$"}}, long_text + "\n") == 0


# ------------------------------------------------------------------------------- formats

two = st.integers(0, 99).map("{:02d}".format)
dates = st.builds(
    "{}-{}-{}".format,
    st.sampled_from(["0000", "1900", "2000", "2023", "2024", "2100", "9999"]),
    st.sampled_from(["00", "01", "02", "04", "06", "09", "11", "12", "13"]),
    st.sampled_from(["00", "01", "28", "29", "30", "31", "32"]),
)
date_times = st.builds(
    "{}{}{}:{}:{}{}{}".format,
    dates,
    st.sampled_from(["T", "t", " "]),
    st.sampled_from(["00", "09", "23", "24"]),
    st.sampled_from(["00", "59", "60"]),
    st.sampled_from(["00", "59", "60", "61"]),
    st.sampled_from(["", ".", ".4", ".123456789012"]),
    st.sampled_from(["Z", "z", "", "+00:00", "-23:59", "+24:00", "+05:60", "+0530", "+05:30x"]),
)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["date", "date-time"]), dates | date_times | st.text(max_size=25))
def test_a_format_is_yes_only_where_the_engine_says_yes(format_name, text):
    schema = {"format": format_name}
    answer = walk(schema, text)
    assert answer in (1, -1)  # a format never says "invalid": the engine decides those
    assert agrees(answer, engine(schema, text)), text


@pytest.mark.parametrize(
    ("format_name", "text"),
    [
        ("date", "2024-02-29"),
        ("date", "2000-02-29"),
        ("date", "0000-01-01"),
        ("date-time", "2023-01-29T16:43:58Z"),
        ("date-time", "2023-01-29T16:43:58.400Z"),
        ("date-time", "2023-12-31T23:59:59-23:59"),
    ],
)
def test_a_real_date_is_decided_by_the_walk(format_name, text):
    assert walk({"format": format_name}, text) == 1


@pytest.mark.parametrize("text", ["1900-02-29", "2023-02-29", "2023-04-31", "2023-13-01"])
def test_an_unreal_date_is_left_to_the_engine(text):
    assert walk({"format": "date"}, text) == -1


# --------------------------------------------------------------- generated small schemas

NAMES_USED = ["a", "b", "c"]
leaf_schemas = st.one_of(
    st.booleans(),
    st.builds(lambda t: {"type": t}, st.sampled_from(
        ["null", "boolean", "integer", "number", "string", "array", "object"])),
    st.builds(lambda ts: {"type": ts}, st.lists(st.sampled_from(
        ["null", "integer", "number", "string"]), min_size=1, max_size=2, unique=True)),
    st.builds(lambda e: {"enum": e}, st.lists(st.sampled_from(
        [None, True, False, 0, 1, -1, 1.5, 1.0, "a", "", [], {}, [1]]), min_size=1, max_size=3)),
    st.builds(lambda c: {"const": c}, st.sampled_from([None, True, 0, 1, 1.0, "a", [1], {}])),
    st.builds(lambda k, n: {k: n}, st.sampled_from(["minLength", "maxLength"]),
              st.integers(0, 3)),
    st.builds(lambda k, n: {k: n}, st.sampled_from(
        ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"]),
        st.sampled_from([0, 1, -1, 0.5, 2**53, 2**53 + 1, 2**63 - 1, -(2**63), 1e300, -0.0])),
    st.builds(lambda p: {"pattern": p}, st.sampled_from(["^a", "b$", "^[a-c]*$", "\\n$", ""])),
    st.builds(lambda f: {"format": f}, st.sampled_from(["date", "date-time"])),
    # nodes the walk leaves to the engine, so "not known" meets not/if/anyOf/oneOf too
    st.sampled_from([{"pattern": "a.c"}, {"format": "email"}]),
    st.builds(lambda names: {"required": names}, st.lists(st.sampled_from(NAMES_USED),
              max_size=2, unique=True)),
)  # fmt: skip


def _composite(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    subs = st.lists(inner, min_size=1, max_size=3)
    return st.one_of(
        st.builds(lambda p: {"properties": p}, st.dictionaries(st.sampled_from(NAMES_USED),
                  inner, max_size=2)),
        st.builds(lambda p, a: {"properties": p, "additionalProperties": a},
                  st.dictionaries(st.sampled_from(NAMES_USED), inner, max_size=2), inner),
        st.builds(lambda k, s: {"patternProperties": {k: s}}, st.sampled_from(["^a", "c$"]),
                  inner),
        st.builds(lambda s: {"items": s}, inner),
        st.builds(lambda s: {"allOf": s}, subs),
        st.builds(lambda s: {"anyOf": s}, subs),
        st.builds(lambda s: {"oneOf": s}, subs),
        st.builds(lambda s: {"not": s}, inner),
        st.builds(lambda i, t, e: {"if": i, "then": t, "else": e}, inner, inner, inner),
        st.builds(lambda i, t: {"if": i, "then": t}, inner, inner),
        st.builds(lambda i, e: {"if": i, "else": e}, inner, inner),
        st.builds(lambda a, b: {**a, **b} if isinstance(a, dict) and isinstance(b, dict)
                  else a, inner, inner),
    )  # fmt: skip


small_schemas = st.recursive(leaf_schemas, _composite, max_leaves=6)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.sampled_from([0, 1, -1, 2, 2**53, 2**53 + 1, 2**63 - 1, -(2**63)])
    | st.sampled_from([0.0, -0.0, 0.5, 1.0, 1.5, -1.0, 1e300, 9.3e18, 2.0**53])
    | st.sampled_from(["", "a", "ab", "abc", "b", "bc", "c", "a\n", "2024-02-29", "x\u00e9"])
    | st.sampled_from(["2023-01-29T16:43:58Z", "2023-02-29", "\U0001f600\U0001f600"]),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from([*NAMES_USED, "ab", "cc"]), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_schemas, json_values)
def test_the_walk_agrees_with_the_engine_on_generated_schemas(schema, value):
    if not isinstance(schema, dict):
        schema = {"allOf": [schema]}
    answer = walk(schema, value)
    assert agrees(answer, engine(schema, value)), (schema, value)


@pytest.mark.parametrize(
    ("schema", "value"),
    [
        ({"enum": [1]}, 1.0),
        ({"enum": [1.0]}, 1),
        ({"enum": [1.5, "a"]}, 1),
        ({"const": 0}, -0.0),
        ({"enum": [True]}, 1),
        ({"enum": [1]}, True),
        ({"enum": [0]}, False),
        ({"enum": [[1]]}, [1.0]),
        ({"oneOf": [True, True]}, 1),
        ({"oneOf": [True, {"type": "string"}, True]}, 1),
        ({"oneOf": [True, {"pattern": "a.c"}]}, "abc"),
        ({"if": {"pattern": "a.c"}, "then": False, "else": True}, ""),
        ({"if": {"pattern": "a.c"}, "then": False, "else": True}, "abc"),
        ({"if": {"pattern": "a.c"}, "then": True, "else": True}, ""),
        ({"if": {"pattern": "a.c"}, "then": False}, "xyz"),
        ({"not": {"pattern": "a.c"}}, "abc"),
        ({"anyOf": [{"pattern": "a.c"}, False]}, "abc"),
        ({"anyOf": [{"pattern": "a.c"}, True]}, "abc"),
        ({"type": "integer"}, 1.0),
        ({"type": "integer"}, 1.5),
        ({"type": "integer", "minimum": 2**53}, 2.0**53),
        ({"maximum": 2**63 - 1}, 9.3e18),
        ({"minimum": 0.5}, 0),
        ({"exclusiveMaximum": 2**53 + 1}, 2**53 + 1),
    ],
)
def test_the_walk_agrees_with_the_engine_where_json_and_python_differ(schema, value):
    # numbers compare as JSON numbers (1 and 1.0 are one number, true is not 1), and a node
    # the walk leaves to the engine keeps every combinator around it "not known" or exact
    answer = walk(schema, value)
    verdict = engine(schema, value)
    assert agrees(answer, verdict), (answer, verdict)


# ------------------------------------------------------------------ values not plain JSON


class Str(str):
    pass


class Dict(dict):  # type: ignore[type-arg]
    pass


class Hostile:
    """A member name that poses as "x": its __eq__ must never run in the walk."""

    def __hash__(self) -> int:
        return hash("x")

    def __eq__(self, other: object) -> bool:
        raise AssertionError("the walk called a member name's __eq__")


def _deep(levels: int) -> object:
    value: object = 1
    for _ in range(levels):
        value = [value]
    return value


NOT_PLAIN = [
    {1: "x"},
    {"a": {None: 1}},
    ["\ud800"],
    {"\udc00": 1},
    {"extra": {"deep": ["ok", "\ud834"]}},
    Str("a"),
    {"a": Str("b")},
    Dict(a=1),
    math.nan,
    [math.inf],
    2**63,
    -(2**63) - 1,
    {"a": [2**64]},
    _deep(_json.MAX_DEPTH + 1),
    (1, 2),
    {"a": b"x"},
    {Hostile(): 1},
    {"a": 1, Hostile(): 2},
]


@pytest.mark.parametrize("value", NOT_PLAIN, ids=range(len(NOT_PLAIN)))
@pytest.mark.parametrize(
    "schema",
    [True, {}, {"type": "object"}, {"not": {"type": "string"}}, {"anyOf": [True, False]},
     {"properties": {"a": True}}, {"items": {"not": {"type": "null"}}}, {"required": ["x"]},
     {"properties": {"a": True}, "required": ["x"]}],
)  # fmt: skip
def test_a_value_the_engine_cannot_read_is_never_a_yes(schema, value):
    assert walk(schema, value) != 1


def test_a_value_the_engine_cannot_read_is_never_a_yes_under_a_bundled_schema():
    order = json.loads(
        (_fixture_dir() / "mykaarma" / "order" / "valid-event-example-order.json").read_text(
            "utf-8"
        )
    )
    check = compiled("mykaarma/order")
    assert check._check(order) == 1
    # in a member no keyword names (read responses stay open to new members)
    for bad in ("\ud800", Str("x"), math.nan, 2**63, {1: 2}):
        assert check._check({**order, "unknownMember": bad}) == -1
        assert check._check({**order, "vehicle": {**order["vehicle"], "extra": [bad]}}) == -1


def _fixture_dir():
    from pathlib import Path

    return Path(__file__).resolve().parent / "fixtures"


def test_a_value_nested_past_the_depth_limit_is_left_to_the_engine():
    assert walk(True, _deep(_json.MAX_DEPTH)) == 1
    assert walk({"items": True}, _deep(_json.MAX_DEPTH)) == 1
    assert walk(True, _deep(_json.MAX_DEPTH + 1)) == -1
    assert walk({"items": True}, _deep(_json.MAX_DEPTH + 1)) == -1
    # a schema whose items are itself walks every level with its keywords (not the free walk)
    every_level = ((0, 0, 0, -1, -1, (), 0, (), None, None, (), -1, (), 0, (), (), (), -1, -1,
                    -1, -1),)  # fmt: skip
    check = speedups.checker(every_level, ()).check
    assert check(_deep(_json.MAX_DEPTH)) == 1
    assert check(_deep(_json.MAX_DEPTH + 1)) == -1


# ------------------------------------------------------------------- the compiled program


def test_a_schema_whose_combinators_branch_without_end_is_left_to_the_engine():
    # anyOf [A, A] under A branches 2^n ways without consuming the value: the walk gives up
    # after a bounded number of steps instead of running for ever
    # (in a child process: without the budget the C walk cannot be interrupted, and the test
    # must fail, not hang)
    code = (
        "from dealerbridge import _speedups\n"
        "node = (0, 0, 0, -1, -1, (), 0, (), None, None, (), -1, (), -1, (), (0, 0), (), -1, -1,"
        " -1, -1)\n"
        "print(_speedups.checker((node,), ()).check(1))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "-1"


def test_a_schema_that_is_only_a_ref_is_the_node_it_points_at():
    registry = default_registry()
    nodes, _ = compile_nodes(registry, BASE, {"$ref": f"{_primitives()}#/$defs/cents"})
    assert len(nodes) == 1  # no node for the bare $ref itself


def _primitives() -> str:
    return default_registry().document("common/primitives")["$id"]


@pytest.mark.parametrize(
    "nodes",
    [
        (),
        ((0,) * 5,),
        ((0, 0, 0, -1, -1, (), 0, (), None, None, (), -1, (), 5, (), (), (), -1, -1, -1, -1),),
        ((0, 0, 0, -1, -1, (0,), 0, (), None, None, (), -1, (), -1, (), (), (), -1, -1, -1, -1),),
        ((2, 0, 0, -1, -1, (), 0, (), None, None, (), -1, (), -1, (), (), (), -1, -1, -1, -1),),
        ((0, 0, 0, -1, -1, (), 0, ((0, 2**64),), None, None, (), -1, (), -1, (), (), (), -1,
          -1, -1, -1),),
        ((0, 0, 0, -1, -1, (), 0, (), None, {"a": 3}, (), -1, (), -1, (), (), (), -1, -1, -1,
          -1),),
    ],
)  # fmt: skip
def test_the_c_checker_refuses_a_malformed_program(nodes):
    with pytest.raises((TypeError, ValueError)):
        speedups.checker(nodes, ())

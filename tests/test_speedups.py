"""The C accelerator (dealerbridge._speedups) only ever accepts early: with it and without it,
`check_value` and `parse_json` give one verdict (the same value, or the same issues), `validate`
the same issues, and `dump` the same output (its `same` agrees with marshal's bytes)."""

import decimal
import json
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealerbridge import MAX_DEPTH, ValidationError, _json
from dealerbridge._json import INT_MAX, INT_MIN, MAX_EXPANDED_VALUES, check_value, parse_json

speedups = _json._speedups
ROOT = Path(__file__).resolve().parents[1]


def test_the_accelerator_is_built_where_it_is_required():
    # CI sets DEALERBRIDGE_REQUIRE_SPEEDUPS=1, so a build that silently fell back to pure
    # Python (no compiler, a broken hook) fails here instead of only in the benchmarks.
    if not os.environ.get("DEALERBRIDGE_REQUIRE_SPEEDUPS"):
        pytest.skip("DEALERBRIDGE_REQUIRE_SPEEDUPS is not set")
    assert speedups is not None
    assert _json._c_clean is speedups.clean
    assert _json._c_structure is speedups.structure


needs_speedups = pytest.mark.skipif(speedups is None, reason="the C accelerator is not built")


pure_python = _json._pure_python


def _issues(value):
    return [(i.path, i.code, i.message, i.value) for i in check_value(value)]


def _read(raw):
    try:
        value = parse_json(raw)
    except ValidationError as exc:
        return ("issues", [(i.path, i.code, i.message, i.value) for i in exc.issues])
    return ("value", json.dumps(value), _types(value))


def _types(value):
    """The exact types of every value (json.dumps writes 1 and 1.0, True and 1 apart, but
    not an int subclass from an int)."""
    if isinstance(value, dict):
        return {k: _types(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_types(v) for v in value]
    return type(value).__name__


class Str(str):
    pass


class Int(int):
    pass


plain = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(INT_MIN, INT_MAX)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(exclude_categories=("Cs",)), max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4)
    ),
    max_leaves=20,
)

#: What the value check turns down or has to look at closely, one of each kind.
odd_leaves = st.sampled_from(
    [
        float("nan"),
        float("inf"),
        -float("inf"),
        INT_MAX + 1,
        INT_MIN - 1,
        2**64,
        (1, 2),
        {1, 2},
        b"x",
        decimal.Decimal("1.5"),
        Str("subclass"),
        Int(3),
        "\ud800",
        object(),
    ]
)

values = st.recursive(
    plain | odd_leaves,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=4) | st.integers(0, 3), inner, max_size=4)
    ),
    max_leaves=20,
)


@needs_speedups
@given(values)
def test_check_value_gives_one_verdict_with_and_without_the_accelerator(value):
    accelerated = _issues(value)
    with pure_python():
        assert _issues(value) == accelerated


@needs_speedups
@given(plain)
def test_clean_counts_the_members_of_a_plain_value(value):
    def members(item):
        if isinstance(item, dict):
            return len(item) + sum(members(v) for v in item.values())
        if isinstance(item, list):
            return sum(members(v) for v in item)
        return 0

    assert speedups.clean(value) == members(value)


@needs_speedups
@pytest.mark.parametrize(
    "value",
    [
        [float("nan")],
        {"a": [INT_MAX + 1]},
        [INT_MIN - 1],
        [(1,)],
        {"a": Str("x")},
        [True, Int(1)],
        [decimal.Decimal(1)],
        [b"x"],
    ],
)
def test_clean_turns_down_what_the_python_walk_must_look_at(value):
    assert speedups.clean(value) == -1
    accelerated = _issues(value)  # refused, or (subclasses of str and int) accepted
    with pure_python():
        assert _issues(value) == accelerated


@needs_speedups
@pytest.mark.parametrize("levels", [MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1])
def test_clean_bounds_the_depth_exactly(levels):
    value: object = []
    for _ in range(levels - 1):
        value = [value]
    assert (speedups.clean(value) >= 0) == (levels <= MAX_DEPTH)
    cycle: list[object] = []
    cycle.append(cycle)
    assert speedups.clean(cycle) == -1  # a value that contains itself is infinitely deep
    assert [i.code for i in check_value(cycle)] == ["json.depth"]


@needs_speedups
def test_clean_stops_counting_past_the_limit_and_leaves_reuse_to_the_python_walk():
    bomb: object = [1]
    for _ in range(40):  # 2^41 values written out, a few hundred bytes of Python
        bomb = [bomb, bomb]
    assert speedups.clean(bomb) == -2
    assert [i.code for i in check_value(bomb)] == ["json.size"]
    big = [None] * MAX_EXPANDED_VALUES  # just past the count, nothing reused: plain
    assert speedups.clean(big) == -2
    assert check_value(big) == []
    shared = [[1, 2, 3]] * 1000  # reused, small written out: the C walk counts it through
    assert speedups.clean(shared) == 0
    assert check_value(shared) == []


def _outside_strings_members(data: bytes) -> int:
    return _json._outside_strings(data).count(b":")


@needs_speedups
@given(plain, st.sampled_from([None, 0, 2]), st.booleans())
def test_structure_counts_the_members_written(value, indent, ascii_only):
    def long_integer(item):
        if isinstance(item, dict):
            return any(long_integer(v) for v in item.values())
        if isinstance(item, list):
            return any(long_integer(v) for v in item)
        return type(item) is int and len(str(abs(item))) >= 19

    data = json.dumps(value, indent=indent, ensure_ascii=ascii_only).encode()
    expected = -1 if long_integer(value) else _outside_strings_members(data)
    assert speedups.structure(data) == expected


# The C pass reads strings eight bytes at a time up to their first quote or backslash: long
# strings of structure characters, escapes at every offset from a word's start, and padding
# that moves every string across word boundaries.
tricky = st.text(st.sampled_from('ab:"\\[]{}\u00e9\n'), max_size=40)


@needs_speedups
@given(
    st.dictionaries(tricky, tricky | st.lists(tricky, max_size=3), max_size=5),
    st.integers(0, 8),
    st.booleans(),
)
def test_structure_counts_members_whatever_the_strings_hold(value, padding, ascii_only):
    data = (" " * padding + json.dumps(value, ensure_ascii=ascii_only)).encode()
    assert speedups.structure(data) == _outside_strings_members(data)


@needs_speedups
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a:b": "c:d", "e\\":": [":"]}', 2),
        ('{"\\\\": 1}', 1),
        ("[" * MAX_DEPTH + "]" * MAX_DEPTH, 0),
        ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), -1),
        ('{"a": ' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1), -1),
        ('["' + "[" * 100 + '"]', 0),  # brackets inside a string are not structure
        ("[999999999999999999]", 0),  # 18 digits: well inside int64
        ("[9223372036854775807]", -1),  # 19 digits: left to the careful reader
        ("[-9223372036854775809]", -1),
        ("[18446744073709551616]", -1),  # past uint64
        ("[1234567890123456789.5, 1e999999999999999999]", 0),  # fractions: floats anyway
    ],
)
def test_structure_examples(text, expected):
    assert speedups.structure(text.encode()) == expected


#: Texts the fast path must hand to the careful reader: each would be read wrongly by msgspec
#: alone, or is refused and must be named as the careful reader names it.
HOSTILE = [
    '{"a": 1, "a": 2}',
    '[{"k": 1}, {"k": 1, "k": 2}]',
    '{"a": {"b": 1, "b": 1}}',
    "[18446744073709551615]",
    "[18446744073709551616]",
    "[-9223372036854775809]",
    "[9223372036854775808]",
    "[9223372036854775807, -9223372036854775808]",
    "[1e400]",
    "[-1e400]",
    "[NaN]",
    "[Infinity]",
    '"\\ud800"',
    '"\\udc00x"',
    '{"\\ud800": 1}',
    "\ufeff[1]",
    "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1),
    "[" * 2000 + "]" * 2000,
    "[1,]",
    '{"a" : 1 , "a":2}',
    '"a\tb"',
    " [1] ",
    "[1]\x0c",
    "",
    "[01]",
    "[-0, -0.0, 0.0, 1E2, 1e-400]",
    # numbers a parser must round correctly: halfway cases, subnormals, the double's edges
    "[1.00000000000000011102230246251565404236316680908203125]",
    "[1.00000000000000011102230246251565404236316680908203124]",
    "[2.2250738585072011e-308, 2.2250738585072012e-308, 4.9406564584124654e-324]",
    "[2.4703282292062328e-324, 2.4703282292062327e-324]",
    "[1.7976931348623157e308, 1.7976931348623158e308, 1.7976931348623159e308]",
    "[9007199254740993.0, 1e23, 8.98846567431158e307, 123456789012345678901234567890e-10]",
]


@needs_speedups
@pytest.mark.parametrize("text", HOSTILE)
def test_parse_json_gives_one_verdict_on_hostile_text(text):
    for raw in (text, text.encode("utf-8", "surrogatepass")):
        accelerated = _read(raw)
        with pure_python():
            assert _read(raw) == accelerated


@needs_speedups
@given(
    st.text("0123456789", min_size=1, max_size=25),
    st.integers(-330, 310),
    st.booleans(),
)
def test_parse_json_reads_every_written_float_as_the_careful_reader_does(digits, exponent, minus):
    # msgspec parses the numbers on the fast path; measured once over 200,000 such strings
    # (only 1.7976931348623159e308 differed: msgspec refuses it, json reads inf, and the
    # careful reader refuses that as json.non_finite).
    text = f"[{'-' if minus else ''}{digits[0]}.{digits[1:] or '0'}e{exponent}]"
    accelerated = _read(text)
    with pure_python():
        assert _read(text) == accelerated


names = st.text(st.sampled_from('ab:"\\[]{}'), max_size=3)
numbers = (
    st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.sampled_from([INT_MAX, INT_MIN, INT_MAX + 1, INT_MIN - 1, 2**64 - 1, 2**64])
)


@needs_speedups
@given(
    st.recursive(
        (numbers | st.text(max_size=4) | st.none()).map(json.dumps),
        lambda inner: (
            st.lists(inner, max_size=3).map(lambda items: "[" + ", ".join(items) + "]")
            | st.lists(st.tuples(names, inner), max_size=3).map(
                lambda pairs: "{" + ", ".join(json.dumps(k) + ": " + v for k, v in pairs) + "}"
            )
        ),
        max_leaves=12,
    )
)
def test_parse_json_gives_one_verdict_on_generated_text(text):
    # Duplicate names (a tiny alphabet makes them common), integers past both 64-bit ranges,
    # floats: whatever the fast path accepts, the careful reader reads the same.
    accelerated = _read(text)
    with pure_python():
        assert _read(text) == accelerated


def _fixture_cases():
    from .vendor_support import fixture_files, vendor_schema_names

    return [(name, path) for name in vendor_schema_names() for path in fixture_files(name)]


@needs_speedups
def test_the_quick_yes_of_validate_agrees_with_issues_on_every_fixture():
    # `CompiledSchema.valid` lets `issues` (so validate/errors) return at once for a plain,
    # valid value with nothing to decode; it must never say yes where the deciding path
    # (`decode`, which never asks it) finds a problem, and must say yes for every valid
    # fixture of a schema without strings holding JSON.
    from dealerbridge._engine import compiled

    said_yes = 0
    for name, path in _fixture_cases():
        value = json.loads(path.read_bytes())
        check = compiled(name)
        found = check.decode(value).issues
        if check.valid(value):
            said_yes += 1
            assert found == [], path
        elif not check._contents:
            assert found != [], path
    assert said_yes > 50


@needs_speedups
@pytest.mark.parametrize("value", [{1: "x"}, {"a": {None: 1}}, ["\ud800"], {"\udc00": 1}])
def test_the_quick_yes_leaves_what_the_c_walk_does_not_look_at_to_the_deciding_path(value):
    # The C walk does not read member names or string contents (the Python loop does not
    # either): the engine raises on them, and the quick yes must then say "look closely"
    # rather than let the engine's error escape (the fuzz test found it).
    from dealerbridge._engine import compiled

    check = compiled("mykaarma/order")
    assert speedups.clean(value) >= 0
    assert check.valid(value) is False
    accelerated = [(i.path, i.code, i.message) for i in check.issues(value)]
    assert accelerated
    with pure_python():
        assert [(i.path, i.code, i.message) for i in check.issues(value)] == accelerated


def _marshal_same(a, b):
    import marshal

    try:
        return marshal.dumps(a, 0) == marshal.dumps(b, 0)
    except ValueError:
        return None


scalars = st.sampled_from([0, 1, -1, 1.0, -0.0, 0.0, True, False, None, "", "1", "a", 2**62])
known = st.recursive(
    scalars | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from("abc"), inner),
    max_leaves=10,
)


def _variant(value, data):
    """A value like *value*: itself, a copy, or a copy with one leaf swapped for a look-alike,
    or an object's members reordered."""
    choice = data.draw(st.integers(0, 3))
    if choice == 0:
        return value
    if choice == 1:
        return json.loads(json.dumps(value))
    if isinstance(value, dict) and choice == 2:
        return dict(reversed(list(value.items())))
    if isinstance(value, list) and value:
        i = data.draw(st.integers(0, len(value) - 1))
        return [*value[:i], _variant(value[i], data), *value[i + 1 :]]
    if isinstance(value, dict) and value:
        key = data.draw(st.sampled_from(sorted(value)))
        return {**value, key: _variant(value[key], data)}
    return data.draw(scalars)


@needs_speedups
@given(known, st.data())
def test_same_answers_as_marshal_does(value, data):
    # dump tells an unchanged content member by marshal's bytes (1, 1.0 and True differ, so
    # do 0.0 and -0.0 and two member orders); `same` must agree wherever it answers.
    other = _variant(value, data)
    expected = _marshal_same(value, other)
    assert speedups.same(value, other) == int(expected)
    assert speedups.same(other, value) == int(expected)


@needs_speedups
@pytest.mark.parametrize(
    ("a", "b"),
    [
        (1, 1.0),
        (1, True),
        (0, False),
        (0.0, -0.0),
        (None, 0),
        ("1", 1),
        ([1], [1.0]),
        ({"a": 1, "b": 2}, {"b": 2, "a": 1}),
        ({"a": [0.0]}, {"a": [-0.0]}),
        ({"a": 1}, {"b": 1}),
        ([1, 2], [1, 2, 3]),
    ],
)
def test_same_tells_look_alikes_apart_as_marshal_does(a, b):
    assert _marshal_same(a, b) is False
    assert speedups.same(a, b) == 0
    assert speedups.same(a, a) == 1
    assert speedups.same(a, json.loads(json.dumps(a))) == int(
        _marshal_same(a, json.loads(json.dumps(a)))
    )


@needs_speedups
@pytest.mark.parametrize(
    ("a", "b"),
    [((1,), (1,)), ([decimal.Decimal(1)], [decimal.Decimal(1)]), ({1: 2}, {1: 2}), (Str("a"), "a")],
)
def test_same_leaves_what_it_does_not_know_to_marshal(a, b):
    assert speedups.same(a, b) == -1


@needs_speedups
def test_dump_writes_the_same_with_and_without_the_accelerator():
    import dealerbridge as db
    from dealerbridge import mykaarma as mk

    raw = (ROOT / "examples" / "mykaarma-order-event.json").read_bytes()

    def dumps():
        out = []
        for edit in (None, "1", "1.0", "reorder", "true"):
            event = mk.parse_order_event(raw)
            order = event.payload.order
            if edit == "reorder":
                order.extras = dict(reversed(list(order.extras.items())))
            elif edit is not None:
                order.extras = {**order.extras, "added": json.loads(edit)}
            out.append(json.dumps(db.dump(event)))
        return out

    accelerated = dumps()
    assert len(set(accelerated)) > 2  # the edits show: not every dump is the original string
    with pure_python():
        assert dumps() == accelerated

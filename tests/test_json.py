import contextlib
import json
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealerbridge import MAX_DEPTH, ValidationError, _json, parse_json
from dealerbridge._json import INT_MAX, INT_MIN, check_value


@pytest.fixture(scope="module", params=["accelerated", "pure"], autouse=True)
def reader_mode(request):
    """Every test here runs twice: with the C accelerator's early accepts (when it is built)
    and with the pure-Python checks alone, which must decide by themselves."""
    if request.param == "accelerated":
        if _json._speedups is None:
            pytest.skip("the C accelerator is not built here")
        yield request.param
        return
    with _json._pure_python():
        yield request.param


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(INT_MIN, INT_MAX)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(exclude_categories=("Cs",))),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(json_values)
def test_round_trips_every_json_value(value):
    for text in (json.dumps(value), json.dumps(value, ensure_ascii=False)):
        assert parse_json(text) == value
        assert parse_json(text.encode("utf-8")) == value


@given(st.binary(max_size=64))
def test_arbitrary_bytes_only_ever_raise_validation_error(raw):
    try:
        parse_json(raw)
    except ValidationError as exc:
        assert exc.issues and exc.issues[0].code.startswith("json.")


@given(st.text(max_size=64))
def test_arbitrary_text_only_ever_raises_validation_error(raw):
    with contextlib.suppress(ValidationError):
        parse_json(raw)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ('{"a": 1, "a": 2}', "json.duplicate_key"),
        ('{"x": {"a": 1, "b": 2, "a": 3}}', "json.duplicate_key"),
        ("NaN", "json.non_finite"),
        ("[Infinity]", "json.non_finite"),
        ("[-Infinity]", "json.non_finite"),
        ("[1e400]", "json.non_finite"),
        ('"\\ud800"', "json.lone_surrogate"),
        ('{"\\udc00": 1}', "json.lone_surrogate"),
        ('"a\ud800"', "json.lone_surrogate"),
        (b"\xef\xbb\xbf{}", "json.encoding"),
        ("\ufeff{}", "json.encoding"),
        (b"\xff\xfe{\x00}\x00", "json.encoding"),
        (b'"\xed\xa0\x80"', "json.encoding"),
        (b'"\xc3"', "json.encoding"),
        ("{'a': 1}", "json.syntax"),
        ("[1,]", "json.syntax"),
        ("", "json.syntax"),
        ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "json.depth"),
        ("[" * 100000 + "]" * 100000, "json.depth"),
        ('{"a":' * 5000 + "1" + "}" * 5000, "json.depth"),
        (12, "json.type"),
        (None, "json.type"),
    ],
)
def test_rejects_each_class_of_bad_input(raw, code):
    with pytest.raises(ValidationError) as info:
        parse_json(raw)
    assert [i.code for i in info.value.issues] == [code]
    assert info.value.issues[0].path == ""


def test_depth_limit_is_exact():
    assert parse_json("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None
    brackets_in_strings = '["' + "[" * 200 + '"]'
    assert parse_json(brackets_in_strings) == ["[" * 200]


def test_integers_are_64_bit():
    assert parse_json(str(INT_MAX)) == INT_MAX and parse_json(str(INT_MIN)) == INT_MIN
    assert parse_json("[-0, 0, 1]") == [0, 0, 1]
    for text in (
        str(INT_MAX + 1),
        str(INT_MIN - 1),
        "12345678901234567890123",
        "9" * 5000,
        "-" + "9" * 5000,
        "[" + "1" * 4301 + "]",
        "1" * 4301 + "x",  # once a JSONDecodeError from the retry path
        '{"timestamp": ' + "1" * 5000 + "}",
        "1" * 800_000,  # once parsed in quadratic time
    ):
        with pytest.raises(ValidationError) as info:
            parse_json(text)
        assert [i.code for i in info.value.issues] == ["json.integer_range"]
        assert str(info.value) and repr(info.value)  # the message itself never raises


def test_allows_scalars_and_keeps_exact_values():
    assert parse_json("-0") == 0 and parse_json('"x"') == "x" and parse_json("true") is True
    assert parse_json('"\\ud83d\\ude00"') == "\U0001f600"
    assert parse_json(bytearray(b"[1]")) == [1]
    assert parse_json("1.5e3") == 1500.0 and parse_json("[1E-5]") == [1e-05]


@pytest.mark.parametrize(
    "text",
    [
        '{"a": "x:y", "b": "[{", "c": "\\"", "d": "\\\\", "e": ":"}',
        '{"a\\":b": 1, "a\\"": {"x": "]]]", "y": [":", "\\\\\\""]}}',
        '[{"k": "\\u0022:"}, {"k": "\\\\\\":["}]',
        '{"": 1, " ": {"": 2}}',
    ],
)
def test_colons_brackets_and_escapes_in_strings_are_not_structure(text):
    assert parse_json(text) == json.loads(text)


@pytest.mark.parametrize(
    "text",
    [
        '{"a": "x:y", "a": 1}',
        '[{"a": 1}, {"b": ":", "c": {"d": 1, "d": 2}}]',
        '{"a\\"": 1, "a\\u0022": 2}',
        '{"\\\\": 1, "\\u005c": 2}',
    ],
)
def test_duplicates_are_found_among_colons_in_strings(text):
    with pytest.raises(ValidationError) as info:
        parse_json(text)
    assert [i.code for i in info.value.issues] == ["json.duplicate_key"]


names = st.text(st.sampled_from('ab:"\\[]{}'), max_size=3)


@given(st.lists(st.tuples(names, st.integers(0, 3) | names), max_size=6))
def test_duplicate_names_are_rejected_exactly_when_present(pairs):
    text = "{" + ",".join(f"{json.dumps(k)}:{json.dumps(v)}" for k, v in pairs) + "}"
    keys = [k for k, _ in pairs]
    if len(set(keys)) == len(keys):
        assert parse_json(text) == dict(pairs)
    else:
        with pytest.raises(ValidationError) as info:
            parse_json(text)
        assert info.value.issues[0].code == "json.duplicate_key"


def test_depth_is_measured_outside_strings():
    deep = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    wrapped = '["' + "]" * 70 + '", ' + deep + "]"
    with pytest.raises(ValidationError) as info:
        parse_json(wrapped)  # 65 levels; the brackets in the string do not close any
    assert info.value.issues[0].code == "json.depth"
    text = '[{"a": "' + "[" * 100 + '\\""}, ' + "[" * 63 + "]" * 63 + "]"
    assert parse_json(text) == json.loads(text)


@pytest.mark.parametrize("size", [1_000, 100_000, 1_000_000])
def test_escape_heavy_text_is_read_or_rejected(size):
    # Once quadratic in the depth pre-check (94 s at 100 KB); timings are in benchmarks/reader.py.
    with pytest.raises(ValidationError) as info:
        parse_json("[" * 65 + '"' + '\\"' * size)
    assert info.value.issues[0].code in ("json.depth", "json.syntax")
    assert parse_json('["' + '\\"' * size + '"]') == ['"' * size]


# Escape-heavy text (an envelope with a document stringified into one of its members) is read by
# the scanner first and then checked by a walk of the result (`_json._read_escaped`); anything
# that walk does not accept goes to the byte passes, so both ways must give one verdict.
def _envelope(inner: str) -> str:
    stringified = json.dumps(json.dumps({"order": {"a": "x:y", "b": ["[", "{"]}, "n": 1}))
    return '{"payload": [' + ", ".join([stringified] * 3) + '], "inner": ' + inner + "}"


def _verdict(text: str) -> object:
    try:
        return ("value", parse_json(text))
    except ValidationError as exc:
        return ("issues", [(i.path, i.code, i.message) for i in exc.issues])


def _byte_pass_verdict(text: str) -> object:
    with mock.patch.object(_json, "_escape_heavy", lambda data: False):
        return _verdict(text)


ENVELOPED = [
    "1",
    '"\\ud83d\\ude00"',
    '{"a": 1, "a": 2}',
    '[{"k": 1}, {"k": 1, "k": 2}]',
    '"\\ud800"',
    '{"\\udc00": 1}',
    "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1),  # 64 levels with the envelope
    "[" * MAX_DEPTH + "]" * MAX_DEPTH,  # 65 levels
    "[" * 100000 + "]" * 100000,
    '{"a":' * 70 + "1" + "}" * 70,
    str(INT_MAX + 1),
    "1e400",
    "NaN",
    "[1,]",
    '"unterminated',
]


@pytest.mark.parametrize("inner", ENVELOPED)
def test_escape_heavy_text_gets_the_byte_pass_verdict(inner):
    text = _envelope(inner)
    assert _json._escape_heavy(text.encode())  # the escape-heavy read is the one exercised
    assert _verdict(text) == _byte_pass_verdict(text)


@given(json_values, st.booleans())
def test_escape_heavy_text_reads_every_value_as_the_byte_passes_do(value, ascii_only):
    text = _envelope(json.dumps(value, ensure_ascii=ascii_only))
    assert _json._escape_heavy(text.encode())
    assert _verdict(text) == _byte_pass_verdict(text)
    assert _verdict(text)[0] == "value"


@pytest.mark.parametrize("levels", [MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1])
@pytest.mark.parametrize("innermost", [[], {}, [1]])
def test_check_value_and_parse_json_agree_on_the_depth_limit(levels, innermost):
    value: object = innermost
    for _ in range(levels - 1):
        value = [value]
    text = json.dumps(value)
    read = _verdict(text)[0] == "value"
    assert (check_value(value) == []) == read == (levels <= MAX_DEPTH)


# `load` skips `check_value` for what `parse_json` has just returned: that is only sound while
# everything the reader accepts passes the value check.
@given(json_values | st.text(max_size=40).map(lambda s: [s, {s: s}]))
def test_what_parse_json_returns_passes_check_value(value):
    for text in (json.dumps(value), _envelope(json.dumps(value))):
        assert check_value(parse_json(text)) == []


@given(st.binary(max_size=64) | st.text(max_size=64))
def test_whatever_parse_json_accepts_passes_check_value(raw):
    try:
        value = parse_json(raw)
    except ValidationError:
        return
    assert check_value(value) == []

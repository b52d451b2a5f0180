import contextlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealerbridge import MAX_DEPTH, ValidationError, parse_json

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
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


def test_keeps_big_integers_exactly_and_allows_scalars():
    big = "9" * 5000
    assert parse_json(big) == 10**5000 - 1
    assert parse_json("-" + big) == -(10**5000 - 1)
    assert parse_json("12345678901234567890123") == 12345678901234567890123
    assert parse_json("-0") == 0 and parse_json('"x"') == "x" and parse_json("true") is True
    assert parse_json('"\\ud83d\\ude00"') == "\U0001f600"
    assert parse_json(bytearray(b"[1]")) == [1]

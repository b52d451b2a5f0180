import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealerbridge import ValidationError
from dealerbridge._engine import compiled
from dealerbridge.money import AMOUNT_OUT_PATTERN, AMOUNT_PATTERN, amount_to_cents, cents_to_amount

cents = st.integers(0, 10**300) | st.integers(0, 10**6)


@given(cents)
def test_round_trip_every_int(value):
    amount = cents_to_amount(value)
    assert re.fullmatch(AMOUNT_OUT_PATTERN[1:-1], amount)
    assert amount_to_cents(amount) == value


@given(st.integers(0, 10**12), st.integers(0, 9))
def test_one_decimal_means_tens_of_cents(whole, tenth):
    assert amount_to_cents(f"{whole}.{tenth}") == whole * 100 + tenth * 10
    assert amount_to_cents(str(whole)) == whole * 100


def test_examples():
    assert amount_to_cents("12.5") == 1250
    assert cents_to_amount(1250) == "12.50"
    assert cents_to_amount(5) == "0.05"
    assert amount_to_cents("488.14") == 48814
    assert amount_to_cents("0012.30") == 1230


amount_schema = compiled("common/primitives", fragment="/$defs/mykaarmaAmount")


@given(st.text(max_size=12) | st.from_regex(r"\A-?[0-9 ]{0,4}[.,]?[0-9]{0,4}\n?\Z"))
def test_grammar_matches_the_schema_exactly(text):
    schema_ok = not amount_schema.issues(text)
    try:
        amount_to_cents(text)
        converter_ok = True
    except ValidationError as exc:
        assert exc.issues[0].code == "money.amount"
        converter_ok = False
    assert schema_ok == converter_ok
    assert converter_ok == bool(re.fullmatch(AMOUNT_PATTERN[1:-1], text, flags=re.ASCII))


@pytest.mark.parametrize(
    "bad", ["12.505", "-1", "1e3", " 1", "1 ", "1.", ".5", "12.50\n", "١٢", "", "+1"]
)
def test_rejects_non_amounts(bad):
    with pytest.raises(ValidationError):
        amount_to_cents(bad)


@pytest.mark.parametrize("bad", [1.0, 12.5, True, False, "100", None, -1, -(10**30)])
def test_cents_must_be_a_non_negative_int(bad):
    with pytest.raises(ValidationError) as info:
        cents_to_amount(bad)
    assert info.value.issues[0].code == "money.cents"


@pytest.mark.parametrize("bad", [1250, 12.5, None, b"12.50"])
def test_amount_must_be_a_string(bad):
    with pytest.raises(ValidationError):
        amount_to_cents(bad)

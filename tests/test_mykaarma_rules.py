import datetime as dt
import hashlib
import hmac
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

import dealerbridge as db
from dealerbridge import ValidationError
from dealerbridge.mykaarma import (
    letter_to_status,
    same_order,
    status_to_letter,
    verify_authorization_token,
    verify_webhook_signature,
)

SECRET = "partner-basic-auth-username"


def sign(body: bytes, secret=SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@given(st.binary(max_size=200))
def test_signature_of_the_raw_body_verifies(body):
    assert verify_webhook_signature(body, sign(body), SECRET)
    assert verify_webhook_signature(
        body, sign(body).upper().replace("SHA256=", "sha256="), SECRET.encode()
    )
    assert not verify_webhook_signature(body + b" ", sign(body), SECRET)
    assert not verify_webhook_signature(body, sign(body, "other"), SECRET)


@pytest.mark.parametrize(
    "header",
    [
        "",
        "sha256=",
        "sha256=zz",
        "md5=" + "0" * 64,
        "sha256=" + "0" * 63,
        "sha256=" + "g" * 64,
        None,
        b"sha256=00",
        "sha256=" + "é" * 64,
        {},
        {"mykaarma-signature-token": None},
        {"Mykaarma-Signature-Token": "sha256=00"},
    ],
)
def test_malformed_headers_are_false_never_an_exception(header):
    assert verify_webhook_signature(b"{}", header, SECRET) is False


def test_the_same_argument_types_as_the_shopmonkey_helper():
    # issue 20: bodies as bytes, bytearray, memoryview or str; headers as a mapping (names
    # case-insensitive) or the header's value; misuse is a DealerbridgeUsageError
    body = b'{"id": "e1"}'
    signature = sign(body)
    for raw in (body, bytearray(body), memoryview(body), body.decode()):
        assert verify_webhook_signature(raw, signature, SECRET) is True
        assert verify_webhook_signature(raw, {"MyKaarma-Signature-Token": signature}, SECRET)
    assert not verify_webhook_signature(body, {"other": signature}, SECRET)
    for wrong_body in ({"id": "e1"}, None, 5):
        with pytest.raises(db.DealerbridgeUsageError, match="raw body"):
            verify_webhook_signature(wrong_body, signature, SECRET)
    for wrong_headers in (5, ["sha256=00"]):
        with pytest.raises(db.DealerbridgeUsageError, match="headers"):
            verify_webhook_signature(body, wrong_headers, SECRET)
    for wrong_secret in ("", b"", None, 42):
        with pytest.raises(db.DealerbridgeUsageError, match="secret"):
            verify_webhook_signature(body, signature, wrong_secret)
    for wrong_token in ("", None, b"token"):
        with pytest.raises(db.DealerbridgeUsageError, match="token"):
            verify_authorization_token("token", wrong_token)


def test_authorization_token():
    token = "myKaarma_0b6a9a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
    assert verify_authorization_token(token, token)
    assert not verify_authorization_token(token[:-1], token)
    assert not verify_authorization_token(None, token)
    assert not verify_authorization_token("é", token)


def test_status_vocabularies():
    for word, letter in [("OPENED", "O"), ("PRE-INVOICED", "P"), ("CLOSED", "C")]:
        assert status_to_letter(word) == letter and letter_to_status(letter) == word
    for bad in ("OPEN", "o", "", None):
        with pytest.raises(ValidationError):
            status_to_letter(bad)
        with pytest.raises(ValidationError):
            letter_to_status(bad)


def test_same_order_window_is_inclusive_and_symmetric():
    base = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)
    assert same_order("RO-1", base, "RO-1", base + dt.timedelta(days=30))
    assert same_order("RO-1", base + dt.timedelta(days=30), "RO-1", base)
    assert not same_order("RO-1", base, "RO-1", base + dt.timedelta(days=30, seconds=1))
    assert not same_order("RO-1", base, "ro-1", base)
    assert same_order("RO-1", ("2026-01-01", "12:00:00"), "RO-1", ("2026-01-31", "12:00:00"))
    assert not same_order("RO-1", ("2026-01-01", "12:00:00"), "RO-1", ("2026-01-31", "12:00:01"))


def test_same_order_compares_instants_not_wall_clocks():
    la = ZoneInfo("America/Los_Angeles")
    # 30 wall-clock days across the March DST change is 30 days minus one hour: inside.
    a = dt.datetime(2026, 3, 1, 12, tzinfo=la)
    b = dt.datetime(2026, 3, 31, 12, tzinfo=la)
    assert b - a == dt.timedelta(days=30)  # Python's same-zone subtraction ignores DST
    assert same_order("7", a, "7", b)
    # 30 days plus 30 minutes of wall clock across the November change is 30 days and 90 min.
    c = dt.datetime(2026, 10, 10, 12, tzinfo=la)
    d = dt.datetime(2026, 11, 9, 11, 30, tzinfo=la)
    assert d - c < dt.timedelta(days=30)  # wall clock says inside
    assert not same_order("7", c, "7", d)  # the instants are 30 days 30 minutes apart
    assert same_order("7", c, "7", ("2026-11-09", "19:00:00"))


@pytest.mark.parametrize(
    "bad",
    [
        dt.datetime(2026, 1, 1),
        ("2026-01-01",),
        ("2026-02-30", "00:00:00"),
        ("2026-01-01", "24:00:00"),
        "2026-01-01",
        None,
    ],
)
def test_same_order_rejects_bad_moments(bad):
    with pytest.raises(ValidationError):
        same_order("1", bad, "1", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))


def test_parse_order_event_reads_a_byte_buffer_like_load():
    # issue 20: parse_order_event refused the bytearray that load accepts
    from dealerbridge import mykaarma as mk

    from .vendor_support import ROOT

    raw = (ROOT / "examples" / "mykaarma-order-event.json").read_bytes()
    expected = mk.parse_order_event(raw)
    for wrap in (bytearray, memoryview):
        assert mk.parse_order_event(wrap(raw)) == expected == db.load(mk.OrderEvent, wrap(raw))

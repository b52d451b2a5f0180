"""Issue 10, one test per reproducer: hostile input gives a documented error, redaction holds."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import threading
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

import dealerbridge as db
import dealerbridge.mykaarma as mk
import dealerbridge.shopmonkey as sm
from dealerbridge import money
from dealerbridge._cli import main
from dealerbridge._json import INT_MAX, INT_MIN, check_value
from dealerbridge._render import REDACTED_NAME, render_value

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "mykaarma-order-event.json"
ORDER_FIXTURE = ROOT / "tests" / "fixtures" / "mykaarma" / "order" / "valid-minimal.json"
PARTNER = ROOT / "tests" / "fixtures" / "mykaarma" / "partner-appointment-request"


def codes(info: pytest.ExceptionInfo[db.ValidationError]) -> list[str]:
    return [i.code for i in info.value.issues]


def prints_and_dumps(value: object) -> None:
    repr(value), str(value)
    if isinstance(value, db.Model):
        json.dumps(db.dump(value, validate=False))


# --------------------------------------------------------------------------- stray exceptions


def test_a_4301_digit_number_in_an_event_is_a_validation_error():
    with pytest.raises(db.ValidationError) as info:
        mk.parse_order_event(b"[" + b"1" * 4301 + b"]")
    assert codes(info) == ["json.integer_range"]
    repr(info.value), str(info.value)


def test_errors_and_load_on_a_huge_python_int_never_raise_something_else():
    big = 10**5000
    order = json.loads(ORDER_FIXTURE.read_text())
    order["header"]["mileage"] = big
    found = db.errors(order, "mykaarma/order")
    assert [i.code for i in found] == ["json.integer_range"]
    assert found[0].path == "/header/mileage"
    repr(found), str(found[0]), json.dumps(found[0].to_dict())
    with pytest.raises(db.ValidationError) as info:
        db.load(mk.Order, order)
    assert codes(info) == ["json.integer_range"]
    repr(info.value)


def test_parse_json_retry_path_is_gone():
    with pytest.raises(db.ValidationError) as info:
        db.parse_json("1" * 4301 + "x")
    assert codes(info) == ["json.integer_range"]


def test_a_5000_digit_timestamp_is_rejected_not_accepted():
    event = json.loads(EXAMPLE.read_text())
    raw = json.dumps(event).replace(str(event["timestamp"]), "7" * 5000)
    with pytest.raises(db.ValidationError) as info:
        mk.parse_order_event(raw)
    assert codes(info) == ["json.integer_range"]


@pytest.mark.parametrize("value", [INT_MAX + 1, INT_MIN - 1, -(10**30)])
def test_python_ints_outside_int64_are_rejected_by_validate(value):
    with pytest.raises(db.ValidationError) as info:
        db.validate({"mileage": value}, "mykaarma/order")
    assert "json.integer_range" in codes(info)


def test_ints_at_the_int64_bounds_reach_the_schema():
    for value in (INT_MAX, INT_MIN):
        assert check_value({"a": [value]}) == []


def test_appointment_datetime_before_year_one_in_tokyo():
    with pytest.raises(db.ValidationError) as info:
        mk.appointment_datetime("0001-01-01T00:00:00", "Asia/Tokyo")
    assert codes(info) == ["datetime"]


@pytest.mark.parametrize("fold", [0.0, 1.0, True, "0", 2])
def test_appointment_datetime_fold_must_be_an_int(fold):
    with pytest.raises(db.ValidationError):
        mk.appointment_datetime("2025-11-02T01:30:00", "America/New_York", fold=fold)


def test_same_order_at_the_edge_of_time():
    early = dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=5)))
    late = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with pytest.raises(db.ValidationError) as info:
        mk.same_order("A", early, "A", late)
    assert codes(info) == ["datetime"]


def test_apply_partner_defaults_on_1000_deep_nesting():
    deep: list[object] = []
    for _ in range(1000):
        deep = [deep]
    with pytest.raises(db.ValidationError) as info:
        mk.apply_partner_defaults({"x": deep})
    assert codes(info) == ["json.depth"]


def test_cents_to_amount_of_a_huge_negative_number():
    with pytest.raises(db.ValidationError) as info:
        money.cents_to_amount(-(10**5000))
    assert codes(info) == ["money.cents"]
    with pytest.raises(db.ValidationError):
        money.cents_to_amount(10**5000)


def test_money_is_exact_to_10_power_300_and_refuses_longer_input():
    assert money.amount_to_cents("1" + "0" * 300 + ".05") == 10**302 + 5
    assert money.cents_to_amount(10**302 + 5) == "1" + "0" * 300 + ".05"
    longest = "9" * (money.MAX_AMOUNT_LENGTH - 3) + ".99"
    assert money.cents_to_amount(money.amount_to_cents(longest)) == longest
    with pytest.raises(db.ValidationError) as info:
        money.amount_to_cents("1" * 800_000)
    assert codes(info) == ["money.amount"]
    with pytest.raises(db.ValidationError):
        money.amount_to_cents("1" * (money.MAX_AMOUNT_LENGTH + 1))


@pytest.mark.parametrize(
    "bad",
    [Decimal("1.5"), (1, 2), {1, 2}, b"x", dt.date(2026, 1, 1), float("nan"), float("inf")],
)
def test_python_only_values_are_json_type(bad):
    order = json.loads(ORDER_FIXTURE.read_text())
    order["header"]["mileage"] = bad
    found = db.errors(order, "mykaarma/order")
    assert [(i.path, i.code) for i in found] == [("/header/mileage", "json.type")]
    with pytest.raises(db.ValidationError):
        db.load(mk.Order, order)


def test_a_value_that_contains_itself_is_refused_not_a_crash():
    loop: list[object] = []
    loop.append(loop)
    found = db.errors({"mileage": loop}, "mykaarma/order")
    assert [(i.path, i.code) for i in found] == [("/mileage/0", "json.depth")]
    assert found[0].message == "the value contains itself"  # found as a cycle, not as depth
    shared = {"a": 1}
    assert check_value([shared, shared, [shared]]) == []  # shared is not cyclic


def test_deep_python_values_never_reach_the_engine():
    # jsonschema-rs crashes the process on a 100,000-deep Python list.
    deep: list[object] = []
    for _ in range(100_000):
        deep = [deep]
    assert [i.code for i in db.errors(deep, "mykaarma/order")] == ["json.depth"]


# --------------------------------------------------------------------------- misuse


@pytest.mark.parametrize("name", [["x"], (10**5000,), None, 3])
def test_schema_with_a_name_that_is_not_a_string(name):
    with pytest.raises(db.DealerbridgeUsageError):
        db.schema(name)


def test_schema_with_a_huge_version():
    with pytest.raises(db.DealerbridgeUsageError):
        db.schema("mykaarma/order", version=10**5000)


def test_event_key_and_order_number_of_none():
    with pytest.raises(db.DealerbridgeUsageError):
        mk.event_key(None)
    with pytest.raises(db.DealerbridgeUsageError):
        sm.order_number(None)


def test_dump_of_a_model_whose_extras_is_not_a_dict():
    order = db.load(mk.Order, json.loads(ORDER_FIXTURE.read_text()))
    broken = attrs.evolve(order, extras=["not", "a", "dict"])
    with pytest.raises(db.DealerbridgeUsageError):
        db.dump(broken)


def test_one_root_error():
    assert issubclass(db.ValidationError, db.DealerbridgeError)
    assert issubclass(db.DealerbridgeUsageError, db.DealerbridgeError)
    assert issubclass(db.UnknownSchemaError, db.DealerbridgeError)
    assert issubclass(db.ValidationError, ValueError)


# --------------------------------------------------------------------------- the renderer


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("RO\u00a048213", '"RO\\u00a048213"'),
        ("a\u200bb", '"a\\u200bb"'),
        ("line\nbreak", '"line\\nbreak"'),
        ("e\u0301", '"e\\u0301"'),
        ("\u2028", '"\\u2028"'),
        ("\U000e0041", '"\\U000e0041"'),
        ("\uff32O-1", '"\\uff32O-1"'),
        ("José Müller", '"José Müller"'),
        ('say "hi"', '"say \\"hi\\""'),
        (None, "null"),
        (True, "true"),
        (1.5, "1.5"),
        (float("nan"), "NaN"),
        ([1, "a"], '[1, "a"]'),
        ({"k": None}, '{"k": null}'),
    ],
)
def test_render_value_escapes_what_cannot_be_seen(value, shown):
    assert render_value(value) == shown


def test_render_value_shortens_in_the_middle_and_says_the_length():
    text = render_value("a" * 30 + "b" * 5000 + "c" * 30)
    assert text.startswith('"aaaa') and "…" in text and text.endswith('cccc" (5060 characters)')
    assert len(text) < 100
    assert "5001 digits" in render_value(10**5000)
    long_list = render_value(list(range(100_000)))
    assert "array of 100000 items" in long_list and len(long_list) < 120


def test_render_value_never_raises():
    class Hostile:
        def __repr__(self) -> str:
            raise RuntimeError("no")

    loop: list[object] = []
    loop.append(loop)
    deep: list[object] = []
    for _ in range(100_000):
        deep = [deep]
    for value in (Hostile(), loop, deep, {1: {2: 3}}, 10**100_000, Decimal("NaN"), b"\xff"):
        assert isinstance(render_value(value), str)


def test_issue_and_error_reprs_hide_values_under_redaction():
    with db.redaction():
        found = db.errors({"customer": {"firstName": 12345}}, "mykaarma/order")
        text = repr(found) + repr(db.ValidationError(found)) + str(db.ValidationError(found))
    assert "12345" not in text
    with db.redaction():
        issue = db.Issue("/x", "type", "m", value="Jane Roe")
        assert "Jane Roe" not in repr(issue) and "Jane Roe" not in repr(db.ValidationError([issue]))


def test_helper_messages_use_the_renderer():
    order = db.load(sm.Order, _shopmonkey_order())
    broken = attrs.evolve(order, number=["555-0100 Jane Roe"])
    with db.redaction():
        with pytest.raises(db.ValidationError) as info:
            sm.order_number(broken)
        assert "Jane Roe" not in str(info.value) and "Jane Roe" not in repr(info.value)
        with pytest.raises(db.ValidationError) as info2:
            money.cents_to_amount(-1234567)
        assert "1234567" not in str(info2.value) and "1234567" not in repr(info2.value)


def _shopmonkey_order() -> dict[str, object]:
    for path in sorted((ROOT / "tests" / "fixtures" / "shopmonkey" / "order").glob("valid*.json")):
        return json.loads(path.read_text())
    raise LookupError("no Shopmonkey order fixture")


def test_undefined_member_names_are_redacted_in_paths_and_messages():
    body = json.loads(next(PARTNER.glob("valid*.json")).read_text())
    body["jane.roe@example.com"] = "x"
    with db.redaction():
        found = db.errors(body, "mykaarma/partner-appointment-request")
    assert found and all("jane.roe" not in str(i) and "jane.roe" not in i.path for i in found)
    assert any(REDACTED_NAME in i.path for i in found)
    default = db.errors(body, "mykaarma/partner-appointment-request")  # level pii: hidden too
    assert all("jane.roe" not in str(i) and "jane.roe" not in i.path for i in default)
    with db.redaction("off"):
        shown = db.errors(body, "mykaarma/partner-appointment-request")
    assert any("jane.roe@example.com" in i.path for i in shown)  # redaction off: shown


def test_defined_member_names_stay_visible_under_redaction():
    order = json.loads(ORDER_FIXTURE.read_text())
    order["header"]["orderNumber"] = 70115
    with db.redaction():
        found = db.errors(order, "mykaarma/order")
    assert [i.path for i in found] == ["/header/orderNumber"]
    assert "'orderNumber'" in found[0].message and "70115" not in found[0].message


def test_redaction_does_not_leak_across_threads():
    seen: list[bool] = []
    inside = threading.Event()
    done = threading.Event()

    def other() -> None:
        inside.wait()
        seen.append(db._errors.redaction_enabled())
        done.set()

    thread = threading.Thread(target=other)
    thread.start()
    with db.redaction(True):
        inside.set()
        done.wait()
    thread.join()
    assert seen == [False]


def test_redaction_does_not_leak_across_asyncio_tasks():
    async def run() -> tuple[bool, bool]:
        started = asyncio.Event()
        release = asyncio.Event()

        async def shows() -> bool:
            with db.redaction(False):
                started.set()
                await release.wait()
                return db._errors.redaction_enabled()

        async def hides() -> bool:
            with db.redaction(True):
                await started.wait()
                result = db._errors.redaction_enabled()
                release.set()
                return result

        first, second = await asyncio.gather(shows(), hides())
        return first, second

    assert asyncio.run(run()) == (False, True)


def test_cli_honours_the_environment_variable(tmp_path, capsys, monkeypatch):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"mobileServiceApptUuid": 5, "note": "Jane Roe 555-0100"}))
    monkeypatch.setenv("DEALERBRIDGE_REDACT", "1")
    assert main(["validate", "mykaarma/partner-appointment-query", str(path), "--json"]) == 1
    out = capsys.readouterr().out
    assert "Jane Roe" not in out and "555-0100" not in out
    monkeypatch.setenv("DEALERBRIDGE_REDACT", "0")
    assert main(["validate", "mykaarma/partner-appointment-query", str(path)]) == 1
    assert "Jane Roe" in capsys.readouterr().out


def test_cli_prints_huge_and_invisible_values_without_a_traceback(tmp_path, capsys):
    path = tmp_path / "big.json"
    path.write_text('{"id": ' + "9" * 5000 + ', "x\u00a0y": "\u200b"}')
    for extra in ([], ["--json"]):
        assert main(["validate", "mykaarma/order-event", str(path), *extra]) == 1
        assert "json.integer_range" in capsys.readouterr().out


def test_accepted_values_print_and_dump():
    event = mk.parse_order_event(EXAMPLE.read_bytes())
    prints_and_dumps(event)
    order = db.load(mk.Order, json.loads(ORDER_FIXTURE.read_text()))
    prints_and_dumps(order)


def test_an_issue_written_without_redaction_is_not_shown_under_it():
    issue = db.Issue("/x", "type", 'found "Jane Roe"', value="Jane Roe")
    error = db.ValidationError([issue])
    with db.redaction():
        shown = repr(issue) + str(issue) + repr(error) + str(error) + json.dumps(error.to_list())
    assert "Jane Roe" not in shown
    assert "Jane Roe" in str(error)  # outside the block, as written


@pytest.mark.parametrize("text", ['{"phone": 55501001234567890123}', "[1e999]", '{"a": 1, "a": 2}'])
def test_reader_messages_hide_values_under_redaction(text):
    with db.redaction(), pytest.raises(db.ValidationError) as info:
        db.parse_json(text)
    with db.redaction():
        shown = str(info.value) + repr(info.value) + json.dumps(info.value.to_list())
    assert "5550100" not in shown and "999" not in shown and '"a"' not in shown


def test_issue_optional_rule_and_vendor_fields_travel_in_dict_and_repr():
    import dealerbridge as db

    plain = db.Issue("/a", "type", "'a' must be of type string; found 1", 1)
    assert "rule" not in plain.to_dict() and "vendor_code" not in plain.to_dict()
    tagged = db.Issue(
        "/source",
        "partner.rule",
        "source is required",
        None,
        rule="source-required",
        vendor_code="SOURCE_REQUIRED",
        vendor_text="Source is required",
        schema_location="https://schemas.dealerbridge.dev/x/v1.json#/required",
    )
    data = tagged.to_dict()
    assert data["rule"] == "source-required" and data["vendor_code"] == "SOURCE_REQUIRED"
    assert data["vendor_text"] == "Source is required"
    assert data["schema_location"].endswith("#/required")
    assert "vendor_code='SOURCE_REQUIRED'" in repr(tagged)


def test_an_unknown_member_is_redacted_even_when_another_schema_defines_its_name():
    # "orderNumber" is a member of the order schema, not of the partner request (closed).
    body = json.loads(next(PARTNER.glob("valid*.json")).read_text())
    assert "orderNumber" not in body
    body["orderNumber"] = "x"
    with db.redaction():
        found = db.errors(body, "mykaarma/partner-appointment-request")
    assert [(i.path, i.code) for i in found] == [(f"/{REDACTED_NAME}", "additionalProperties")]
    assert "orderNumber" not in str(found[0])

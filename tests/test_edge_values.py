"""Issue 19 items 1-3 at the core: the validation hints never read what they have not bounded,
integers are 64-bit however they are written, and a value that reuses containers is refused
before the engine expands it."""

import json

import pytest

import dealerbridge as db
from dealerbridge import shopmonkey as sm
from dealerbridge._engine import compiled
from dealerbridge._registry import SchemaRegistry, schema_root

from .vendor_support import FIXTURES

ORDER = json.loads(
    (FIXTURES / "shopmonkey" / "order" / "valid-walk-in-no-customer-no-vehicle.json").read_text()
)


def codes(found):
    return sorted({(i.path, i.code) for i in found})


# --------------------------------------------------------------------------- hints


@pytest.mark.parametrize("text", ["²", "٣", "9" * 4301, " 12 ", "1" * 20])
def test_a_cents_string_never_crashes_the_hint(text):
    order = {**ORDER, "totalCostCents": text}
    found = db.errors(order, "shopmonkey/order")
    assert codes(found) == [("/totalCostCents", "type")]
    with pytest.raises(db.ValidationError):
        db.validate(order, "shopmonkey/order")
    with pytest.raises(db.ValidationError):
        db.load(sm.Order, json.dumps(order))


def test_the_cents_hint_names_the_integer_to_send_when_it_fits():
    (issue,) = db.errors({**ORDER, "totalCostCents": " 1250 "}, "shopmonkey/order")
    assert "send 1250, not the string" in issue.message
    (issue,) = db.errors({**ORDER, "totalCostCents": "²"}, "shopmonkey/order")
    assert "send" not in issue.message.split("(")[-1].split(":")[0]
    assert 'amount_to_cents("12.50")' in issue.message


def test_an_82_byte_webhook_with_a_superscript_cents_is_a_validation_error():
    body = json.dumps(
        {"operation": "update", "table": "order", "data": {**ORDER, "totalCostCents": "²"}}
    )
    with pytest.raises(db.ValidationError):
        sm.parse_webhook(body)


# --------------------------------------------------------------------------- int64

#: A schema with an integer member whose schema says no bound: the core bounds it anyway.
BARE = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://schemas.dealerbridge.dev/bare/counter/v1.json",
    "x-direction": "inbound",
    "type": "object",
    "properties": {
        "count": {"description": "No bound written.", "type": "integer"},
        "small": {"description": "Its own bounds.", "type": "integer", "minimum": -1, "maximum": 9},
        "hours": {"description": "Any number.", "type": ["number", "null"]},
    },
}


@pytest.fixture(scope="module")
def bare(tmp_path_factory):
    root = tmp_path_factory.mktemp("schemas")
    (root / "bare" / "counter").mkdir(parents=True)
    (root / "bare" / "counter" / "v1.json").write_text(json.dumps(BARE))
    registry = SchemaRegistry([root, schema_root()])
    return compiled("bare/counter", registry=registry)


@pytest.mark.parametrize("number", [1e308, 9.3e18, 2.0**63, -1e19, -(2.0**64)])
def test_an_integral_number_outside_int64_is_refused_where_the_schema_says_no_bound(bare, number):
    (issue,) = bare.issues({"count": number})
    assert (issue.path, issue.code) == ("/count", "json.integer_range")
    assert issue.schema_location.endswith("#/properties/count/type")
    assert "signed 64-bit range" in issue.message
    assert bare.issues({"hours": number}) == []  # any number: only integers are 64-bit
    assert [i.code for i in bare.issues({"small": number})] != ["json.integer_range"]


@pytest.mark.parametrize("number", [2**63 - 1, -(2**63), 9223372036854774784.0, -(2.0**63), 0.0])
def test_integers_at_the_int64_edges_are_accepted_however_they_are_written(bare, number):
    assert bare.issues({"count": number}) == []


@pytest.mark.parametrize("number", ["1e308", "9.3e18", "9223372036854775808.0", "-1e19"])
def test_an_integral_number_outside_int64_never_loads(number):
    text = json.dumps(ORDER).replace('"totalCostCents": 0', f'"totalCostCents": {number}', 1)
    assert text != json.dumps(ORDER), "the fixture's totalCostCents moved"
    value = db.parse_json(text)
    # the bundled schemas write int64 bounds on their integers (minimum/maximum); an integer
    # without them gets json.integer_range from the core (above)
    bounds = {"json.integer_range", "minimum", "maximum"}
    assert {c for p, c in codes(db.errors(value, "shopmonkey/order"))} & bounds
    with pytest.raises(db.ValidationError) as info:
        db.load(sm.Order, text)
    assert {i.code for i in info.value.issues} & bounds


# --------------------------------------------------------------------------- shared containers


def shared(levels):
    value = []
    for _ in range(levels):
        value = [value, value]
    return value


def test_a_40_level_shared_list_is_refused_before_the_engine():
    value = {**ORDER, "services": shared(40)}
    for call in (
        lambda: db.validate(value, "shopmonkey/order"),
        lambda: db.load(sm.Order, value),
    ):
        with pytest.raises(db.ValidationError) as info:
            call()
        assert [i.code for i in info.value.issues] == ["json.size"]
    assert [i.code for i in db.errors(value, "shopmonkey/order")] == ["json.size"]


def test_reused_containers_within_the_limit_are_validated_as_usual():
    line = {"name": "x"}
    value = {**ORDER, "services": [line] * 3}
    found = db.errors(value, "shopmonkey/order")
    assert found  # the services are not valid services: the engine saw them
    assert "json.size" not in [i.code for i in found]
    assert db.errors(
        {**ORDER, "extraMember": shared(19)}, "shopmonkey/order"
    )  # 2^20 values: too big
    small = db.errors(
        {**ORDER, "extraMember": shared(18)}, "shopmonkey/order"
    )  # 2^19: the engine's
    assert "json.size" not in [i.code for i in small]


def test_the_expansion_walk_is_linear_in_the_object_graph():
    # 10,000 levels of a = [a, a] is 10,000 lists; the walk visits each once (the depth limit
    # is reported first, as for any value nested that deep)
    found = db.errors(shared(10_000), "shopmonkey/order")
    assert {i.code for i in found} == {"json.depth"}
    wide = [[0] * 100] * 20_000  # one list of 100 reused 20,000 times: 2,000,001 values
    assert [i.code for i in db.errors(wide, "shopmonkey/order")] == ["json.size"]

"""Every vendor schema: fixtures, generated valid and invalid payloads, round trips, coverage."""

import json
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dealerbridge as db
from dealerbridge.testing import invalid_payloads, models, payloads

from .vendor_support import (
    FIXTURES,
    Coverage,
    CoveringPayloads,
    borrows_every_member,
    expected_for,
    fixture_files,
    json_equal,
    model_for,
    strict_json,
    stubs_for,
    vendor_schema_names,
)

NAMES = vendor_schema_names()
# Schemas whose payloads are another schema's (every member borrowed) are generated there.
GENERATED = [name for name in NAMES if not borrows_every_member(name)]
FIXTURE_CASES = [(name, path) for name in NAMES for path in fixture_files(name)]
VALID_CASES = [(name, path) for name, path in FIXTURE_CASES if not path.name.startswith("invalid-")]


def issue_pairs(instance, name):
    return sorted((i.path, i.code) for i in db.errors(instance, name))


def refused_by_its_reader(name, payload):
    """Whether the function a user reads *payload* with refuses it: the vendor's ``parse_*``
    for a webhook body, `load` for another inbound schema, `validate` for an outbound one."""
    from dealerbridge import mykaarma as mk
    from dealerbridge import shopmonkey as sm

    readers = {
        "mykaarma/order-event": mk.parse_order_event,
        "mykaarma/customer-event": mk.parse_event,
        "shopmonkey/webhook": sm.parse_webhook,
    }
    try:
        if db._default_registry().model(name).direction != "inbound":
            db.validate(payload, name)
        elif name in readers:
            readers[name](json.dumps(payload).encode())
        else:
            db.load(model_for(name), payload)
    except db.ValidationError:
        return True
    return False


@pytest.mark.parametrize(("name", "path"), FIXTURE_CASES, ids=lambda v: getattr(v, "name", v))
def test_fixture_verdicts(name, path):
    instance = db.parse_json(path.read_bytes())
    if path.name.startswith("invalid-"):
        # the expected paths name unknown members, which only redaction "off" shows
        with db.redaction("off"):
            found = issue_pairs(instance, name)
        assert found == expected_for(path)
    else:
        assert issue_pairs(instance, name) == []


@pytest.mark.parametrize(("name", "path"), VALID_CASES, ids=lambda v: getattr(v, "name", v))
def test_valid_fixtures_round_trip_through_models(name, path):
    instance = db.parse_json(path.read_bytes())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = db.load(model_for(name), instance)
    assert strict_json(db.dump(loaded)) == strict_json(instance)


def test_every_vendor_schema_has_valid_fixtures():
    assert sorted(NAMES) == sorted({name for name, _ in VALID_CASES})


@pytest.mark.parametrize("name", GENERATED)
@given(data=st.data())
def test_generated_payloads_validate_and_round_trip(name, data):
    payload = data.draw(payloads(name, stubs=stubs_for(name)))
    assert db.errors(payload, name) == []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = db.load(model_for(name), payload)
    # Exactly the payload: generated integer fields hold ints, so the one documented
    # normalisation (an integral float in an integer field is loaded as an int) never applies.
    assert strict_json(db.dump(loaded)) == strict_json(payload)


@pytest.mark.parametrize("name", GENERATED)
@given(data=st.data())
def test_each_broken_rule_gives_exactly_its_issue(name, data):
    payload, expected = data.draw(invalid_payloads(name, stubs=stubs_for(name)))
    assert issue_pairs(payload, name) == [(expected.path, expected.code)]
    # and the function a user reads it with refuses it (load keeps an inbound enum value)
    assert refused_by_its_reader(name, payload)


# States of members no valid payload can have, under a named vendor rule (the strategies'
# fixups repair them away); the rule's own tests break them on purpose. The test below also
# checks each is really unreached, so an exemption cannot outlive its rule.
RULE_EXEMPT = {
    "mykaarma/partner-appointment-request": {
        # DROPOFF_RIDE_TIME_REQUIRED
        "absent": {"/dropTripInformation/rideTime"},
        # One trip $def serves both trips; the pickup's own schema refuses rideTime
        # ("rideTime": false), so it is never there, null or not (testing removes it).
        "null": {"/dropTripInformation/rideTime", "/pickupTripInformation/rideTime"},
        "present": {"/pickupTripInformation/rideTime"},
    },
}


@pytest.mark.parametrize("name", NAMES)
def test_every_field_is_reached_absent_null_and_present(name):
    """Every member of the schema is reached present, null (where nullable) and absent (where
    optional), and every union option, by valid payloads built from the schema model itself
    (`CoveringPayloads`: no random draws, so no rare branch depends on a seed), computed once
    per schema over all of them; each of those payloads round-trips through its model."""
    exempt = RULE_EXEMPT.get(name, {})
    covering = CoveringPayloads(name, exempt)
    assert covering.missing() == {"present": [], "null": [], "absent": []}
    unreached = covering.coverage.missing()
    for kind, paths in exempt.items():
        assert sorted(paths) == [p for p in unreached[kind] if p in paths], (kind, paths)
    cls = model_for(name)
    for payload in covering.payloads:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            loaded = db.load(cls, payload)
        assert strict_json(db.dump(loaded)) == strict_json(payload)


def _empty_lists(value):
    if isinstance(value, list):
        return (not value) + sum(_empty_lists(item) for item in value)
    if isinstance(value, dict):
        return sum(_empty_lists(item) for item in value.values())
    return 0


MODE_SCHEMA = "mykaarma/customer-with-vehicles"


def _any(field):
    return True


def _container(field):
    return field["container"]


def _nullable_scalar(field):
    return field["nullable"] and not field["container"]


@pytest.mark.parametrize(
    ("mode", "never", "arrays_filled"),
    [
        ({"optional": "all"}, {"absent": _any}, False),
        ({"nulls": "always"}, {"present": _nullable_scalar}, False),
        ({"optional": "containers"}, {"absent": _container, "null": _container}, True),
        ({"optional": "sparse"}, {}, True),
    ],
    ids=["all", "nulls-always", "containers", "sparse"],
)
def test_each_drawing_mode_keeps_its_promise(mode, never, arrays_filled):
    """The `payloads` options the docs promise (the coverage test above does not draw): valid
    payloads, no optional member absent under ``optional="all"``, no nullable scalar
    non-null under ``nulls="always"``, optional containers present and non-null under
    ``"containers"``, no empty array under ``"containers"`` and ``"sparse"``."""
    coverage = Coverage(MODE_SCHEMA)
    for state, applies in never.items():  # each check has members to bite on
        assert any(applies(f) for f in coverage.fields.values()), state

    @settings(max_examples=20, database=None)
    @given(payloads(MODE_SCHEMA, unknown_fields=False, **mode))
    def check(payload):
        assert db.errors(payload, MODE_SCHEMA) == []
        if arrays_filled:
            assert _empty_lists(payload) == 0
        coverage.observe(payload)

    check()
    for state, applies in never.items():
        assert sorted(p for p in getattr(coverage, state) if applies(coverage.fields[p])) == []


@pytest.mark.parametrize(
    ("left", "right", "equal"),
    [
        (1, 1, True),
        (1, 1.0, False),
        (1, True, False),
        (0, False, False),
        (None, False, False),
        ("1", 1, False),
        ({"a": 1, "b": [1, 2.5]}, {"b": [1, 2.5], "a": 1}, True),
        ({"a": [1, 2]}, {"a": [2, 1]}, False),
        ({"a": {"b": 1}}, {"a": {"b": 1.0}}, False),
        ({"a": 1}, {"a": 1, "b": None}, False),
        ([], {}, False),
    ],
)
def test_json_equal_tells_json_types_apart(left, right, equal):
    assert json_equal(left, right) is equal
    assert json_equal(right, left) is equal


@pytest.mark.parametrize("value", [(1, 2), {1: "a"}, 1.5j, object()])
def test_json_equal_refuses_what_is_not_json(value):
    with pytest.raises(TypeError):
        json_equal(value, value)


def test_a_stub_stands_in_for_an_embedded_document():
    name = "mykaarma/read-order-response"
    order = db.parse_json((FIXTURES / "mykaarma" / "order" / "valid-closed-full.json").read_bytes())

    @settings(max_examples=20, database=None)
    @given(payloads(name, optional="containers", stubs={"mykaarma/order": st.just(order)}))
    def check(payload):
        assert db.errors(payload, name) == []
        # optional="containers": the wrapper object is always there, with the order inside.
        assert payload["order"]["order"] is order

    check()


def test_strategies_are_built_once_per_schema_and_options():
    name = "shopmonkey/fee"
    assert payloads(name) is payloads(name)
    assert payloads(name) is not payloads(name, max_items=3)
    assert invalid_payloads(name) is invalid_payloads(name)
    stubs = stubs_for(name)
    assert payloads(name, stubs=stubs) is payloads(name, stubs=stubs_for(name))
    assert payloads(name, stubs=stubs) is not payloads(name)


def test_models_draws_loaded_instances_of_a_top_level_class():
    cls = model_for("shopmonkey/fee")
    assert models(cls) is models(cls)

    @settings(max_examples=20, database=None)
    @given(models(cls))
    def check(instance):
        assert type(instance) is cls
        assert db.errors(db.dump(instance), "shopmonkey/fee") == []

    check()

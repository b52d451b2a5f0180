"""Every vendor schema: fixtures, generated valid and invalid payloads, round trips, coverage."""

import json
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dealerbridge as db
from dealerbridge.testing import invalid_payloads, payloads

from .strictjson import tagged
from .vendor_support import Coverage, expected_for, fixture_files, model_for, vendor_schema_names

NAMES = vendor_schema_names()
FIXTURE_CASES = [(name, path) for name in NAMES for path in fixture_files(name)]


def issue_pairs(instance, name):
    return sorted((i.path, i.code) for i in db.errors(instance, name))


@pytest.mark.parametrize(("name", "path"), FIXTURE_CASES, ids=lambda v: getattr(v, "name", v))
def test_fixture_verdicts(name, path):
    instance = db.parse_json(path.read_bytes())
    if path.name.startswith("invalid-"):
        assert issue_pairs(instance, name) == expected_for(path)
    else:
        assert issue_pairs(instance, name) == []


@pytest.mark.parametrize(("name", "path"), FIXTURE_CASES, ids=lambda v: getattr(v, "name", v))
def test_valid_fixtures_round_trip_through_models(name, path):
    if path.name.startswith("invalid-"):
        return
    instance = db.parse_json(path.read_bytes())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = db.load(model_for(name), instance)
    assert tagged(db.dump(loaded)) == tagged(_integral(instance, name))


def _integral(instance, name):
    """The one documented normalisation: integral floats in integer fields become ints."""
    return json.loads(json.dumps(db.dump(db.load(model_for(name), instance))))


@pytest.mark.parametrize("name", NAMES)
@settings(suppress_health_check=list(HealthCheck), deadline=None)
@given(data=st.data())
def test_generated_payloads_validate_and_round_trip(name, data):
    payload = data.draw(payloads(name))
    assert db.errors(payload, name) == []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = db.load(model_for(name), payload)
    dumped = db.dump(loaded)
    assert tagged(_normalise(dumped)) == tagged(_normalise(payload))


def _normalise(value):
    # Integral floats in integer fields come back as ints (documented); compare numbers by
    # value and type otherwise.
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    return value


@pytest.mark.parametrize("name", NAMES)
@settings(suppress_health_check=list(HealthCheck), deadline=None)
@given(data=st.data())
def test_each_broken_rule_gives_exactly_its_issue(name, data):
    payload, expected = data.draw(invalid_payloads(name))
    assert issue_pairs(payload, name) == [(expected.path, expected.code)]


# Members a named vendor rule forbids to be absent or null in a valid payload (the strategies
# are valid under those rules too); the rule's own tests break them on purpose.
RULE_EXEMPT = {
    "mykaarma/partner-appointment-request": {
        # DROPOFF_RIDE_TIME_REQUIRED
        "absent": {"/dropTripInformation/rideTime"},
        "null": {"/dropTripInformation/rideTime"},
    },
}

# Ordered so that most schemas are fully covered after the first three; the rest only run
# while something is still missing ("containers" with nulls is slow on the large envelopes).
MODES = [
    {"optional": "all"},
    {"optional": "random", "nulls": "always"},
    {"optional": "sparse"},
    {"optional": "random"},
    {"optional": "containers", "nulls": "always"},
    {"optional": "containers"},
]


@pytest.mark.parametrize("name", NAMES)
def test_every_field_is_reached_absent_null_and_present(name):
    coverage = Coverage(name)
    exempt = RULE_EXEMPT.get(name, {})

    def missing():
        found = coverage.missing()
        return {
            kind: [p for p in paths if p not in exempt.get(kind, ())]
            for kind, paths in found.items()
        }

    for mode in MODES:

        @settings(
            max_examples=100,
            database=None,
            derandomize=True,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(payloads(name, max_items=2, **mode))
        def observe(payload):
            coverage.observe(payload)

        observe()
        if missing() == {"present": [], "null": [], "absent": []}:
            break
    assert missing() == {"present": [], "null": [], "absent": []}

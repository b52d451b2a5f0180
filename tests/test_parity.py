"""One verdict everywhere: dealerbridge.validate agrees with python-jsonschema and with ajv."""

import json
import os
from functools import cache
from pathlib import Path

import pytest
from hypothesis import Phase, given, seed, settings

import dealerbridge as db
from dealerbridge._validation import compiled
from dealerbridge.testing import invalid_payloads, payloads

from .reference import ajv_available, ajv_verdicts, python_verdict

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
NAMES = [n for n in db.schema_names() if n != "common/primitives"]


def fixture_cases():
    cases = []
    for path in sorted(FIXTURES.glob("*/*/*.json")):
        if path.name.endswith(".expected.json"):
            continue
        name = f"{path.parts[-3]}/{path.parts[-2]}"
        if name not in db.schema_names():
            continue
        try:
            instance = db.parse_json(path.read_bytes())
        except db.ValidationError:
            continue
        cases.append((name, instance))
    return cases


def schema_verdict(name, instance):
    return not compiled(name).schema_issues(instance)


# Each schema's payloads come from one seeded Hypothesis run (reproducible, and varied: a run
# starts with the simplest payload and then draws random ones, so DRAWS examples per run).
SEED = 20261129
DRAWS = 5
# Schemas with exactly one valid value (the DELETE body must be exactly {}).
SINGLE_VALID_VALUE = {"shopmonkey/delete-service-request"}


@cache
def generated_cases():
    cases = []
    for index, name in enumerate(NAMES):
        cases.extend((name, value) for value in draws(payloads(name), SEED + index))
        broken = draws(invalid_payloads(name), SEED + index)
        cases.extend((name, value) for value, _expected in broken)
    return cases


def draws(strategy, run_seed, count=DRAWS):
    """Every value one Hypothesis run seeded with *run_seed* generates (``count`` at most)."""
    found = []

    @seed(run_seed)
    @settings(max_examples=count, database=None, phases=[Phase.generate])
    @given(strategy)
    def grab(value):
        found.append(value)

    grab()
    return found


def test_generated_cases_are_varied():
    by_name = {}
    for name, instance in generated_cases():
        by_name.setdefault(name, set()).add(json.dumps(instance, sort_keys=True))
    assert set(by_name) == set(NAMES)
    # One seeded run gives the simplest payload and then random ones; the old fixed draw gave
    # one valid and one broken payload per schema, whatever the seed.
    too_few = {
        name: len(seen)
        for name, seen in by_name.items()
        if len(seen) < (2 if name in SINGLE_VALID_VALUE else 3)
    }
    assert too_few == {}


def test_python_jsonschema_agrees_on_fixtures_and_generated_payloads():
    cases = fixture_cases() + generated_cases()
    assert cases
    for name, instance in cases:
        assert schema_verdict(name, instance) == python_verdict(name, instance), (name, instance)


def test_ajv_agrees_on_fixtures_and_generated_payloads():
    if not ajv_available():
        if os.environ.get("CI"):
            pytest.fail("ajv is not installed: .ci/run must run npm install in tests/ajv")
        pytest.skip("node/ajv not installed (run: npm install --prefix tests/ajv)")
    cases = fixture_cases() + generated_cases()
    cases = [(n, json.loads(json.dumps(i))) for n, i in cases]
    verdicts = ajv_verdicts(cases)
    for (name, instance), verdict in zip(cases, verdicts, strict=True):
        assert schema_verdict(name, instance) == verdict, (name, instance)

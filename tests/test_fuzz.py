"""Fuzz every public entry point with hostile values: only the documented errors escape.

The contract (README, "Errors"): bad data raises `ValidationError`, misuse raises
`DealerbridgeUsageError`, nothing else; whatever is accepted prints and dumps (``repr``,
``str`` and ``json.dumps(dump(x))`` never raise). Strategies are built once, at module level.
The normal profile keeps this file to a few seconds; with ``CI=true`` it draws more examples.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dealerbridge as db
import dealerbridge.mykaarma as mk
import dealerbridge.shopmonkey as sm
from dealerbridge import money
from dealerbridge._cli import main

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
# A longer hunt: DEALERBRIDGE_FUZZ_EXAMPLES=5000 pytest tests/test_fuzz.py
EXAMPLES = int(
    os.environ.get("DEALERBRIDGE_FUZZ_EXAMPLES") or (300 if os.environ.get("CI") else 60)
)
# Health checks stay on: the profile in conftest.py suppresses some, this turns them back on.
fuzz = settings(max_examples=EXAMPLES, suppress_health_check=())

DOCUMENTED = (db.ValidationError, db.DealerbridgeUsageError)


# --------------------------------------------------------------------------- strategies


def _nest(depth: int, kind: int) -> object:
    value: object = "leaf"
    for _ in range(depth):
        value = [value] if kind == 0 else {"k": value}
    return value


def _cycle(kind: int) -> object:
    if kind == 0:
        loop: list[object] = []
        loop.append(loop)
        return loop
    node: dict[str, object] = {}
    node["self"] = [node]
    return node


class _HostileRepr:
    def __repr__(self) -> str:
        raise RuntimeError("repr refuses")


huge_ints = st.one_of(
    st.sampled_from([2**63, -(2**63) - 1, 2**63 - 1, -(2**63), 2**64]),
    st.sampled_from([4300, 4301, 5000, 800_000]).map(lambda n: 10**n),  # built, not listed:
    st.sampled_from([4300, 5000]).map(lambda n: -(10**n)),  # hypothesis reprs what it lists
    st.integers(min_value=2**63, max_value=2**200),
    st.integers(min_value=5, max_value=6000).map(lambda n: 10**n - 1),
)
odd_text = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "RO\u00a048213",
            "\u200b",
            "\ud800",
            "e\u0301",
            "\u2028",
            "a" * 10_000,
            "9" * 5000,
            "1" * 800,
            "12.505",
            "2025-11-02T01:30:00",
            "0001-01-01T00:00:00",
            "9999-12-31T23:59:59+14:00",
            "America/New_York",
            "Asia/Tokyo",
        ]
    ),
)
python_only = st.one_of(
    st.decimals(allow_nan=True),
    st.sampled_from([Decimal("1.5"), Decimal("NaN"), Decimal("-Infinity")]),
    st.binary(max_size=8),
    st.dates(),
    st.datetimes(timezones=st.none() | st.just(dt.UTC)),
    st.builds(set, st.lists(st.integers(0, 3), max_size=3)),
    st.builds(frozenset, st.lists(st.integers(0, 3), max_size=3)),
    st.tuples(st.integers(), st.text(max_size=3)),
    st.just(object()),
    st.builds(_HostileRepr),
    st.just(float("nan")),
    st.just(float("inf")),
    st.just(-float("inf")),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    huge_ints,
    st.floats(),
    odd_text,
    python_only,
)
keys = st.one_of(st.text(max_size=8), st.sampled_from(["id", "payload", "order", "jobs", "x"]))
hostile_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(keys, inner, max_size=4),
        st.dictionaries(st.integers(0, 3) | st.none() | st.booleans(), inner, max_size=2),
        st.tuples(inner, inner),
    ),
    max_leaves=12,
) | st.one_of(
    st.builds(_nest, st.integers(60, 1500), st.integers(0, 1)),
    st.builds(_cycle, st.integers(0, 1)),
)


def _fixture(path: Path) -> Any:
    return json.loads(path.read_text())


VALID = {
    "mykaarma/order": _fixture(FIXTURES / "mykaarma" / "order" / "valid-closed-full.json"),
    "mykaarma/order-event": _fixture(FIXTURES / "mykaarma" / "order-event" / "doc-event.json"),
    "mykaarma/partner-appointment-request": _fixture(
        sorted((FIXTURES / "mykaarma" / "partner-appointment-request").glob("valid*.json"))[0]
    ),
    "shopmonkey/order": _fixture(sorted((FIXTURES / "shopmonkey" / "order").glob("valid*"))[0]),
}
MODELS = {
    "mykaarma/order": mk.Order,
    "mykaarma/order-event": mk.OrderEvent,
    "mykaarma/partner-appointment-request": mk.PartnerAppointmentRequest,
    "shopmonkey/order": sm.Order,
}


def _plant(document: Any, choices: list[int], value: object) -> Any:
    """A copy of *document* with *value* put somewhere inside, following *choices*."""
    document = json.loads(json.dumps(document))
    if not isinstance(document, dict | list) or not document:
        return value
    node: Any = document
    for choice in choices:
        slots = list(node.keys()) if isinstance(node, dict) else list(range(len(node)))
        if not slots:
            break
        slot = slots[choice % len(slots)]
        child = node[slot]
        if isinstance(child, dict | list) and child and choice % 3:
            node = child
            continue
        node[slot] = value
        return document
    return document


planted = st.builds(
    lambda name, choices, value: (name, _plant(VALID[name], choices, value)),
    st.sampled_from(sorted(VALID)),
    st.lists(st.integers(0, 50), min_size=1, max_size=6),
    hostile_values,
)
raw_texts = st.one_of(
    st.binary(max_size=64),
    st.text(max_size=64),
    st.sampled_from(
        [
            b"[" + b"1" * 4301 + b"]",
            "1" * 4301 + "x",
            "[" * 65 + '"' + '\\"' * 2000,
            '{"a": 1, "a": 2}',
            '["\\ud800"]',
            "[1e400]",
            "\ufeff{}",
        ]
    ),
)
anything = st.one_of(hostile_values, raw_texts)
schema_names = st.sampled_from(sorted(db.schema_names())) | odd_text


# --------------------------------------------------------------------------- the checks


def _shows(value: object) -> None:
    """Accepted values print and dump."""
    repr(value)
    str(value)
    models = value if isinstance(value, list) else [value]
    if models and all(isinstance(v, db.Model) for v in models):
        json.dumps(db.dump(value, validate=False))


def _call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    try:
        result = fn(*args, **kwargs)
    except DOCUMENTED as exc:
        repr(exc), str(exc)
        if isinstance(exc, db.ValidationError):
            json.dumps(exc.to_list())
            for issue in exc.issues:
                repr(issue), str(issue)
        return None
    _shows(result)
    return result


# --------------------------------------------------------------------------- top level


@fuzz
@given(anything)
def test_parse_json(raw):
    _call(db.parse_json, raw)


@fuzz
@given(st.one_of(planted, st.tuples(schema_names, anything)), st.booleans())
def test_validate_errors_and_load(case, redacted):
    name, value = case
    with db.redaction(redacted):
        _call(db.validate, value, name)
        found = _call(db.errors, value, name)
        if found is not None:
            json.dumps([issue.to_dict() for issue in found])
            repr(found)
        if name in MODELS:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", db.DealerbridgeWarning)
                _call(db.load, MODELS[name], value)
            _call(db.load, MODELS[name], value, strict=True)


@fuzz
@given(anything)
def test_load_dump_and_schema_with_wrong_things(value):
    _call(db.load, value, {})
    _call(db.dump, value)
    _call(db.schema, value)
    _call(db.schema_versions, value)
    _call(db.schema, "mykaarma/order", version=value)
    _call(db.errors, {}, value)


# --------------------------------------------------------------------------- money


@fuzz
@given(anything | huge_ints | st.integers())
def test_money(value):
    cents = _call(money.amount_to_cents, value)
    if cents is not None:
        assert money.amount_to_cents(money.cents_to_amount(cents)) == cents
    _call(money.cents_to_amount, value)


# --------------------------------------------------------------------------- myKaarma

local_times = st.one_of(
    odd_text, st.datetimes(), st.datetimes(timezones=st.just(dt.UTC)), hostile_values
)
zones = st.sampled_from(["America/New_York", "Asia/Tokyo", "Pacific/Kiritimati", "UTC"]) | odd_text
folds = st.one_of(st.none(), st.integers(-1, 2), st.floats(0, 1), st.booleans(), odd_text)
created = st.one_of(
    st.datetimes(timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=5))])),
    st.datetimes(),
    st.tuples(odd_text, odd_text),
    hostile_values,
)


@fuzz
@given(local_times, zones, folds, anything)
def test_appointment_times(local, zone, fold, value):
    _call(mk.appointment_datetime, local, zone, fold=fold)
    _call(mk.split_appointment_datetime, value)
    _call(mk.split_appointment_datetime, local)


@fuzz
@given(odd_text | hostile_values, created, odd_text | hostile_values, created)
def test_same_order_and_statuses(number_a, created_a, number_b, created_b):
    _call(mk.same_order, number_a, created_a, number_b, created_b)
    _call(mk.status_to_letter, number_a)
    _call(mk.letter_to_status, number_b)


@fuzz
@given(st.one_of(planted.map(lambda case: case[1]), anything), odd_text | hostile_values)
def test_partner_rules_and_order_requests(body, dealer):
    _call(mk.partner_request_errors, body)
    _call(mk.partner_request_errors, body, dealer_uuid=dealer)
    _call(mk.apply_partner_defaults, body)
    _call(mk.create_request_from_order, body)
    _call(mk.update_request_from_order, body)


@fuzz
@given(anything, anything, anything)
def test_webhook(raw, header, secret):
    _call(mk.parse_order_event, raw)
    _call(mk.event_key, raw)
    _call(mk.verify_webhook_signature, raw, header, secret)
    _call(mk.verify_authorization_token, header, secret)


# --------------------------------------------------------------------------- Shopmonkey


@fuzz
@given(anything)
def test_order_number(value):
    _call(sm.order_number, value)
    order = db.load(sm.Order, VALID["shopmonkey/order"])
    _call(sm.order_number, _evolve(order, number=value))


def _evolve(model: Any, **changes: Any) -> Any:
    import attrs

    return attrs.evolve(model, **changes)


@fuzz
@given(hostile_values)
def test_dump_of_hand_built_models(value):
    order = db.load(mk.Order, VALID["mykaarma/order"])
    for changes in ({"type": value}, {"extras": value}):
        built = _evolve(order, **changes)
        _call(db.dump, built)


# --------------------------------------------------------------------------- the CLI


_workdir = tempfile.TemporaryDirectory(prefix="dealerbridge-fuzz-")


def _as_text(value: object) -> str:
    try:
        return json.dumps(value, default=str)[:20_000]
    except Exception:  # cycles, 5000-digit ints, a repr that raises
        return "[]"


@fuzz
@given(raw_texts | hostile_values.map(_as_text), schema_names)
def test_cli(raw, name):
    path = Path(_workdir.name) / "input.json"
    path.write_bytes(raw if isinstance(raw, bytes) else raw.encode("utf-8", "surrogatepass"))
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = io.StringIO(), io.StringIO()
    try:
        for extra in ([], ["--json"], ["--redact"]):
            try:
                status = main(["validate", name, str(path), *extra])
            except SystemExit as exc:  # argparse: a bad argument is exit 2, not a traceback
                status = exc.code
            assert status in (0, 1, 2)
    finally:
        sys.stdout, sys.stderr = out, err


# --------------------------------------------------------------------------- every public function
#
# The targets are derived, not listed: every routine named in the ``__all__`` of the root
# package and of every public subpackage or module (found with pkgutil, so a new package such
# as ``clients`` or ``fakes`` is fuzzed the day it lands, and a new public function the day it
# is exported). Classes are left out: constructing one with wrong keywords raises TypeError
# as any Python class does, and the model classes are fuzzed through ``load``/``dump`` above.
# ``dealerbridge.testing`` is left out, by decision: it is test tooling built on Hypothesis,
# whose strategy functions report misuse the way Hypothesis's own do (``TypeError``,
# ``ValueError``, ``InvalidArgument``), and it is not imported by the runtime; the contract
# is the runtime's (README, "Errors").
NOT_FUZZED = frozenset({"dealerbridge.testing"})

EXAMPLES_DIR = ROOT / "examples"


def _public_functions() -> list[tuple[str, Callable[..., Any]]]:
    import importlib
    import inspect
    import pkgutil

    names = ["dealerbridge"] + [
        f"dealerbridge.{info.name}"
        for info in pkgutil.iter_modules(db.__path__)
        if not info.name.startswith("_") and f"dealerbridge.{info.name}" not in NOT_FUZZED
    ]
    found: dict[str, Callable[..., Any]] = {}
    for name in names:
        module = importlib.import_module(name)
        for attribute in getattr(module, "__all__", ()):
            value = getattr(module, attribute)
            if inspect.isroutine(value):
                found.setdefault(f"{name}.{attribute}", value)
    return sorted(found.items())


PUBLIC_FUNCTIONS = _public_functions()


def _example(name: str) -> Any:
    return json.loads((EXAMPLES_DIR / name).read_text())


# Values that pass the first checks of many functions, so hostile values in the other
# arguments get past them (the audit's strays: a good order with ``None`` for the config, a
# good phone with ``431`` for the region, a text with ``[]`` for the candidates...).
_PLAUSIBLE: list[object] = [
    VALID["mykaarma/order"],
    VALID["mykaarma/order-event"],
    VALID["shopmonkey/order"],
    VALID["mykaarma/partner-appointment-request"],
    _example("shopmonkey-order.json"),
    _example("shopmonkey-services.json"),
    _example("shopmonkey-services.json")["data"],
    _example("shopmonkey-services.json")["data"][0],
    _example("shopmonkey-customer.json"),
    _example("mykaarma-customer-candidates.json"),
    (EXAMPLES_DIR / "mykaarma-order-event.json").read_bytes(),
    (EXAMPLES_DIR / "shopmonkey-webhook.json").read_bytes(),
    "mykaarma/order-event",
    "shopmonkey/order",
    "+1 512-555-0147",
    "512-555-0147",
    "US",
    "1GD312CG0BF081737",
    "O",
    "OPENED",
    {"webhook-id": "msg_1", "webhook-timestamp": "1796610146", "webhook-signature": "v1,AA=="},
    "whsec_" + "QUJD" * 8,
    str(EXAMPLES_DIR / "mapping-config.toml"),
    str(FIXTURES),
    dt.datetime(2025, 11, 2, 1, 30),
    "America/New_York",
]
arguments = st.one_of(anything, st.sampled_from(_PLAUSIBLE))


def _use(result: object) -> None:
    """What a caller does next with a result: enter a context manager, draw from a strategy
    once, take a lazy result's first items; then print and dump it."""
    from hypothesis.strategies import SearchStrategy

    if hasattr(result, "__enter__") and hasattr(result, "__exit__"):
        with result:  # type: ignore[attr-defined]
            return
    if isinstance(result, SearchStrategy):
        return  # drawing is Hypothesis's business; building it must not stray
    if isinstance(result, Iterator):
        for _, item in zip(range(3), result, strict=False):
            _shows(item)
        return
    _shows(result)


@pytest.fixture
def in_empty_directory(tmp_path, monkeypatch):
    """Relative paths a function is given resolve in an empty directory (nothing is read or
    written where the tests run)."""
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize(
    "function", [f for _, f in PUBLIC_FUNCTIONS], ids=[n for n, _ in PUBLIC_FUNCTIONS]
)
@settings(
    max_examples=max(EXAMPLES // 4, 15),
    suppress_health_check=(HealthCheck.function_scoped_fixture,),
)
@given(data=st.data())
def test_every_public_function_lets_out_only_documented_errors(function, data, in_empty_directory):
    import inspect

    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):  # pragma: no cover - a builtin without a signature
        signature = None
    positional = [
        p
        for p in (signature.parameters.values() if signature else ())
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    required = sum(1 for p in positional if p.default is p.empty)
    count = data.draw(st.integers(min(required, len(positional)), len(positional)), label="count")
    args = [data.draw(arguments, label=p.name) for p in positional[:count]]
    keywords = {}
    for p in signature.parameters.values() if signature else ():
        if p.kind is p.KEYWORD_ONLY and (p.default is p.empty or data.draw(st.booleans())):
            keywords[p.name] = data.draw(arguments, label=p.name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", db.DealerbridgeWarning)
        try:
            # using the result is part of the call: a generator checks as it runs
            _use(function(*args, **keywords))
        except DOCUMENTED as exc:
            repr(exc), str(exc)


def test_the_targets_are_derived_from_every_public_module():
    names = {name for name, _ in PUBLIC_FUNCTIONS}
    # the audit's cases are among them, and a package added later (clients, fakes) is walked
    for expected in (
        "dealerbridge.shopmonkey.service_totals",
        "dealerbridge.shopmonkey.reconcile_service",
        "dealerbridge.mykaarma.match_customer",
        "dealerbridge.mykaarma.normalize_phone",
        "dealerbridge.mapping.load_config",
        "dealerbridge.mapping.shopmonkey_to_mykaarma",
        "dealerbridge.mapping.mykaarma_to_shopmonkey",
        "dealerbridge.batch.validate_lines",
        "dealerbridge.money.amount_to_cents",
        "dealerbridge.validate",
    ):
        assert expected in names, expected
    modules = {name.rsplit(".", 1)[0] for name in names}
    assert {"dealerbridge", "dealerbridge.mapping", "dealerbridge.batch"} <= modules


# The audit's reproducers (issue 19), each once, whatever the draws above reach.
_ORDER = _example("shopmonkey-order.json")
_SERVICES = _example("shopmonkey-services.json")["data"]
AUDIT_CASES = [
    ("sm.service_totals(None)", lambda: sm.service_totals(None)),
    ("sm.reconcile_service({})", lambda: sm.reconcile_service({})),
    ("mk.match_customer(text, [])", lambda: mk.match_customer("Dana Whitaker", [])),
    ("mk.normalize_phone(x, 431)", lambda: mk.normalize_phone("512-555-0147", 431)),
    ("mapping.load_config(None)", lambda: _mapping().load_config(None)),
    (
        "shopmonkey_to_mykaarma(order, services, None)",
        lambda: _mapping().shopmonkey_to_mykaarma(_ORDER, _SERVICES, None),
    ),
    (
        "shopmonkey_to_mykaarma(None, services)",
        lambda: _mapping().shopmonkey_to_mykaarma(None, _SERVICES),
    ),
    (
        "shopmonkey_to_mykaarma(order, None)",
        lambda: _mapping().shopmonkey_to_mykaarma(_ORDER, None),
    ),
    (
        "shopmonkey_to_mykaarma_update(order, services, None)",
        lambda: _mapping().shopmonkey_to_mykaarma_update(_ORDER, _SERVICES, None),
    ),
    (
        "mykaarma_to_shopmonkey(event, None)",
        lambda: _mapping().mykaarma_to_shopmonkey(VALID["mykaarma/order-event"], None),
    ),
    ("mykaarma_to_shopmonkey(None)", lambda: _mapping().mykaarma_to_shopmonkey(None)),
    (
        "shopmonkey_customer_to_mykaarma(None)",
        lambda: _mapping().shopmonkey_customer_to_mykaarma(None),
    ),
    (
        "batch.validate_lines([None], schema)",
        lambda: list(_batch().validate_lines([None], "mykaarma/order-event")),
    ),
    (
        "batch.validate_lines(None, schema)",
        lambda: list(_batch().validate_lines(None, "mykaarma/order-event")),
    ),
    ("batch.validate_lines([b'{}'], None)", lambda: list(_batch().validate_lines([b"{}"], None))),
]


def _mapping() -> Any:
    from dealerbridge import mapping

    return mapping


def _batch() -> Any:
    from dealerbridge import batch

    return batch


@pytest.mark.parametrize("call", [c for _, c in AUDIT_CASES], ids=[n for n, _ in AUDIT_CASES])
def test_the_audits_misuse_cases_are_documented_errors(call):
    # ``None`` for a config means the defaults: the call may succeed; it may not stray
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", db.DealerbridgeWarning)
        _call(call)


@pytest.mark.parametrize(
    "call",
    [
        lambda: sm.service_totals(None),
        lambda: sm.service_totals({}),
        lambda: mk.normalize_phone("512-555-0147", 431),
        lambda: sm.reconcile_service({}),
        lambda: _mapping().shopmonkey_to_mykaarma(_ORDER, None),
        lambda: _mapping().shopmonkey_to_mykaarma(_ORDER, _SERVICES, []),
        lambda: _mapping().mykaarma_to_shopmonkey(VALID["mykaarma/order-event"], {}),
        lambda: _mapping().ledger_cents(None),
        lambda: _mapping().load_config(None),
        lambda: list(_batch().validate_lines([None], "mykaarma/order-event")),
        lambda: list(_batch().validate_lines(None, "mykaarma/order-event")),
        lambda: _batch().generic_path(None),
        lambda: _batch().split_lines("text"),
        lambda: _batch().run_unit(None, "mykaarma/order-event"),
    ],
)
def test_misuse_is_a_usage_error(call):
    with pytest.raises(db.DealerbridgeUsageError):
        call()

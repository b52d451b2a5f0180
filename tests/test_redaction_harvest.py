"""Issue 19 item 5: harvest every string the library writes about payloads that carry unique
markers, under each redaction level, and count the leaks.

Markers go into every member the schemas mark ``x-pii`` (personal), into members they do not
mark (not personal), and into an unknown member's name and value (personal). Each marked value
is made invalid (wrapped in an array, or a wrong type), so that messages talk about it. The
strings harvested: issue messages, ``str``/``repr``/``to_dict`` of issues and errors,
``to_list``, ``to_problem``, the CLI's stdout and stderr in both formats, batch samples, and
the notes and refusals of the customer mapping. Expected: under ``pii`` no personal marker,
under ``all`` no marker at all, under ``off`` every marker findable (the harvest works).
"""

from __future__ import annotations

import itertools
import json
import logging
import re
from pathlib import Path

import pytest

import dealerbridge as db
from dealerbridge import mapping
from dealerbridge import mykaarma as mk
from dealerbridge._cli import main
from dealerbridge._registry import default_registry
from dealerbridge._schema_model import ArraySchema, ObjectSchema, unwrap
from dealerbridge.batch import BatchReport, validate_lines

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
PERSONAL = "ZQPII"  # every personal marker starts so; non-personal ones start ZQNPX
OTHER = "ZQNPX"
MARKER = re.compile(r"ZQ(?:PII|NPX)[0-9]+")

# One valid fixture per schema that has one (a few schemas whose payloads are big are skipped
# to keep the test cheap; the others cover every vendor and both directions).
SCHEMAS = sorted(
    {
        path.parent.relative_to(FIXTURES).as_posix()
        for path in FIXTURES.glob("*/*/valid*.json")
        if path.parent.parent.name in ("mykaarma", "shopmonkey")
    }
)


def _fixture(schema: str) -> object:
    return json.loads(sorted((FIXTURES / schema).glob("valid*.json"))[0].read_text())


def _mark(schema: str) -> tuple[object, set[str], set[str]]:
    """The schema's fixture with markers in it: (payload, personal markers, other markers)."""
    counter = itertools.count()
    personal: set[str] = set()
    other: set[str] = set()

    def marker(secret: bool) -> str:
        text = f"{PERSONAL if secret else OTHER}{next(counter)}"
        (personal if secret else other).add(text)
        return text

    def walk(value: object, node: object, secret: bool) -> object:
        node = unwrap(node) if node is not None else None
        if isinstance(value, dict) and isinstance(node, ObjectSchema):
            out = {}
            for key, item in value.items():
                field = node.field(key)
                if field is None:
                    out[key] = walk(item, None, True)
                    continue
                inner_secret = secret or field.personal
                if isinstance(item, str):
                    out[key] = [marker(inner_secret)]  # a string member: now an array
                else:
                    out[key] = walk(item, field.schema, inner_secret)
            name = marker(True)
            out[f"{name}@example.com"] = [marker(True)]  # an unknown member, name and value
            return out
        if isinstance(value, list) and isinstance(node, ArraySchema):
            return [walk(item, node.items, secret) for item in value]
        if isinstance(value, str) and node is None:
            return [marker(secret)]
        return value

    root = default_registry().model(schema).root
    return walk(_fixture(schema), root, False), personal, other


def _harvest_validation(payload: object, schema: str) -> list[str]:
    out: list[str] = []
    found = db.errors(payload, schema)
    for issue in found:
        out += [issue.message, issue.path, str(issue), repr(issue), json.dumps(issue.to_dict())]
    try:
        db.validate(payload, schema)
    except db.ValidationError as err:
        out += [str(err), repr(err), json.dumps(err.to_list()), json.dumps(err.to_problem())]
    results = list(validate_lines([json.dumps(payload).encode()], schema))
    report = BatchReport(schema)
    for result in results:
        out.append(json.dumps(result.to_dict()))
        report.add(result, json.dumps(payload).encode())
    out.append(json.dumps(report.to_dict()))
    return out


def _leaks(texts: list[str], markers: set[str]) -> set[str]:
    joined = "\n".join(texts)
    return {m for m in MARKER.findall(joined) if m in markers}


@pytest.fixture(scope="module")
def marked() -> dict[str, tuple[object, set[str], set[str]]]:
    return {schema: _mark(schema) for schema in SCHEMAS}


def test_the_harvest_covers_many_schemas_and_personal_members(marked):
    assert len(SCHEMAS) >= 30
    personal = sum(len(p) for _, p, _ in marked.values())
    other = sum(len(o) for _, _, o in marked.values())
    assert personal > 150 and other > 150, (personal, other)


@pytest.mark.parametrize("level", ["pii", "all", "off"])
def test_no_marker_leaks_from_validation(marked, level):
    leaked: dict[str, set[str]] = {}
    seen: set[str] = set()
    for schema, (payload, personal, other) in marked.items():
        with db.redaction(level):
            texts = _harvest_validation(payload, schema)
        seen |= _leaks(texts, personal | other)
        hidden = {"pii": personal, "all": personal | other, "off": set()}[level]
        if found := _leaks(texts, hidden):
            leaked[schema] = found
    assert not leaked, leaked
    if level == "off":  # the harvest sees what it looks for when nothing is hidden
        assert len(seen) > 200
    elif level == "pii":  # and non-personal values stay visible by default
        assert any(m.startswith(OTHER) for m in seen)


@pytest.mark.parametrize("level", ["pii", "all"])
def test_no_marker_leaks_from_the_cli(marked, level, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DEALERBRIDGE_REDACT", level)
    texts: list[str] = []
    personal_all: set[str] = set()
    other_all: set[str] = set()
    for schema in ("mykaarma/order", "shopmonkey/customer", "mykaarma/create-customer-request"):
        payload, personal, other = marked[schema]
        personal_all |= personal
        other_all |= other
        path = tmp_path / f"{schema.replace('/', '-')}.json"
        path.write_text(json.dumps(payload))
        lines = tmp_path / f"{schema.replace('/', '-')}.ndjson"
        lines.write_text(json.dumps(payload) + "\n" + json.dumps(payload) + "\n")
        for fmt in ("text", "json"):
            assert main(["validate", schema, str(path), str(lines), "--format", fmt]) == 1
            captured = capsys.readouterr()
            texts += [captured.out, captured.err]
    hidden = personal_all if level == "pii" else personal_all | other_all
    assert not _leaks(texts, hidden)


def _customer_with_markers() -> tuple[dict[str, object], list[dict[str, object]]]:
    customer = json.loads((ROOT / "examples/shopmonkey-customer.json").read_text())
    vehicles = json.loads((ROOT / "examples/shopmonkey-vehicles.json").read_text())
    phone = customer["phoneNumbers"][0]
    customer["phoneNumbers"] = [
        {**phone, "number": "(512) 555-0147", "country": "US"},  # valid: E.164 in a note
        {**phone, "number": f"{PERSONAL}901", "country": "US"},  # invalid: dropped, a note
    ]
    vehicle = vehicles[0] if isinstance(vehicles, list) else vehicles["data"][0]
    vehicle["vin"] = "1HGCM82633A004353"  # the check digit fails
    return customer, [vehicle]


@pytest.mark.parametrize("level", ["pii", "all"])
def test_the_customer_mapping_hides_phones_and_vins(level):
    customer, vehicles = _customer_with_markers()
    config = mapping.load_config(ROOT / "examples/mapping-config.toml")
    with db.redaction(level):
        mapped = mapping.shopmonkey_customer_to_mykaarma(customer, vehicles, config)
        text = "\n".join(repr(note) + note.message for note in mapped.report)
    for secret in (f"{PERSONAL}901", "555-0147", "5550147", "1HGCM82633A004353", "expected"):
        assert secret not in text, (secret, text)
    with db.redaction("off"):
        mapped = mapping.shopmonkey_customer_to_mykaarma(customer, vehicles, config)
        shown = "\n".join(note.message for note in mapped.report)
    assert "+15125550147" in shown and "1HGCM82633A004353" in shown  # the test can see them


@pytest.mark.parametrize("level", ["pii", "all"])
def test_a_customer_mapping_refusal_hides_the_names(level):
    customer, vehicles = _customer_with_markers()
    customer.update(firstName=f"{PERSONAL}902", lastName=None, companyName=None)
    customer["customerType"] = "Customer"
    config = mapping.load_config(ROOT / "examples/mapping-config.toml")
    with db.redaction(level), pytest.raises(mapping.MappingError) as info:
        mapping.shopmonkey_customer_to_mykaarma(customer, vehicles, config)
    with db.redaction(level):
        text = str(info.value) + repr(info.value) + json.dumps(info.value.to_problem())
    assert f"{PERSONAL}902" not in text


def _numbers(value: object) -> set[str]:
    """Every number of three or more digits written in *value* (amounts, cents, hours)."""
    found: set[str] = set()
    if isinstance(value, dict):
        for item in value.values():
            found |= _numbers(item)
    elif isinstance(value, list):
        for item in value:
            found |= _numbers(item)
    elif isinstance(value, int | float | str) and not isinstance(value, bool):
        text = str(value)
        if re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", text) and len(text.replace(".", "")) >= 3:
            found.add(text.lstrip("-"))
            if "." in text:
                found.add(text.lstrip("-").replace(".", ""))  # as cents
    return found


def _mapping_texts(level: str) -> tuple[list[str], set[str]]:
    config = mapping.load_config(ROOT / "examples/mapping-config.toml")
    order = json.loads((ROOT / "examples/shopmonkey-order.json").read_text())
    services = json.loads((ROOT / "examples/shopmonkey-services.json").read_text())["data"]
    event = json.loads((ROOT / "examples/mykaarma-order-event.json").read_text())
    texts: list[str] = []
    with db.redaction(level):
        for mapped in (
            mapping.shopmonkey_to_mykaarma(order, services, config),
            mapping.mykaarma_to_shopmonkey(event, config),
        ):
            texts += [note.message for note in mapped.report]
    payload = json.loads(event["payload"]) if isinstance(event.get("payload"), str) else event
    return texts, _numbers([order, services, payload])


def test_mapping_notes_show_no_number_of_the_input_when_every_value_is_hidden():
    shown, numbers = _mapping_texts("off")
    seen = {n for n in numbers if any(n in text for text in shown)}
    assert len(seen) >= 5, seen  # the notes do state amounts when nothing is hidden
    for level in ("all",):
        texts, _ = _mapping_texts(level)
        tokens = set(re.findall(r"[0-9]+(?:\.[0-9]+)?", "\n".join(texts)))
        assert not tokens & seen, sorted(tokens & seen)


@pytest.mark.parametrize("level", ["pii", "all"])
def test_vendor_helpers_hide_personal_values(level):
    from dealerbridge import mykaarma as mk

    texts: list[str] = []
    request = json.loads((ROOT / "examples/mykaarma-partner-appointment-request.json").read_text())
    request[f"{PERSONAL}912@example.com"] = {1}  # not JSON, under an unknown name
    with db.redaction(level):
        for call in (
            lambda: mk.normalize_phone(f"{PERSONAL}913", "US"),
            lambda: mk.normalize_phone(f"+1 512 {PERSONAL}914", "US"),
            lambda: mk.apply_partner_defaults(request),
        ):
            try:
                call()
            except db.ValidationError as err:
                texts += [str(err), repr(err), json.dumps(err.to_problem())]
    assert len(texts) == 9
    assert PERSONAL not in "\n".join(texts)


def _client_log_texts(level: str, caplog: pytest.LogCaptureFixture) -> list[str]:
    """What the ``dealerbridge`` loggers record, and what the errors say, for client calls
    against the fake whose requests carry a customer's name and phone: a search (the phone in
    the query string), and an update (the name in the body) and a read of a customer the fake
    does not know, which it refuses (404)."""
    from dealerbridge.clients import MyKaarmaClient, VendorError
    from dealerbridge.fakes import FakeMyKaarma

    fake = FakeMyKaarma()
    client = MyKaarmaClient(
        username=fake.username,
        password=fake.password,
        department_uuid=fake.department_uuid,
        dealer_uuid=fake.dealer_uuid,
        transport=fake.transport,
        sleep=lambda seconds: None,
    )
    name = {"firstName": "ZQPII501 Dana", "lastName": "ZQPII502 Whitaker"}
    texts: list[str] = []
    caplog.clear()
    with db.redaction(level), caplog.at_level(logging.DEBUG, logger="dealerbridge"):
        query = db.load(mk.SearchCustomersQuery, {"searchTerm": "512-555-0147 ZQPII504"})
        client.search_customers(query)
        update = db.load(mk.UpdateCustomerRequest, {"customer": {**name}})
        for call in (
            lambda: client.update_customer("ZQNPX505-no-such-customer", update),
            lambda: client.read_customer("ZQNPX506-no-such-customer"),
        ):
            try:
                call()
            except (VendorError, db.DealerbridgeError) as err:
                texts += [str(err), repr(err), json.dumps(err.to_problem())]
        texts += [record.getMessage() for record in caplog.records]
        texts += [logging.Formatter().format(record) for record in caplog.records]
    assert caplog.records, "the clients logged nothing: the harvest saw nothing"
    return texts


@pytest.mark.parametrize("level", ["pii", "all", "off"])
def test_client_log_records_hide_personal_values(level, caplog):
    texts = _client_log_texts(level, caplog)
    found = set(MARKER.findall("\n".join(texts)))
    if level == "off":  # the harvest sees the markers when nothing is hidden
        assert {m for m in found if m.startswith(PERSONAL)}, texts
        return
    hidden = {m for m in found if m.startswith(PERSONAL)} if level == "pii" else found
    assert not hidden, (hidden, [t for t in texts if any(m in t for m in hidden)])


def _personal_strings(value: object, schema: str) -> tuple[object, set[str]]:
    """*value* with every string under a member the schema marks ``x-pii`` replaced by a unique
    personal marker (the payload stays well-formed; a pattern may now refuse it)."""
    counter = itertools.count(9000)
    markers: set[str] = set()

    def walk(item: object, node: object, secret: bool) -> object:
        node = unwrap(node) if node is not None else None
        if isinstance(item, dict) and isinstance(node, ObjectSchema):
            out = {}
            for key, inner in item.items():
                field = node.field(key)
                out[key] = walk(
                    inner, field.schema if field else None, secret or bool(field and field.personal)
                )
            return out
        if isinstance(item, list) and isinstance(node, ArraySchema):
            return [walk(inner, node.items, secret) for inner in item]
        if isinstance(item, str) and secret:
            text = f"{PERSONAL}{next(counter)}"
            markers.add(text)
            return text
        return item

    return walk(value, default_registry().model(schema).root, False), markers


def _map_inputs(tmp_path: Path) -> list[tuple[list[str], set[str]]]:
    case = FIXTURES / "mapping" / "repair-order-brakes"
    order, personal = _personal_strings(
        json.loads((case / "order.json").read_text()), "shopmonkey/order"
    )
    (tmp_path / "order.json").write_text(json.dumps(order))
    event = json.loads((ROOT / "examples/mykaarma-order-event.json").read_text())
    ro, ro_personal = _personal_strings(json.loads(event["payload"])["order"], "mykaarma/order")
    (tmp_path / "ro.json").write_text(json.dumps(ro))
    config = str(ROOT / "examples/mapping-config.toml")
    forward = ["map", "shopmonkey-to-mykaarma", "--order", str(tmp_path / "order.json")]
    forward += ["--services", str(case / "services.json")]
    reverse = ["map", "mykaarma-to-shopmonkey", str(tmp_path / "ro.json")]
    return [
        ([*forward, "--config", config], personal),
        (forward, personal),  # no config: refused
        ([*reverse, "--config", config], ro_personal),
        (reverse, ro_personal),
    ]


@pytest.mark.parametrize("level", ["pii", "all"])
def test_no_personal_marker_leaks_from_the_map_command(level, tmp_path, capsys, monkeypatch):
    if level == "pii":
        monkeypatch.delenv("DEALERBRIDGE_REDACT", raising=False)  # the default
        flags: list[str] = []
    else:
        flags = ["--redaction", "all"]
    texts: list[str] = []
    markers: set[str] = set()
    seen_off: set[str] = set()
    for args, personal in _map_inputs(tmp_path):
        assert personal, args
        markers |= personal
        for fmt in ("text", "json"):
            report = tmp_path / "report.json"
            report.unlink(missing_ok=True)
            code = main([*args, "--report", str(report), "--format", fmt, *flags])
            captured = capsys.readouterr()
            texts += [captured.err, report.read_text() if report.exists() else ""]
            if fmt == "json":  # the mapped value is data; its report and issues are text
                for line in captured.out.splitlines():
                    row = json.loads(line)
                    texts += [json.dumps(row.get("report")), json.dumps(row.get("issues"))]
            assert code in (0, 1), captured.err
        main([*args, "--format", "json", "--redaction", "off"])
        shown = capsys.readouterr()
        rows = [json.loads(line) for line in shown.out.splitlines()]
        seen_off |= _leaks(
            [shown.err, *(json.dumps([r.get("report"), r.get("issues")]) for r in rows)], markers
        )
    # the harvest works: with redaction off, reports and refusals do name personal values
    assert seen_off, "no marker in any report or refusal even with redaction off"
    leaked = _leaks(texts, markers)
    assert not leaked, (leaked, [t for t in texts if any(m in t for m in leaked)][:3])

"""Issue 19 items 5-7: redaction levels (personal data hidden by default, ``x-pii``), issues
that keep their fields when derived, and RFC 9457 problem details."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import dealerbridge as db
from dealerbridge import mapping
from dealerbridge._errors import PROBLEM_FAMILIES, PROBLEM_TYPE_BASE, code_family
from dealerbridge._registry import default_registry
from dealerbridge._render import (
    REDACTED_NAME,
    hides,
    level_from_env,
    redact_names,
    redaction_level,
    render_value,
)
from dealerbridge._schema_model import iter_objects, personal_at

ROOT = Path(__file__).resolve().parent.parent
ORDER = json.loads((ROOT / "tests/fixtures/mykaarma/order/valid-closed-full.json").read_text())


# --------------------------------------------------------------------------- levels


@pytest.mark.parametrize(
    ("text", "level"),
    [
        (None, "pii"),
        ("", "pii"),
        (" PII ", "pii"),
        ("off", "off"),
        ("0", "off"),
        ("False", "off"),
        ("all", "all"),
        ("1", "all"),
        ("true", "all"),
        ("yes-please", "all"),  # a word we do not know hides everything
    ],
)
def test_the_environment_variable_names_a_level(text, level, monkeypatch):
    assert level_from_env(text) == level
    if text is None:
        monkeypatch.delenv("DEALERBRIDGE_REDACT", raising=False)
    else:
        monkeypatch.setenv("DEALERBRIDGE_REDACT", text)
    assert redaction_level() == level


def test_redaction_blocks_take_levels_and_bools_and_nest(monkeypatch):
    monkeypatch.delenv("DEALERBRIDGE_REDACT", raising=False)
    assert redaction_level() == "pii"
    with db.redaction():
        assert redaction_level() == "all"
        with db.redaction("off"):
            assert redaction_level() == "off"
            with db.redaction(True):
                assert redaction_level() == "all"
            with db.redaction(False):
                assert redaction_level() == "off"
        with db.redaction("pii"):
            assert redaction_level() == "pii"
        monkeypatch.setenv("DEALERBRIDGE_REDACT", "off")
        with db.redaction(None):  # the environment decides again
            assert redaction_level() == "off"
    assert redaction_level() == "off"


@pytest.mark.parametrize("wrong", ["none", "ALL", 1, 0, ["all"]])
def test_an_unknown_level_is_a_usage_error(wrong):
    with pytest.raises(db.DealerbridgeUsageError), db.redaction(wrong):
        pass  # pragma: no cover


def test_render_value_hides_personal_values_under_pii_and_every_value_under_all():
    with db.redaction("off"):
        assert render_value("Dana", personal=True) == '"Dana"'
        assert render_value(5) == "5"
    with db.redaction("pii"):
        assert render_value("Dana", personal=True) == "<redacted string>"
        assert render_value("C") == '"C"'
        assert hides(personal=True) and not hides(personal=False)
    with db.redaction("all"):
        assert render_value("C") == "<redacted string>"
        assert render_value(12, personal=False) == "<redacted integer>"


# --------------------------------------------------------------------------- x-pii


def test_x_pii_is_read_into_the_model_and_marks_what_it_should():
    registry = default_registry()
    model = registry.model("mykaarma/order")
    customer = personal_at(model.root, ("customer", "firstName"))
    vin = personal_at(model.root, ("vehicle", "vin"))
    status = personal_at(model.root, ("header", "status"))
    unknown = personal_at(model.root, ("header", "jane@example.com"))
    assert (customer, vin, status, unknown) == (True, True, False, True)
    sm_order = registry.model("shopmonkey/customer")
    assert personal_at(sm_order.root, ("phoneNumbers", 3, "number"))
    assert not personal_at(sm_order.root, ("id",))


# Member names that always hold personal data, wherever a schema uses them.
ALWAYS_PERSONAL = {
    "firstName", "lastName", "middleName", "fname", "lname", "email", "phone", "phoneNumber",
    "address1", "address2", "line1", "line2", "city", "postalCode", "zip", "licensePlate",
    "vin", "hin", "note", "comment", "comments", "complaint", "cause", "correction",
    "commValue", "company", "companyName", "originAddress", "destinationAddress",
    "internalNotes", "generatedCustomerName", "advisorName", "serviceAdvisorName",
}  # fmt: skip


def test_every_member_with_a_personal_name_is_marked_x_pii_in_every_schema():
    registry = default_registry()
    unmarked = []
    marked = 0
    for name in registry.names():
        for version in registry.versions(name):
            document = registry.model(name, version)
            for node in (document.root, *document.defs.values()):
                for _path, obj in iter_objects(node):
                    for field in obj.fields:
                        marked += field.personal
                        if field.wire_name in ALWAYS_PERSONAL and not field.personal:
                            unmarked.append(f"{name} {obj.location.uri} {field.wire_name}")
    assert not unmarked, sorted(set(unmarked))
    assert marked > 100


def _x_pii_places(node, parent_key, where, found):
    """Every ``x-pii`` value in a raw schema with the kind of place it sits in."""
    if isinstance(node, dict):
        if "x-pii" in node:
            found.append((where, parent_key, node["x-pii"]))
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                for name, prop in value.items():
                    _x_pii_places(prop, "property", f"{where}/{name}", found)
            else:
                _x_pii_places(value, key, f"{where}/{key}", found)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            _x_pii_places(item, None, f"{where}/{i}", found)
    return found


def test_x_pii_is_only_true_on_properties():
    wrong = []
    for path in (ROOT / "schemas").rglob("v*.json"):
        for where, kind, value in _x_pii_places(json.loads(path.read_text()), None, "", []):
            if value is not True or kind != "property":
                wrong.append((path.name, where, kind, value))
    assert not wrong


def _order(**header):
    body = json.loads(json.dumps(ORDER))
    body["header"].update(header)
    return body


def test_a_personal_value_is_hidden_by_default_and_a_status_is_not():
    body = _order(status="Z")
    body["customer"]["firstName"] = ["Dana Whitaker"]
    found = db.errors(body, "mykaarma/order")
    text = " ".join(str(i) + repr(i) + json.dumps(i.to_dict()) for i in found)
    assert "Dana" not in text and "<redacted array>" in text
    assert 'found "Z"' in text  # not personal: shown under the default
    status = next(i for i in found if i.path.endswith("/status"))
    assert status.to_dict()["value"] == "Z" and not status.personal
    name = next(i for i in found if i.path.endswith("/firstName"))
    assert "value" not in name.to_dict() and name.personal
    with db.redaction("all"):
        found = db.errors(body, "mykaarma/order")
    assert all('"Z"' not in str(i) for i in found)
    with db.redaction("off"):
        found = db.errors(body, "mykaarma/order")
        assert any("Dana Whitaker" in str(i) for i in found)
    # written with redaction off, shown under the default: the message is withheld
    assert all("Dana" not in str(i) + repr(i) + json.dumps(i.to_dict()) for i in found)


def test_named_rules_hide_personal_members_only():
    body = json.loads(
        (ROOT / "tests/fixtures/mykaarma/create-customer-request/valid-minimal.json").read_text()
    )
    body["customer"]["firstName"] = " "
    body["customer"]["isBusiness"] = False
    found = db.errors(body, "mykaarma/create-customer-request")
    rule = next(i for i in found if i.code == "customer-name-required")
    assert "<redacted string>" in rule.message and "'isBusiness' false" in rule.message


@pytest.mark.parametrize(
    ("schema", "body", "leak"),
    [
        # a status letter on a create request: the hint names the letter and its word
        ("mykaarma/create-order-request", None, ("CLOSED", '"C"')),
        # cents in a string: the hint repeats the integer
        ("shopmonkey/create-services-request", None, ("41111",)),
    ],
)
def test_hints_do_not_repeat_a_hidden_value(schema, body, leak):
    if schema == "mykaarma/create-order-request":
        body = json.loads((ROOT / "examples/mykaarma-create-order-request.json").read_text())
        body["order"]["header"]["status"] = "C"
    else:
        body = [{"name": "x", "labors": [{"name": "y", "rateCents": "41111", "hours": 1}]}]
    shown = " ".join(str(i) for i in db.errors(body, schema))
    assert all(word in shown for word in leak)  # not personal: the hint helps by default
    with db.redaction("all"):
        hidden = " ".join(str(i) for i in db.errors(body, schema))
    assert not any(word in hidden for word in leak), hidden


def test_apply_partner_defaults_hides_unknown_member_names():
    body = json.loads((ROOT / "examples/mykaarma-partner-appointment-request.json").read_text())
    body["dana@example.com"] = {1, 2}  # not JSON: refused with the member's path
    with pytest.raises(db.ValidationError) as info:
        db.mykaarma.apply_partner_defaults(body)
    assert "dana" not in str(info.value) + repr(info.value)
    assert info.value.issues[0].path == "/" + REDACTED_NAME


# --------------------------------------------------------------------------- item 6

_text = st.text(max_size=8)
_optional = st.none() | _text


@st.composite
def issues(draw):
    with db.redaction(draw(st.sampled_from(["off", "pii", "all"]))):
        return db.Issue(
            "/" + draw(st.sampled_from(["a", "b", "jane@example.com"])),
            draw(st.sampled_from(["type", "additionalProperties", "mapping.status"])),
            draw(_text),
            draw(st.none() | st.integers() | _text),
            draw(st.sampled_from(["error", "warning"])),
            schema_location=draw(_optional),
            rule=draw(_optional),
            vendor_code=draw(_optional),
            vendor_text=draw(_optional),
            personal=draw(st.booleans()),
        )


def _fields(issue):
    return {f.name: getattr(issue, f.name) for f in attrs.fields(db.Issue)}


@given(issues(), st.sampled_from(["off", "pii", "all"]))
def test_deriving_an_issue_keeps_every_field(issue, level):
    before = _fields(issue)
    moved = attrs.evolve(issue, path="/payload" + issue.path)
    assert _fields(moved) == {**before, "path": "/payload" + issue.path}
    with db.redaction(level):
        found = redact_names([issue], {issue.path[1:]: 1}, lambda: frozenset({"a", "b"}))
    (derived,) = found
    unchanged = {k: v for k, v in before.items() if k not in ("path", "message")}
    assert {k: v for k, v in _fields(derived).items() if k not in ("path", "message")} == (
        unchanged
    )


def test_a_re_rooted_mapping_input_issue_keeps_its_rule_and_location():
    services = [{"id": 5}]  # not a service: its load issues are re-rooted under /services/0
    order = json.loads((ROOT / "examples/shopmonkey-order.json").read_text())
    with pytest.raises(db.ValidationError) as info:
        mapping.shopmonkey_to_mykaarma(order, services, mapping.MappingConfig())
    issue = info.value.issues[0]
    assert issue.path.startswith("/services/0")
    assert issue.rule is not None and issue.schema_location is not None


# --------------------------------------------------------------------------- item 7


def test_to_problem_is_an_rfc_9457_body():
    body = _order(status="Z")
    body["customer"]["firstName"] = ["Dana Whitaker"]
    with pytest.raises(db.ValidationError) as info:
        db.validate(body, "mykaarma/order")
    problem = info.value.to_problem()
    assert json.loads(json.dumps(problem)) == problem
    assert problem["type"] == PROBLEM_TYPE_BASE + "schema"
    assert problem["title"] == PROBLEM_FAMILIES["schema"][0]
    assert problem["status"] == 422
    assert problem["detail"] == "2 issues found against mykaarma/order v1"
    assert [e["pointer"] for e in problem["errors"]] == [
        "#/customer/firstName",
        "#/header/status",
    ]
    for entry in problem["errors"]:
        assert set(entry) == {"pointer", "code", "rule", "message"}
    assert "Dana" not in json.dumps(problem)


def test_to_problem_status_400_for_unreadable_json_and_families():
    with pytest.raises(db.ValidationError) as info:
        db.parse_json(b'{"a": 1,}')
    problem = info.value.to_problem()
    assert problem["status"] == 400 and problem["type"] == PROBLEM_TYPE_BASE + "json"
    mixed = db.ValidationError(
        [db.Issue("/a b", "money.amount", "m"), db.Issue("", "INVALID_DEPT_UUID", "n")]
    )
    problem = mixed.to_problem()
    assert problem["type"] == PROBLEM_TYPE_BASE + "validation" and problem["status"] == 422
    assert problem["errors"][0]["pointer"] == "#/a%20b"
    codes = ("json.syntax", "pattern", "advisor-or-assigned-user", "INVALID_DEPT_UUID", "datetime")
    assert [code_family(c) for c in codes] == ["json", "schema", "schema", "vendor", "datetime"]


def test_mapping_errors_are_problems_too():
    order = json.loads((ROOT / "examples/shopmonkey-order.json").read_text())
    services = json.loads((ROOT / "examples/shopmonkey-services.json").read_text())["data"]
    config = mapping.load_config(ROOT / "examples/mapping-config.toml")
    config = attrs.evolve(config, orders=attrs.evolve(config.orders, max_jobs=0))
    with pytest.raises(mapping.MappingError) as info:
        mapping.shopmonkey_to_mykaarma(order, services, config)
    problem = info.value.to_problem()
    assert problem["type"] == PROBLEM_TYPE_BASE + "mapping" and problem["status"] == 422

import json
import socket

import jsonschema_rs
import pytest

import dealerbridge as db
from dealerbridge._codes import ISSUE_CODES

WIDGET = {"id": "w1", "price": "12.50", "count": 2}


def codes(instance, schema="test/widget"):
    return [(i.path, i.code) for i in db.errors(instance, schema)]


def test_valid_payload_has_no_issues():
    assert db.errors(WIDGET, "test/widget") == []
    db.validate(WIDGET, "test/widget")


def test_every_problem_is_reported_with_wire_paths():
    bad = {
        "price": "12.505",
        "count": "2",
        "madeOn": "2025-02-30",
        "originalAssociateUUID": 5,
        "parts": [{"cents": 1}, {"partNumber": "a b"}],
    }
    with pytest.raises(db.ValidationError) as info:
        db.validate(bad, "test/widget")
    found = [(i.path, i.code) for i in info.value.issues]
    assert found == [
        ("/count", "type"),
        ("/id", "required"),
        ("/madeOn", "format"),
        ("/originalAssociateUUID", "type"),
        ("/parts/0/partNumber", "required"),
        ("/parts/1/partNumber", "pattern"),
        ("/price", "pattern"),
    ]
    text = str(info.value)
    assert "'price' must be an amount string with at most two decimals" in text
    assert '"12.505"' in text
    assert all(i.code in ISSUE_CODES for i in info.value.issues)
    as_dict = info.value.issues[-1].to_dict()
    assert as_dict["path"] == "/price" and as_dict["value"] == "12.505"
    json.dumps(info.value.to_list())


def test_integral_float_is_an_integer_and_bool_is_not():
    assert codes({**WIDGET, "count": 2.0}) == []
    assert codes({**WIDGET, "count": True}) == [("/count", "type")]


def test_ecma_anchors_trailing_newline_is_not_a_match():
    assert codes({**WIDGET, "price": "12.50\n"}) == [("/price", "pattern")]


def test_nullable_object_reports_the_inner_problem():
    assert codes({**WIDGET, "part": {"partNumber": 5}}) == [("/part/partNumber", "type")]
    assert codes({**WIDGET, "part": None}) == []


def test_content_schema_is_checked_under_the_string_path():
    assert codes({**WIDGET, "body": json.dumps({"partNumber": "A"})}) == []
    assert codes({**WIDGET, "body": json.dumps({"partNumber": 5})}) == [
        ("/body/partNumber", "type")
    ]
    assert codes({**WIDGET, "body": "{not json"}) == [("/body", "contentMediaType")]
    assert codes({**WIDGET, "body": '{"partNumber": "A", "partNumber": "B"}'}) == [
        ("/body", "contentMediaType")
    ]
    assert codes({**WIDGET, "body": {"cents": 1}}) == [("/body/partNumber", "required")]


def test_closed_request_reports_unknown_members_and_union_branch():
    found = codes(
        [{"cannedId": "c", "extra": 1}, {"name": "", "status": "Z"}], "test/order-form-request"
    )
    assert found == [
        ("/0/<redacted name>", "additionalProperties"),  # an unknown name is personal data
        ("/1/name", "minLength"),
        ("/1/status", "enum"),
    ]
    with db.redaction("off"):
        shown = codes([{"cannedId": "c", "extra": 1}], "test/order-form-request")
    assert shown == [("/0/extra", "additionalProperties")]


def test_values_that_are_not_json_become_issues_not_exceptions():
    for weird in ({"id": {1, 2}}, object(), {"id": b"x"}):
        found = db.errors(weird, "test/widget")
        assert found and all(isinstance(i, db.Issue) for i in found)


def test_redaction_keeps_values_out():
    with db.redaction():
        err = db.errors({**WIDGET, "id": " "}, "test/widget")
        assert err[0].message.endswith("<redacted string>")
        assert "value" not in err[0].to_dict()
        with pytest.raises(db.ValidationError) as info:
            db.validate({**WIDGET, "price": "VIN1HGCM82633A004352"}, "test/widget")
        assert "VIN1HGCM" not in str(info.value)


def test_misuse_is_a_separate_error():
    with pytest.raises(db.UnknownSchemaError):
        db.validate({}, "nope/nothing")
    with pytest.raises(db.UnknownSchemaError):
        db.schema("test/widget", version=99)
    with pytest.raises(db.DealerbridgeUsageError):
        db.load(dict, {})
    with pytest.raises(db.DealerbridgeUsageError):
        db.validate({}, 5)


def test_versions_asked_for_are_checked_on_every_call():
    # compiled() remembers the default registry's schemas by the version asked for: a version
    # it refuses stays refused after the same schema was used (True is not version 1, though
    # it hashes like 1), and None and 1 give the same schema.
    assert db.errors(WIDGET, "test/widget", version=1) == []
    assert db.errors(WIDGET, "test/widget") == []
    for bad in (True, 1.0, 99, [1]):
        with pytest.raises(db.UnknownSchemaError):
            db.validate(WIDGET, "test/widget", version=bad)  # type: ignore[arg-type]
    assert db.errors({**WIDGET, "id": " "}, "test/widget", version=1) == db.errors(
        {**WIDGET, "id": " "}, "test/widget"
    )


def test_schema_access():
    assert "common/primitives" in db.schema_names()
    doc = db.schema("test/widget")
    doc["title"] = "changed"
    assert db.schema("test/widget")["title"] == "Widget"
    assert db.schema_versions("test/widget") == [1]


def test_no_network_remote_refs_are_refused(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("network used")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    for name in db.schema_names():
        db.errors({}, name)
    reg = jsonschema_rs.Registry(list(db._default_registry().resources()))
    with pytest.raises(jsonschema_rs.ValidationError, match=r"Retrieval is disabled|not present"):
        jsonschema_rs.validator_for(
            {"$ref": "https://example.com/remote.json"}, registry=reg, offline=True
        )


def test_issue_codes_are_documented_in_readme():
    readme = (__import__("pathlib").Path(__file__).parents[1] / "README.md").read_text()
    for code in ISSUE_CODES:
        assert f"`{code}`" in readme, code


def test_a_member_name_with_tilde_and_slash_is_escaped_in_the_path():
    # RFC 6901: "~" is written "~0" and "/" is written "~1" (in that order).
    with db.redaction("off"):  # an unknown member's name is shown only with redaction off
        found = codes([{"cannedId": "c", "a~1/b": 1}], "test/order-form-request")
    assert found == [("/0/a~01~1b", "additionalProperties")]

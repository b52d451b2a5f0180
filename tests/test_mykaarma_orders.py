import json
import re

import pytest
from hypothesis import given, settings

import dealerbridge as db
from dealerbridge import mykaarma as mk
from dealerbridge.testing import payloads

from .vendor_support import FIXTURES

EVENT_DIR = FIXTURES / "mykaarma" / "order-event"


def test_doc_event_validates_as_printed_and_as_delivered():
    printed = json.loads((EVENT_DIR / "doc-event.json").read_text())
    db.validate(printed, "mykaarma/order-event")
    delivered = {**printed, "payload": json.dumps(printed["payload"])}
    db.validate(delivered, "mykaarma/order-event")
    for raw in (json.dumps(printed).encode(), json.dumps(delivered).encode()):
        event = mk.parse_order_event(raw)
        assert event.payload.order.header.order_number == "mykTestRO1122"
        assert event.payload.order.header.is_internal is False
        assert event.payload.order.jobs[0].tech_nos == "109072"
        assert mk.event_key(event) == ("a7b9c1d3-e5f7-4891-ab23-cd45ef678901", "service-orders")
    assert db.dump(mk.parse_order_event(json.dumps(delivered).encode())) == delivered
    assert db.dump(mk.parse_order_event(json.dumps(printed).encode())) == printed
    # The wire form is not part of the value: both forms load to equal events.
    assert mk.parse_order_event(json.dumps(delivered)) == mk.parse_order_event(json.dumps(printed))


def test_payload_stringified_twice_gets_one_verdict():
    """Regression: validate rejected it while load decoded the string twice and accepted it."""
    printed = json.loads((EVENT_DIR / "doc-event.json").read_text())
    twice = {**printed, "payload": json.dumps(json.dumps(printed["payload"]))}
    expected = [("/payload", "type")]
    assert [(i.path, i.code) for i in db.errors(twice, "mykaarma/order-event")] == expected
    with pytest.raises(db.ValidationError) as info:
        mk.parse_order_event(json.dumps(twice))
    assert [(i.path, i.code) for i in info.value.issues] == expected
    with pytest.raises(db.ValidationError):
        db.load(mk.OrderEvent, twice)


def test_missing_id_and_bad_payload_string_give_the_same_issues_everywhere():
    """Regression: errors() found 2 issues, load 1 and without the schema label."""
    printed = json.loads((EVENT_DIR / "doc-event.json").read_text())
    bad = {k: v for k, v in printed.items() if k != "id"}
    bad["payload"] = "{not json"
    found = db.errors(bad, "mykaarma/order-event")
    assert [(i.path, i.code) for i in found] == [
        ("/id", "required"),
        ("/payload", "contentMediaType"),
    ]
    with pytest.raises(db.ValidationError) as info:
        db.load(mk.OrderEvent, bad)
    assert list(info.value.issues) == found
    assert info.value.schema == "mykaarma/order-event v1"
    with pytest.raises(db.ValidationError) as info:
        mk.parse_order_event(json.dumps(bad))
    assert list(info.value.issues) == found


def test_inner_payload_issues_continue_under_payload():
    printed = json.loads((EVENT_DIR / "doc-event.json").read_text())
    printed["payload"]["order"]["jobs"][0]["parts"][0].pop("partNumber")
    printed["payload"]["order"]["header"]["status"] = "X"
    delivered = {**printed, "payload": json.dumps(printed["payload"])}
    with pytest.raises(db.ValidationError) as info:
        db.validate(delivered, "mykaarma/order-event")
    assert [(i.path, i.code) for i in info.value.issues] == [
        ("/payload/order/header/status", "enum"),
        ("/payload/order/jobs/0/parts/0/partNumber", "required"),
    ]
    # Loading is tolerant of the unknown status letter (inbound), not of the missing part number.
    with pytest.raises(db.ValidationError) as info:
        mk.parse_order_event(json.dumps(delivered))
    assert [(i.path, i.code) for i in info.value.issues] == [
        ("/payload/order/jobs/0/parts/0/partNumber", "required")
    ]


def test_unknown_event_type_is_a_warning_and_bad_input_a_validation_error():
    printed = json.loads((EVENT_DIR / "doc-event.json").read_text())
    with pytest.warns(db.UnknownEnumValueWarning):
        event = mk.parse_order_event(json.dumps({**printed, "type": "invoices"}))
    assert event.type == "invoices"
    for raw in (
        b"\xff",
        b"{",
        b'{"id": 1, "id": 2}',
        "[]",
        json.dumps({**printed, "payload": "{oops"}),
        5,
    ):
        with pytest.raises(db.ValidationError):
            mk.parse_order_event(raw)


def test_create_template_from_the_page_is_rejected_with_clear_issues():
    text = (FIXTURES / "mykaarma" / "create-order-request" / "doc-create-template.txt").read_text()
    body = text[text.index("{") :]
    with pytest.raises(db.ValidationError) as info:
        db.parse_json(body)
    assert info.value.issues[0].code == "json.syntax"
    assert "line" in info.value.issues[0].message
    # With its two syntax errors repaired, the placeholders still fail the field rules.
    repaired = body.replace('"bookerNo":"string",string', '"bookerNo":"string",').replace(
        '"updateDate":string""', '"updateDate":"string"'
    )
    repaired = repaired[: repaired.rindex("}") + 1]
    found = {
        (i.path, i.code)
        for i in db.errors(db.parse_json(repaired), "mykaarma/create-order-request")
    }
    assert ("/order/header/status", "enum") in found
    assert ("/order/header/createDate", "pattern") in found
    assert ("/order/header/laborCost", "pattern") in found
    assert ("/order/jobs/0/techHours/0/techNo", "type") not in found


def test_create_request_from_an_event_order():
    event = mk.parse_order_event((EVENT_DIR / "doc-event.json").read_bytes())
    result = mk.create_request_from_order(event)
    request = db.dump(result.request)
    db.validate(request, "mykaarma/create-order-request")
    header = request["order"]["header"]
    assert header["status"] == "CLOSED"
    assert (header["createDate"], header["createTime"]) == ("2025-07-24", "22:00:00")
    assert request["order"]["jobs"][0]["techNo"] == "109072"
    assert "/header/dmsStatus" in result.dropped and "/jobs/0/jobTotal" in result.dropped
    assert "/header/orderDate" not in result.dropped
    update = mk.update_request_from_order(event.payload.order)
    db.validate(db.dump(update.request), "mykaarma/update-order-request")


def test_create_request_raises_only_when_the_result_is_invalid():
    event = json.loads((EVENT_DIR / "doc-event.json").read_text())
    event["payload"]["order"]["jobs"][0]["laborSale"] = "256.505"  # fine inbound, not on create
    order = db.load(mk.OrderEvent, event)
    with pytest.raises(db.ValidationError) as info:
        mk.create_request_from_order(order)
    assert [(i.path, i.code) for i in info.value.issues] == [("/order/jobs/0/laborSale", "pattern")]


@settings(max_examples=40)
@given(payloads("mykaarma/order"))
def test_any_order_gives_a_valid_request_or_a_validation_error(payload):
    order = db.load(mk.Order, payload)
    try:
        result = mk.create_request_from_order(order)
    except db.ValidationError:
        return
    db.validate(db.dump(result.request), "mykaarma/create-order-request")
    for pointer in result.dropped:
        assert re.match(r"^(/[^/]+)+$", pointer)

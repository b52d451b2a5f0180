"""Shopmonkey v3 webhooks: `sm.parse_webhook` (typed rows) and `sm.verify_webhook` (Standard
Webhooks signatures, checked against the `standardwebhooks` package's own signer)."""

import base64
import json
import warnings
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from standardwebhooks.webhooks import Webhook

import dealerbridge as db
from dealerbridge import shopmonkey as sm
from dealerbridge.testing import payloads

from .strictjson import tagged
from .vendor_support import FIXTURES, expected_for, fixture_files

WEBHOOKS = FIXTURES / "shopmonkey" / "webhook"
ROW_MODELS = {
    "order": sm.Order,
    "service": sm.Service,
    "labor": sm.Labor,
    "part": sm.Part,
    "tire": sm.Tire,
    "fee": sm.Fee,
    "subcontract": sm.Subcontract,
}
VALID = [p for p in fixture_files("shopmonkey/webhook") if p.name.startswith("valid-")]
INVALID = [p for p in fixture_files("shopmonkey/webhook") if p.name.startswith("invalid-")]


def body_of(name):
    return (WEBHOOKS / name).read_bytes()


def pairs(error):
    return sorted((i.path, i.code) for i in error.issues)


# --------------------------------------------------------------------------- parse_webhook


def test_fixtures_cover_every_modelled_table_and_an_unmodelled_one():
    tables = {json.loads(p.read_bytes())["table"] for p in VALID}
    assert set(ROW_MODELS) <= tables
    assert tables - set(ROW_MODELS)


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_delivery_gives_a_typed_row_for_modelled_tables(path):
    body = json.loads(path.read_bytes())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        change = sm.parse_webhook(path.read_bytes())
    assert isinstance(change, sm.WebhookChange)
    assert (change.table, change.operation) == (body["table"], body["operation"])
    model = ROW_MODELS.get(body["table"])
    if model is None:
        assert type(change.data) is dict
        assert tagged(change.data) == tagged(body["data"])
    else:
        assert type(change.data) is model
        assert change.data == db.load(model, body["data"])
        assert tagged(db.dump(change.data)) == tagged(db.dump(db.load(model, body["data"])))
    assert change.event == db.load(sm.WebhookEvent, body)


def test_diff_keeps_absent_null_and_present_apart():
    update = sm.parse_webhook(body_of("valid-order-update-workflow-status.json"))
    insert = sm.parse_webhook(body_of("valid-order-insert-walk-in.json"))
    null = sm.parse_webhook(body_of("valid-fee-insert-diff-null.json"))
    assert update.diff == ["workflowStatusId", "workflowStatusPosition", "updatedDate"]
    assert insert.diff is db.UNSET
    assert null.diff is None


def test_api_version_is_kept_with_its_json_type():
    as_string = sm.parse_webhook(body_of("valid-order-insert-walk-in.json"))
    as_integer = sm.parse_webhook(body_of("valid-service-update-authorized.json"))
    assert as_string.event.api_version == "3"
    assert as_integer.event.api_version == 3


def test_the_envelope_writes_back_what_was_received():
    raw = body_of("valid-customer-update-unmodelled-table.json")
    change = sm.parse_webhook(raw)
    assert tagged(db.dump(change.event)) == tagged(json.loads(raw))


def test_unknown_top_level_members_are_kept():
    body = json.loads(body_of("valid-labor-insert.json"))
    body["deliveryAttempt"] = 2
    change = sm.parse_webhook(json.dumps(body))
    assert change.event.extras == {"deliveryAttempt": 2}


@pytest.mark.parametrize(
    "path", [p for p in INVALID if p.name != "invalid-operation-unknown.json"], ids=lambda p: p.name
)
def test_invalid_delivery_raises_every_issue_with_its_path(path):
    with pytest.raises(db.ValidationError) as caught:
        sm.parse_webhook(path.read_bytes())
    assert pairs(caught.value) == expected_for(path)


def test_an_order_row_without_the_joined_members_is_refused_as_documented():
    # decisions note, decision 12: the known risk, pinned.
    with pytest.raises(db.ValidationError) as caught:
        sm.parse_webhook(body_of("invalid-order-table-row-without-joins.json"))
    assert pairs(caught.value) == [
        ("/data/customer", "required"),
        ("/data/vehicle", "required"),
        ("/data/workflowStatus", "required"),
    ]


def test_an_unknown_operation_is_kept_with_a_warning():
    with pytest.warns(db.UnknownEnumValueWarning, match="/operation"):
        change = sm.parse_webhook(body_of("invalid-operation-unknown.json"))
    assert change.operation == "UPSERT"
    assert db.errors(json.loads(body_of("invalid-operation-unknown.json")), "shopmonkey/webhook")


def test_an_unknown_enum_value_inside_a_modelled_row_is_kept_with_a_warning():
    body = json.loads(body_of("valid-service-update-authorized.json"))
    body["data"]["authorizationStatus"] = "AwaitingSignature"
    with pytest.warns(db.UnknownEnumValueWarning, match="/data/authorizationStatus"):
        change = sm.parse_webhook(json.dumps(body))
    assert isinstance(change.data, sm.Service)
    assert change.data.authorization_status == "AwaitingSignature"


def test_the_row_is_checked_against_its_table_only():
    # A labor row is not an order: the same data under table "order" is refused, and under a
    # table we do not model it is any JSON object.
    body = json.loads(body_of("valid-labor-insert.json"))
    body["table"] = "order"
    with pytest.raises(db.ValidationError) as caught:
        sm.parse_webhook(json.dumps(body))
    assert ("/data/customer", "required") in pairs(caught.value)
    body["table"] = "canned_service_labor"
    assert type(sm.parse_webhook(json.dumps(body)).data) is dict


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"", "json.syntax"),
        (b'{"table": "order", "table": "fee"}', "json.duplicate_key"),
        (b"\xff\xfe{}", "json.encoding"),
        (b'{"apiVersion": 3, "operation": "INSERT", "table": "x", "data": {"n": NaN}}', None),
        ("[]", "type"),
    ],
)
def test_bad_bytes_raise_validation_error(raw, code):
    with pytest.raises(db.ValidationError) as caught:
        sm.parse_webhook(raw)
    if code is not None:
        assert caught.value.issues[0].code == code


@pytest.mark.parametrize("raw", [None, {"table": "order"}, 3])
def test_a_non_body_argument_is_a_json_type_issue(raw):
    with pytest.raises(db.ValidationError) as caught:
        sm.parse_webhook(raw)
    assert pairs(caught.value) == [("", "json.type")]


@given(raw=st.binary(max_size=64) | st.text(max_size=64))
def test_nothing_but_validation_error_escapes(raw):
    try:
        change = sm.parse_webhook(raw)
    except db.ValidationError:
        return
    assert isinstance(change, sm.WebhookChange)


@st.composite
def modelled_deliveries(draw):
    table = draw(st.sampled_from(["service", "labor", "part", "tire", "fee", "subcontract"]))
    row = draw(payloads(f"shopmonkey/{table}", max_items=1, unknown_fields=False))
    operation = draw(st.sampled_from(["INSERT", "UPDATE", "DELETE"]))
    body = {"apiVersion": "3", "operation": operation, "table": table, "data": row}
    if operation == "UPDATE":
        body["diff"] = draw(st.lists(st.sampled_from(sorted(row)), max_size=3, unique=True))
    return body


@given(body=modelled_deliveries())
def test_generated_deliveries_of_modelled_tables_parse_to_their_model(body):
    change = sm.parse_webhook(json.dumps(body))
    model = ROW_MODELS[body["table"]]
    assert type(change.data) is model
    assert tagged(db.dump(change.data)) == tagged(db.dump(db.load(model, body["data"])))


# --------------------------------------------------------------------------- verify_webhook

SECRET = "whsec_" + base64.b64encode(b"dealerbridge-test-secret-32bytes").decode()
OTHER_SECRET = "whsec_" + base64.b64encode(b"another-secret-of-thirty-2-bytes").decode()
BODY = body_of("valid-order-update-workflow-status.json")
MSG_ID = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"


def signed(body=BODY, *, secret=SECRET, at=None, msg_id=MSG_ID):
    """Headers as Shopmonkey would send them, signed by the package's own signer."""
    when = at or datetime.now(tz=UTC)
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    signature = Webhook(secret).sign(msg_id=msg_id, timestamp=when, data=text)
    return {
        "Content-Type": "application/json",
        "User-Agent": "Shopmonkey (+https://shopmonkey.io)",
        "X-Attempt": "1",
        "X-Request-Id": "req_0f8c2d",
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(when.timestamp())),
        "webhook-signature": signature,
        "webhook-version": "3",
    }


def test_a_signed_delivery_is_accepted():
    assert sm.verify_webhook(BODY, signed(), SECRET) is True


def test_the_secret_may_come_without_its_prefix_or_as_raw_key_bytes():
    bare = SECRET.removeprefix("whsec_")
    assert sm.verify_webhook(BODY, signed(), bare) is True
    raw_key = b"dealerbridge-test-secret-32bytes"
    assert sm.verify_webhook(BODY, signed(secret=SECRET), raw_key) is True
    unpadded = base64.b64encode(b"sixteen-byte-key").decode().rstrip("=")
    assert sm.verify_webhook(BODY, signed(secret=unpadded), unpadded) is True


def test_a_str_body_is_verified_as_its_utf8():
    text = '{"apiVersion":"3","operation":"INSERT","table":"note","data":{"text":"Niño – ok"}}'
    headers = signed(text)
    assert sm.verify_webhook(text, headers, SECRET) is True
    assert sm.verify_webhook(text.encode("utf-8"), headers, SECRET) is True


def test_header_names_are_case_insensitive():
    headers = {key.upper(): value for key, value in signed().items()}
    assert sm.verify_webhook(BODY, headers, SECRET) is True
    headers = {key.title(): value for key, value in signed().items()}
    assert sm.verify_webhook(BODY, headers, SECRET) is True


class _MultiHeaders:
    """A header object like Werkzeug's: .items() yields repeated names."""

    def __init__(self, pairs):
        self._pairs = pairs

    def items(self):
        return list(self._pairs)


def test_the_first_of_repeated_headers_counts():
    good = signed()
    forged = [(k, v) for k, v in good.items() if k != "webhook-signature"]
    first_good = _MultiHeaders(
        [
            *forged,
            ("Webhook-Signature", good["webhook-signature"]),
            ("webhook-signature", "v1,AA=="),
        ]
    )
    first_bad = _MultiHeaders(
        [
            *forged,
            ("webhook-signature", "v1,AA=="),
            ("Webhook-Signature", good["webhook-signature"]),
        ]
    )
    assert sm.verify_webhook(BODY, first_good, SECRET) is True
    assert sm.verify_webhook(BODY, first_bad, SECRET) is False


def test_any_one_v1_signature_of_a_rotation_list_may_match():
    headers = signed()
    wrong = Webhook(OTHER_SECRET).sign(MSG_ID, datetime.now(tz=UTC), BODY.decode())
    headers["webhook-signature"] = f"v1a,AAAA {wrong} {headers['webhook-signature']}"
    assert sm.verify_webhook(BODY, headers, SECRET) is True
    headers["webhook-signature"] = f"v1a,AAAA {wrong}"
    assert sm.verify_webhook(BODY, headers, SECRET) is False


def test_a_tampered_body_is_rejected():
    headers = signed()
    tampered = BODY.replace(b'"workflowStatusPosition": 2', b'"workflowStatusPosition": 3')
    assert tampered != BODY
    assert sm.verify_webhook(tampered, headers, SECRET) is False
    assert sm.verify_webhook(BODY + b"\n", headers, SECRET) is False


def test_another_secret_is_rejected():
    assert sm.verify_webhook(BODY, signed(), OTHER_SECRET) is False


def test_changed_id_or_timestamp_is_rejected():
    headers = signed()
    assert sm.verify_webhook(BODY, {**headers, "webhook-id": "msg_other"}, SECRET) is False
    later = str(int(headers["webhook-timestamp"]) + 1)
    assert sm.verify_webhook(BODY, {**headers, "webhook-timestamp": later}, SECRET) is False


@pytest.mark.parametrize("shift", [timedelta(minutes=-6), timedelta(minutes=6)])
def test_a_stale_or_future_timestamp_is_rejected(shift):
    at = datetime.now(tz=UTC) + shift
    assert sm.verify_webhook(BODY, signed(at=at), SECRET) is False


def test_tolerance_narrows_the_replay_window():
    two_minutes_ago = signed(at=datetime.now(tz=UTC) - timedelta(minutes=2))
    assert sm.verify_webhook(BODY, two_minutes_ago, SECRET) is True
    assert sm.verify_webhook(BODY, two_minutes_ago, SECRET, tolerance=timedelta(minutes=3))
    assert not sm.verify_webhook(BODY, two_minutes_ago, SECRET, tolerance=timedelta(minutes=1))


@pytest.mark.parametrize("missing", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_a_missing_or_empty_header_is_rejected(missing):
    headers = signed()
    assert (
        sm.verify_webhook(BODY, {k: v for k, v in headers.items() if k != missing}, SECRET) is False
    )
    assert sm.verify_webhook(BODY, {**headers, missing: ""}, SECRET) is False
    assert sm.verify_webhook(BODY, {**headers, missing: None}, SECRET) is False


@pytest.mark.parametrize(
    "signature",
    ["", "v1", "v1,", "v1,not base64!", "v1,a,b", "sha256=abcdef", "v2,AAAA", " ", "v1,AA=="],
)
def test_a_malformed_signature_header_is_rejected_without_raising(signature):
    headers = {**signed(), "webhook-signature": signature}
    assert sm.verify_webhook(BODY, headers, SECRET) is False


@pytest.mark.parametrize("timestamp", ["soon", "", "nan", "inf", "1e400", "-1", "12.5.1"])
def test_a_malformed_timestamp_is_rejected_without_raising(timestamp):
    headers = {**signed(), "webhook-timestamp": timestamp}
    assert sm.verify_webhook(BODY, headers, SECRET) is False
    assert sm.verify_webhook(BODY, headers, SECRET, tolerance=timedelta(minutes=1)) is False


def _respelled(text):
    """Other texts of the same instant that ``float()`` reads as *text* (issue 19)."""
    return [
        f" {text} ",
        f"{text} ",
        f"\t{text}",
        f"+{text}",
        f"0{text}",
        f"{text}.999",
        f"{text}.0",
        f"{text[0]}.{text[1:]}e{len(text) - 1}",
        f"{text}\n",
        "".join(chr(ord(c) - ord("0") + 0x0660) for c in text),  # Arabic-Indic digits
        f"{text[:4]}_{text[4:]}",
    ]


@pytest.mark.parametrize("index", range(len(_respelled("1796610146"))))
def test_only_the_signed_text_of_the_timestamp_verifies(index):
    headers = signed()
    other = _respelled(headers["webhook-timestamp"])[index]
    assert float(other.replace("_", "")) == pytest.approx(float(headers["webhook-timestamp"]))
    assert sm.verify_webhook(BODY, headers, SECRET) is True
    for tolerance in (sm.WEBHOOK_TOLERANCE, timedelta(minutes=1)):
        respelled = {**headers, "webhook-timestamp": other}
        assert sm.verify_webhook(BODY, respelled, SECRET, tolerance=tolerance) is False


def test_a_body_that_is_not_utf8_is_rejected():
    assert sm.verify_webhook(b"\xff" + BODY, signed(), SECRET) is False


@given(
    raw=st.binary(max_size=40),
    msg_id=st.text(max_size=12),
    timestamp=st.text(max_size=12),
    signature=st.text(max_size=60),
)
def test_sender_controlled_input_never_raises(raw, msg_id, timestamp, signature):
    headers = {"webhook-id": msg_id, "webhook-timestamp": timestamp, "webhook-signature": signature}
    assert sm.verify_webhook(raw, headers, SECRET) is False


@given(data=st.data())
def test_flipping_any_byte_of_the_body_breaks_the_signature(data):
    headers = signed()
    index = data.draw(st.integers(0, len(BODY) - 1))
    flip = data.draw(st.integers(1, 255))
    changed = bytearray(BODY)
    changed[index] ^= flip
    assert sm.verify_webhook(bytes(changed), headers, SECRET) is False


@pytest.mark.parametrize(
    "secret",
    ["", "whsec_", "not base64!", "whsec_abc$def", " " + SECRET, SECRET + "\n", b"", 42, None],
)
def test_a_malformed_secret_is_a_usage_error(secret):
    with pytest.raises(db.DealerbridgeUsageError):
        sm.verify_webhook(BODY, signed(), secret)


@pytest.mark.parametrize(
    "tolerance", [timedelta(minutes=6), timedelta(0), timedelta(seconds=-1), 300, None]
)
def test_a_tolerance_outside_the_window_is_a_usage_error(tolerance):
    with pytest.raises(db.DealerbridgeUsageError):
        sm.verify_webhook(BODY, signed(), SECRET, tolerance=tolerance)


def test_a_parsed_body_or_headers_without_items_is_a_usage_error():
    with pytest.raises(db.DealerbridgeUsageError, match="raw body"):
        sm.verify_webhook(json.loads(BODY), signed(), SECRET)
    with pytest.raises(db.DealerbridgeUsageError, match="headers"):
        sm.verify_webhook(BODY, None, SECRET)


def test_usage_errors_do_not_show_the_secret():
    secret = "whsec_c2VjcmV0$"
    with pytest.raises(db.DealerbridgeUsageError) as caught:
        sm.verify_webhook(BODY, signed(), secret)
    assert "c2VjcmV0" not in str(caught.value)


class _Log:
    def __init__(self):
        self.lines = []

    def warning(self, text, *args):
        self.lines.append(("warning", text % args))

    def info(self, text, *args):
        self.lines.append(("info", text % args))


def readme_receiver():
    """The receiver of README "Receiving Shopmonkey webhooks", run as printed."""
    readme = (FIXTURES.parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Receiving Shopmonkey webhooks", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace = {}
    exec(code, namespace)
    synced = []
    namespace.update(SECRET=SECRET, log=_Log(), enqueue_sync=synced.append)
    return namespace["handle"], synced, namespace["log"]


def test_receiver_as_the_readme_shows():
    handle, synced, log = readme_receiver()
    for name in ("valid-order-update-workflow-status.json", "valid-labor-insert.json"):
        raw = body_of(name)
        assert handle(raw, signed(raw)) == 200
    labor_order_id = json.loads(body_of("valid-labor-insert.json"))["data"]["orderId"]
    assert synced == ["fd031338-b0ba-4f1b-b583-5800678cdab9", labor_order_id]
    other = body_of("valid-appointment-insert-unmodelled-table.json")
    assert handle(other, signed(other)) == 200
    assert log.lines == [("info", "ignored INSERT appointment")]
    assert handle(BODY, signed(secret=OTHER_SECRET)) == 401
    bad = body_of("invalid-labor-hours-string.json")
    assert handle(bad, signed(bad)) == 422  # the problem details' status: JSON, but invalid
    assert "/data/hours" in log.lines[-1][1]
    assert handle(b"{not json", signed(b"{not json")) == 400  # unreadable: 400
    assert len(synced) == 2


def test_an_unmodelled_row_is_kept_exactly_as_parsed():
    body = json.loads(body_of("valid-customer-update-unmodelled-table.json"))
    body["data"]["discountPercent"] = 5.0
    change = sm.parse_webhook(json.dumps(body))
    assert tagged(change.data) == tagged(body["data"])


def test_the_signature_is_about_bytes_not_json():
    # Verification does not parse: a signed body that is not JSON verifies, and parse_webhook
    # is what refuses it.
    headers = signed(b"not json")
    assert sm.verify_webhook(b"not json", headers, SECRET) is True
    with pytest.raises(db.ValidationError):
        sm.parse_webhook(b"not json")


@pytest.mark.parametrize("wrap", [bytearray, memoryview])
def test_a_body_in_a_byte_buffer_reads_as_its_bytes(wrap):
    raw = VALID[0].read_bytes()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", db.UnknownEnumValueWarning)
        assert sm.parse_webhook(wrap(raw)) == sm.parse_webhook(raw)


def test_the_row_is_held_once():
    # issue 20: the change held the row twice (typed in data, as JSON in event)
    import attrs

    change = sm.parse_webhook(body_of("valid-order-update-workflow-status.json"))
    assert "event" not in attrs.fields_dict(sm.WebhookChange)
    assert change.event.data == db.dump(change.data)
    assert change.event is not change.event  # rebuilt on access, not stored

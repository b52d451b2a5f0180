"""Messages a person can act on (issue 15): every case named there gives one issue whose
message states the rule in words, and the machine-readable rule stays on the issue."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

import dealerbridge as db
from dealerbridge import mykaarma as mk

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
CREATE = "mykaarma/create-order-request"
BASE = json.loads((FIXTURES / CREATE / "valid-minimal-advisor-number.json").read_text())
ADVISOR_WORDS = "must have a non-blank advisorNumber or a non-blank assignedUserUuid"


def header_issues(**changes: object) -> list[db.Issue]:
    body = copy.deepcopy(BASE)
    header = body["order"]["header"]
    for key, value in changes.items():
        if value is ...:
            header.pop(key, None)
        else:
            header[key] = value
    return db.errors(body, CREATE)


@pytest.mark.parametrize(
    "changes",
    [
        {"advisorNumber": "  ", "assignedUserUuid": "  "},  # both blank
        {"advisorNumber": ..., "assignedUserUuid": ...},  # both absent
        {"advisorNumber": None, "assignedUserUuid": " \t"},  # advisor null, user blank
        {"advisorNumber": "", "assignedUserUuid": None},
        {"advisorNumber": ..., "assignedUserUuid": ""},
    ],
    ids=["both-blank", "both-absent", "null-and-blank", "empty-and-null", "absent-and-empty"],
)
def test_the_advisor_or_user_rule_is_named_once_however_it_is_broken(changes):
    (issue,) = header_issues(**changes)
    assert issue.path == "/order/header"
    assert issue.code == issue.rule == "advisor-or-assigned-user"
    assert issue.code in db.ISSUE_CODES
    assert ADVISOR_WORDS in issue.message
    assert "'advisorNumber'" in issue.message and "'assignedUserUuid'" in issue.message
    assert issue.schema_location is not None
    assert issue.schema_location.endswith(
        "create-order-request/v1.json#/$defs/CreateOrderHeader/allOf/0"
    )
    assert "[^" not in issue.message and "type string" not in issue.message


def test_a_wrong_type_for_advisor_number_is_its_own_issue_not_the_rule():
    (issue,) = header_issues(advisorNumber=7, assignedUserUuid=" ")
    assert (issue.path, issue.code) == ("/order/header/advisorNumber", "type")
    assert "must be a string or null; found the number 7" in issue.message


def test_a_negative_amount_gives_the_rule_in_words_not_the_regex():
    (issue,) = header_issues(laborSale="-5.00")
    assert (issue.path, issue.code, issue.rule) == ("/order/header/laborSale", "pattern", "pattern")
    assert "must be an amount string with at most two decimals and no sign" in issue.message
    assert "[0-9]" not in issue.message
    assert issue.schema_location and issue.schema_location.endswith("mykaarmaAmount/pattern")


def test_a_number_where_an_amount_string_is_wanted_says_what_was_wanted():
    (issue,) = header_issues(laborSale=0)
    assert issue.code == "anyOf"
    assert 'an amount string with at most two decimals and no sign, like "12.50", or null' in (
        issue.message
    )
    assert "found the number 0" in issue.message
    assert "matches none of the allowed shapes" not in issue.message
    assert "cents_to_amount" in issue.message  # the hint: amounts travel as strings


def test_a_date_breaking_pattern_and_format_is_reported_once():
    (issue,) = header_issues(createDate="2026/01/05")
    assert issue.path == "/order/header/createDate"
    assert 'must be a real calendar date written yyyy-MM-dd, like "2026-01-05"' in issue.message


def test_an_impossible_date_is_the_same_rule():
    (issue,) = header_issues(createDate="2026-02-30")
    assert issue.code == "format"
    assert "real calendar date" in issue.message


def test_a_date_time_with_offset_where_a_date_is_wanted_gets_the_date_back():
    (issue,) = header_issues(createDate="2026-01-05T10:00:00-07:00")
    assert 'a date only, without time or offset: "2026-01-05"' in issue.message


@pytest.mark.parametrize(
    ("letter", "word"), [("O", "OPENED"), ("P", "PRE-INVOICED"), ("c", "CLOSED")]
)
def test_a_status_letter_on_a_create_request_points_at_the_word_and_the_helper(letter, word):
    (issue,) = header_issues(status=letter)
    assert issue.code == "enum"
    assert f'send the word "{word}"' in issue.message
    assert f'letter_to_status("{letter}")' in issue.message


def test_a_wrong_case_enum_value_suggests_the_listed_one():
    (issue,) = header_issues(status="opened")
    assert 'did you mean "OPENED"?' in issue.message


@pytest.mark.parametrize(
    ("cents", "hint"),
    [
        ("1250", "send 1250, not the string"),
        ("12.50", 'amount_to_cents("12.50")'),
    ],
)
def test_cents_sent_as_strings_get_a_hint(cents, hint):
    body = [{"name": "Brakes", "labors": [{"name": "Pads", "rateCents": cents}]}]
    (issue,) = db.errors(body, "shopmonkey/create-services-request")
    assert issue.path == "/0/labors/0/rateCents"
    assert "must be a whole number of cents, like 15050 for $150.50" in issue.message
    assert f'found the string "{cents}"' in issue.message
    assert hint in issue.message


def test_partner_errors_are_issues_with_the_vendor_code_and_text():
    body = json.loads(
        (FIXTURES / "mykaarma/partner-appointment-request/doc-minimal.json").read_text()
    )
    assert mk.partner_request_errors(body, dealer_uuid="dealer-1") == []
    body = {**body, "dealerDepartmentUUID": "  "}
    found = mk.partner_request_errors(body, dealer_uuid="dealer-1")
    (issue,) = found
    assert isinstance(issue, db.Issue)
    assert issue.code == issue.vendor_code == "INVALID_DEPT_UUID"
    assert issue.vendor_text == mk.PARTNER_ERROR_CODES["INVALID_DEPT_UUID"]
    assert issue.rule == "invalid-dept-uuid"
    assert "'dealerDepartmentUUID'" in issue.message and '"  "' in issue.message
    error = db.ValidationError(found)
    assert "INVALID_DEPT_UUID" in str(error)
    assert error.to_list()[0]["vendor_code"] == found[0].vendor_code


def _invalid_fixtures() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(FIXTURES.glob("*/*/invalid-*.json")):
        if not path.name.endswith(".expected.json"):
            out.append((str(path.parent.relative_to(FIXTURES)), path))
    return out


def test_every_schema_issue_carries_its_rule_and_schema_location_and_no_regex():
    seen = 0
    for name, path in _invalid_fixtures():
        try:
            instance = db.parse_json(path.read_bytes())
        except db.ValidationError:
            continue
        with db.redaction("off"):  # unknown member names shown: two are two paths
            issues = db.errors(instance, name)
        for issue in issues:
            if issue.code.startswith("json."):
                continue
            seen += 1
            assert issue.rule, issue
            assert issue.schema_location and "#" in issue.schema_location, issue
            assert "must match the pattern" not in issue.message, issue
        # one issue per problem: never two issues at one path for one schema node
        located = [(i.path, (i.schema_location or "").rsplit("/", 1)[0]) for i in issues]
        assert len(located) == len(set(located)), (path, issues)
    assert seen > 100


def _schema_nodes():
    for path in sorted((ROOT / "schemas").glob("*/*/v*.json")):
        document = json.loads(path.read_text())

        def walk(node, where):
            if isinstance(node, dict):
                yield where, node
                for key, value in node.items():
                    yield from walk(value, f"{where}/{key}")
            elif isinstance(node, list):
                for i, value in enumerate(node):
                    yield from walk(value, f"{where}/{i}")

        for where, node in walk(document, ""):
            yield f"{path.relative_to(ROOT)}#{where}", node


def test_every_pattern_has_words_and_every_named_rule_a_code():
    no_words = [w for w, n in _schema_nodes() if "pattern" in n and "x-rule" not in n]
    assert not no_words, "add an x-rule sentence (schemas/CONVENTIONS.md)"
    names = {n["x-rule-name"] for _, n in _schema_nodes() if "x-rule-name" in n}
    assert "advisor-or-assigned-user" in names
    assert names <= set(db.ISSUE_CODES)
    for where, node in _schema_nodes():
        if "x-rule" in node:
            assert node["x-rule"].startswith("must "), where


def test_importing_testing_without_hypothesis_names_the_extra():
    code = (
        "import sys; sys.modules['hypothesis'] = None\n"
        "try:\n    import dealerbridge.testing\n"
        "except ImportError as exc:\n    print(type(exc).__name__, exc)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.startswith("ImportError ")
    assert 'pip install "dealerbridge[testing]"' in out


def test_a_string_that_does_not_hold_json_names_its_rule_too():
    event = json.loads((ROOT / "examples" / "mykaarma-order-event.json").read_text())
    event["payload"] = "{not json"
    (issue,) = db.errors(event, "mykaarma/order-event")
    assert (issue.path, issue.code, issue.rule) == ("/payload", *("contentMediaType",) * 2)
    assert issue.schema_location and issue.schema_location.endswith("/contentMediaType")


@pytest.mark.parametrize(
    ("sent", "utc"),
    [
        ("2026-01-05T08:43:58-08:00", "2026-01-05T16:43:58Z"),
        ("2026-01-05T23:10:00.400+05:30", "2026-01-05T17:40:00.400Z"),
        ("2026-01-05T16:43:58+00:00", "2026-01-05T16:43:58Z"),
    ],
)
def test_a_shopmonkey_date_time_with_an_offset_gets_its_utc_form(sent, utc):
    service = json.loads(
        (FIXTURES / "shopmonkey/service/valid-deferred-no-line-items.json").read_text()
    )
    service["createdDate"] = sent
    (issue,) = db.errors(service, "shopmonkey/service")
    assert issue.path == "/createdDate"
    assert issue.message.count("ending in Z") == 1
    assert f'send "{utc}"' in issue.message


def test_a_shopmonkey_date_time_that_is_no_moment_gets_no_offset_hint():
    service = json.loads(
        (FIXTURES / "shopmonkey/service/valid-deferred-no-line-items.json").read_text()
    )
    service["createdDate"] = "2026-02-30T08:43:58-08:00"
    (issue,) = db.errors(service, "shopmonkey/service")
    assert "send" not in issue.message

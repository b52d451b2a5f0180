"""`dealerbridge sample` and the conventions `dealerbridge map` shares with `validate`, through
the real entry point."""

import json
import os

import dealerbridge as db

from .cli_support import run_cli as run
from .vendor_support import ROOT

CASE = ROOT / "tests/fixtures/mapping/repair-order-brakes"
CONFIG = ROOT / "examples/mapping-config.toml"


def test_sample_is_valid_ndjson_and_the_same_for_the_same_seed():
    first = run("sample", "mykaarma/order-event", "--count", "4", "--seed", "3")
    assert first.returncode == 0, first.stderr
    values = [json.loads(line) for line in first.stdout.splitlines()]
    assert len(values) == 4
    assert all(db.errors(value, "mykaarma/order-event") == [] for value in values)
    again = run("sample", "mykaarma/order-event", "--count", "4", "--seed", "3")
    assert again.stdout == first.stdout
    other = run("sample", "mykaarma/order-event", "--count", "4", "--seed", "4")
    assert other.stdout != first.stdout


def test_sample_invalid_payloads_are_invalid_and_validate_reads_them():
    done = run("sample", "shopmonkey/update-service-request", "--invalid", "--count", "3")
    assert done.returncode == 0, done.stderr
    # NDJSON lines end at "\n" only (str.splitlines would also split at U+0085 in a string)
    values = [json.loads(line) for line in done.stdout.split("\n") if line]
    assert len(values) == 3
    assert all(db.errors(value, "shopmonkey/update-service-request") for value in values)
    # the output pipes straight into validate
    checked = run("validate", "shopmonkey/update-service-request", "-", "-q", input=done.stdout)
    assert checked.returncode == 1
    assert checked.stdout.splitlines()[-1].startswith("3 payloads: 0 valid, 3 invalid")


def test_sample_usage_errors_and_the_missing_extra(tmp_path):
    assert run("sample", "nope/none").returncode == 2
    assert run("sample", "mykaarma/order-event", "--count", "-1").returncode == 2
    # hypothesis not importable: the command says which extra to install
    fake = tmp_path / "hypothesis"
    fake.mkdir()
    (fake / "__init__.py").write_text(
        "raise ImportError('No module named hypothesis', name='hypothesis')\n"
    )
    env = {"PYTHONPATH": f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    done = run("sample", "mykaarma/order-event", env=env)
    assert done.returncode == 2 and done.stdout == ""
    assert "pip install 'dealerbridge[testing]'" in done.stderr


def forward(*extra, env=None):
    return run(
        "map",
        "shopmonkey-to-mykaarma",
        "--order",
        CASE / "order.json",
        "--services",
        CASE / "services.json",
        *extra,
        env=env,
    )


def test_map_json_format_is_one_json_line():
    done = forward("--config", CONFIG, "--format", "json")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    (line,) = done.stdout.splitlines()
    result = json.loads(line)
    assert result["valid"] is True
    assert result["value"] == json.loads((CASE / "expected-request.json").read_text())
    assert result["report"] == json.loads((CASE / "expected-report.json").read_text())


def test_map_refusal_is_pluralised_and_json_lists_issues():
    done = forward()
    assert done.returncode == 1
    assert "refused: " in done.stderr and "issue(s)" not in done.stderr
    count = int(done.stderr.split("refused: ")[1].split()[0])
    word = "issue" if count == 1 else "issues"
    assert f"refused: {count} {word}" in done.stderr
    as_json = forward("--format", "json")
    assert as_json.returncode == 1
    (line,) = as_json.stdout.splitlines()
    result = json.loads(line)
    assert result["valid"] is False and len(result["issues"]) == count


def test_map_usage_errors_come_before_any_work(tmp_path):
    report = tmp_path / "report.json"
    done = run(
        "map",
        "shopmonkey-to-mykaarma",
        "--order",
        CASE / "order.json",
        "--services",
        tmp_path / "absent.json",
        "--report",
        report,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert not report.exists()
    assert forward("--report", tmp_path / "no" / "dir" / "r.json").returncode == 2
    stdin_twice = run("map", "shopmonkey-to-mykaarma", "--order", "-", "--services", "-")
    assert stdin_twice.returncode == 2


def test_map_reads_stdin_and_redacts_on_request():
    event = (ROOT / "examples/mykaarma-order-event.json").read_text()
    done = run("map", "mykaarma-to-shopmonkey", "-", "--config", CONFIG, input=event)
    assert done.returncode == 0, done.stderr
    db.validate(json.loads(done.stdout), "shopmonkey/create-services-request")
    refused = forward("--format", "json", "--redact")
    plain = forward("--format", "json", "--no-redact", env={"DEALERBRIDGE_REDACT": "1"})
    redacted_issues = json.loads(refused.stdout)["issues"]
    plain_issues = json.loads(plain.stdout)["issues"]
    assert all("value" not in issue for issue in redacted_issues)
    assert any("value" in issue for issue in plain_issues)

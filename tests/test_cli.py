import json
import subprocess
import sys

from dealerbridge._cli import main

from .vendor_support import FIXTURES, ROOT

EXAMPLE = ROOT / "examples" / "mykaarma-order-event.json"


def test_valid_file_exits_0(capsys):
    assert main(["validate", "mykaarma/order-event", str(EXAMPLE)]) == 0
    assert "valid" in capsys.readouterr().out


def test_invalid_file_exits_1_and_lists_issues_with_paths(tmp_path, capsys):
    bad = json.loads(EXAMPLE.read_text())
    bad["timestamp"] = "yesterday"
    del bad["dealeruuid"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    assert main(["validate", "mykaarma/order-event", str(path)]) == 1
    out = capsys.readouterr().out
    assert "/timestamp" in out and "/dealeruuid" in out and "[required]" in out


def test_json_output_and_redaction(tmp_path, capsys):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"mobileServiceApptUuid": 5, "secretVin": "1GD312CG0BF081737"}))
    assert (
        main(["validate", "mykaarma/partner-appointment-query", str(path), "--json", "--redact"])
        == 1
    )
    out = capsys.readouterr().out
    assert "1GD312CG0BF081737" not in out
    lines = [json.loads(line) for line in out.splitlines()[1:]]
    # a member name no schema defines is itself hidden (it could be personal data)
    assert {line["path"] for line in lines} == {"/mobileServiceApptUuid", "/<redacted name>"}
    assert "secretVin" not in out


def test_not_json_is_invalid_not_a_crash(tmp_path, capsys):
    path = tmp_path / "bad.json"
    path.write_bytes(b"\xff\xfe")
    assert main(["validate", "mykaarma/order-event", str(path)]) == 1
    assert "json.encoding" in capsys.readouterr().out


def test_usage_errors_exit_2(tmp_path, capsys):
    assert main(["validate", "nope/nothing", str(EXAMPLE)]) == 2
    assert main(["validate", "mykaarma/order-event", str(tmp_path / "missing.json")]) == 2
    result = subprocess.run(
        [sys.executable, "-m", "dealerbridge", "frobnicate"], capture_output=True
    )
    assert result.returncode == 2


def test_module_entry_point_and_schema_listing():
    result = subprocess.run(
        [sys.executable, "-m", "dealerbridge", "schemas"], capture_output=True, text=True
    )
    assert result.returncode == 0 and "mykaarma/order-event  v1" in result.stdout
    fixture = FIXTURES / "mykaarma" / "order-event" / "doc-event.json"
    result = subprocess.run(
        [sys.executable, "-m", "dealerbridge", "validate", "mykaarma/order-event", str(fixture)],
        capture_output=True,
    )
    assert result.returncode == 0

"""`dealerbridge validate` through the real entry point (a subprocess): inputs, output formats,
exit codes, --jobs, redaction, the progress bar's conditions, --version."""

import json
import os
import subprocess
import sys

import pytest

import dealerbridge as db
from dealerbridge._cli import PROGRESS_MIN_BYTES, _want_progress

from .cli_support import run_cli
from .vendor_support import FIXTURES, ROOT

EXAMPLE = ROOT / "examples" / "mykaarma-order-event.json"
EVENT = json.loads(EXAMPLE.read_text())
SCHEMA = "mykaarma/order-event"


def run(*args, input=None, env=None):
    return run_cli(*args, input=input, env=env, text=False)


def text(result):
    return result.stdout.decode()


def bad_event(**changes):
    event = dict(EVENT)
    for key, value in changes.items():
        if value is None:
            event.pop(key)
        else:
            event[key] = value
    return event


@pytest.fixture
def archive(tmp_path):
    """A directory: NDJSON with a blank and an invalid line, a JSON file, an ignored file."""
    (tmp_path / "sub").mkdir()
    lines = [json.dumps(EVENT), "", json.dumps(bad_event(timestamp="yesterday")), json.dumps(EVENT)]
    (tmp_path / "sub" / "day.ndjson").write_text("\n".join(lines) + "\n")
    (tmp_path / "one.json").write_text(json.dumps(EVENT))
    (tmp_path / "notes.txt").write_text("not a payload")
    return tmp_path


def test_valid_file_exits_0_with_a_pluralised_summary():
    done = run("validate", SCHEMA, EXAMPLE)
    assert done.returncode == 0, done.stderr
    assert text(done).splitlines() == [
        f"{EXAMPLE}: valid",
        "1 payload: 1 valid, 0 invalid; 0 issues",
    ]


def test_directories_are_searched_and_ndjson_is_reported_by_line(archive):
    done = run("validate", SCHEMA, archive)
    assert done.returncode == 1
    out = text(done).splitlines()
    day = archive / "sub" / "day.ndjson"
    assert out[0] == f"{archive / 'one.json'}: valid"
    assert out[1] == f"{day}:1: valid"
    # the blank line 2 is skipped but counted
    assert out[2] == f"{day}:3: invalid (1 issue)"
    assert out[3].startswith("  /timestamp: ") and out[3].endswith("[type]")
    assert out[4] == f"{day}:4: valid"
    assert out[-1] == "4 payloads: 3 valid, 1 invalid; 1 issue (1 type)"
    assert "notes.txt" not in text(done)


def test_several_paths_and_issue_counts_by_code(tmp_path):
    first = tmp_path / "a.json"
    first.write_text(json.dumps(bad_event(dealeruuid=None, departmentuuid=None)))
    second = tmp_path / "b.jsonl"
    second.write_text(json.dumps(bad_event(timestamp="x")) + "\n")
    done = run("validate", SCHEMA, first, second, "-q")
    assert done.returncode == 1
    out = text(done).splitlines()
    assert f"{first}: invalid (2 issues)" in out
    assert f"{second}:1: invalid (1 issue)" in out
    assert out[-1] == "2 payloads: 0 valid, 2 invalid; 3 issues (2 required, 1 type)"
    assert "issue(s)" not in text(done)


def test_each_validates_the_elements_of_a_top_level_array(tmp_path):
    path = tmp_path / "many.json"
    path.write_text(json.dumps([EVENT, bad_event(id=None), EVENT]))
    done = run("validate", SCHEMA, path, "--each", "-q")
    assert done.returncode == 1
    out = text(done).splitlines()
    assert out[0] == f"{path}#/1: invalid (1 issue)"
    assert out[-1] == "3 payloads: 2 valid, 1 invalid; 1 issue (1 required)"
    # without --each the array is one (invalid) payload
    whole = run("validate", SCHEMA, path, "-q")
    assert text(whole).splitlines()[-1].startswith("1 payload: 0 valid, 1 invalid")


def test_stdin_takes_one_document_or_ndjson():
    one = run("validate", SCHEMA, "-", input=EXAMPLE.read_bytes())
    assert one.returncode == 0
    assert text(one).splitlines()[0] == "<stdin>: valid"
    lines = (json.dumps(EVENT) + "\n" + json.dumps(bad_event(id=None)) + "\n").encode()
    many = run("validate", SCHEMA, "-", input=lines)
    assert many.returncode == 1
    assert "<stdin>:2: invalid (1 issue)" in text(many).splitlines()


def test_usage_errors_are_found_before_anything_is_validated(archive, tmp_path):
    malformed = tmp_path / "broken.json"
    malformed.write_text("{not json")
    # an unknown schema with a malformed file: a usage error, not a JSON syntax verdict
    done = run("validate", "nope/nothing", malformed)
    assert done.returncode == 2 and done.stdout == b""
    assert b"no schema named" in done.stderr
    # one missing path among good ones: nothing is validated
    done = run("validate", SCHEMA, EXAMPLE, tmp_path / "missing.json")
    assert done.returncode == 2 and done.stdout == b""
    assert b"missing.json" in done.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run("validate", SCHEMA, empty).returncode == 2
    assert run("validate", SCHEMA, "-", "-", input=b"{}").returncode == 2
    assert run("validate", SCHEMA, EXAMPLE, "--jobs", "0").returncode == 2
    assert run("validate", SCHEMA, EXAMPLE, "--schema-version", "9").returncode == 2
    assert run("validate", SCHEMA).returncode == 2
    assert run("frobnicate").returncode == 2


def test_json_format_is_pure_json_lines_with_a_final_summary(archive, tmp_path_factory):
    broken = tmp_path_factory.mktemp("other") / "broken.json"
    broken.write_bytes(b"\xff\xfe")
    done = run("validate", SCHEMA, archive, broken, "--format", "json")
    assert done.returncode == 1
    rows = [json.loads(line) for line in text(done).splitlines()]
    *payloads, last = rows
    # in the order of the arguments, each directory sorted
    assert [row["source"] for row in payloads] == [
        str(archive / "one.json"),
        f"{archive / 'sub' / 'day.ndjson'}:1",
        f"{archive / 'sub' / 'day.ndjson'}:3",
        f"{archive / 'sub' / 'day.ndjson'}:4",
        str(broken),
    ]
    assert all(set(row) == {"source", "schema", "valid", "issues"} for row in payloads)
    assert payloads[4]["issues"][0]["code"] == "json.encoding"
    assert payloads[2]["issues"][0]["path"] == "/timestamp"
    assert payloads[2]["issues"][0]["value"] == "yesterday"
    summary = last["summary"]
    assert summary["total"] == 5 and summary["valid"] == 3 and summary["invalid"] == 2
    assert summary["by_code"] == {"json.encoding": 1, "type": 1}
    assert summary["schema_version"] == 1


def test_old_json_flag_means_json_format():
    done = run("validate", SCHEMA, EXAMPLE, "--json")
    assert [json.loads(line) for line in text(done).splitlines()][-1]["summary"]["valid"] == 1


def test_jobs_give_the_same_output_as_one_process(tmp_path):
    path = tmp_path / "many.ndjson"
    lines = [
        json.dumps(bad_event(timestamp="late") if i % 997 == 0 else EVENT) for i in range(4500)
    ]
    path.write_text("\n".join(lines) + "\n")
    one = run("validate", SCHEMA, path, "--format", "json")
    two = run("validate", SCHEMA, path, "--format", "json", "--jobs", "2")
    assert one.returncode == two.returncode == 1
    assert one.stdout == two.stdout
    assert json.loads(text(two).splitlines()[-1])["summary"]["invalid"] == 5


def test_redact_flags_override_the_environment(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"mobileServiceApptUuid": 5, "secretVin": "1GD312CG0BF081737"}))
    schema = "mykaarma/partner-appointment-query"
    plain = run("validate", schema, path, "--format", "json")  # level pii: unknown is personal
    assert b"1GD312CG0BF081737" not in plain.stdout and b"secretVin" not in plain.stdout
    assert b'"found 5' in plain.stdout or b"found the number 5" in plain.stdout  # not personal
    off = run("validate", schema, path, "--format", "json", env={"DEALERBRIDGE_REDACT": "off"})
    assert b"1GD312CG0BF081737" in off.stdout
    env = {"DEALERBRIDGE_REDACT": "1"}
    hidden = run("validate", schema, path, "--format", "json", env=env)
    assert b"1GD312CG0BF081737" not in hidden.stdout and b"secretVin" not in hidden.stdout
    shown = run("validate", schema, path, "--no-redact", env=env)
    assert b"secretVin" in shown.stdout
    forced = run("validate", schema, path, "--redact", "--jobs", "2")
    assert b"secretVin" not in forced.stdout and b"<redacted name>" in forced.stdout
    assert b"the number 5" not in forced.stdout  # all: even a value that is not personal
    for flags in (["--redact", "off"], ["--redact=off"], ["--no-redact"]):
        shown = run("validate", schema, path, *flags, "--jobs", "2", env=env)  # in the workers
        assert b"1GD312CG0BF081737" in shown.stdout, flags


def test_version_and_schema_version():
    done = run("--version")
    assert done.returncode == 0 and text(done).strip() == f"dealerbridge {db.__version__}"
    done = run("validate", SCHEMA, EXAMPLE, "--schema-version", "1")
    assert done.returncode == 0


def test_progress_bar_only_on_a_terminal_outside_ci_for_long_work():
    class Tty:
        def isatty(self):
            return True

    class Pipe:
        def isatty(self):
            return False

    big = PROGRESS_MIN_BYTES
    assert _want_progress(Tty(), big, {})
    assert not _want_progress(Pipe(), big, {})
    assert not _want_progress(Tty(), big, {"CI": "true"})
    assert not _want_progress(Tty(), big - 1, {})
    assert not _want_progress(Tty(), big, {"TERM": "dumb"})


def test_progress_bar_shows_on_a_pty_and_never_in_a_pipe(tmp_path):
    import pty

    path = tmp_path / "big.ndjson"
    path.write_text((json.dumps(EVENT) + "\n") * 400)  # ~2 MB
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "DEALERBRIDGE_REDACT")}
    env.update(DEALERBRIDGE_PROGRESS_AFTER="0", TERM="xterm", COLUMNS="80")
    args = [sys.executable, "-m", "dealerbridge", "validate", SCHEMA, str(path), "-q"]
    piped = subprocess.run(args, capture_output=True, env=env)
    assert piped.returncode == 0 and piped.stderr == b""
    main, secondary = pty.openpty()
    with subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=secondary, env=env) as proc:
        os.close(secondary)
        seen = b""
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    os.close(main)
    assert proc.returncode == 0
    assert b"validating" in seen


def test_schemas_without_an_action_lists_them():
    done = run("schemas")
    assert done.returncode == 0 and f"{SCHEMA}  v1" in text(done)
    fixture = FIXTURES / "mykaarma" / "order-event" / "doc-event.json"
    assert run("validate", SCHEMA, fixture).returncode == 0

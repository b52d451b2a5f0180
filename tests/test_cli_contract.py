"""The command line's contract (issue 19): every failure is exit 1 (data) or 2 (usage) with one
line on stderr and no traceback; special files are refused as usage errors; ``--format json``
is valid UTF-8 JSON on every line whatever the file names; standard input and files read
NDJSON the same way (lines end at ``\\n`` only).

Each case runs ``main()`` in this process (a stray exception fails the test as a traceback
would), except where the bytes written to a real stdout matter."""

import io
import json
import os
import sys
import threading

import pytest

from dealerbridge._cli import main

from .cli_support import run_cli
from .vendor_support import ROOT

EXAMPLE = ROOT / "examples" / "mykaarma-order-event.json"
EVENT = json.loads(EXAMPLE.read_text())
SCHEMA = "mykaarma/order-event"


def call(args, stdin=b""):
    """``(status, stdout, stderr)`` of ``main(args)`` run here, with *stdin* as its input."""
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin))
    sys.stdout, sys.stderr = out, err
    try:
        try:
            status = main([str(a) for a in args])
        except SystemExit as exc:  # argparse
            status = exc.code
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
    return status, out.getvalue(), err.getvalue()


def usage_error(args, stdin=b"", mentions=None):
    status, _, err = call(args, stdin)
    assert status == 2, (status, err)
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in err
    if mentions is not None:
        assert mentions in err, err
    return err


@pytest.fixture
def files(tmp_path):
    event = tmp_path / "event.json"
    event.write_text(json.dumps(EVENT))
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps({"type": "object", "properties": {"a": {"type": "string"}}}))
    return tmp_path, event, schema


# ------------------------------------------------------------------ outputs that cannot be written


def test_an_unwritable_report_or_openapi_target_is_one_usage_line(files):
    tmp, event, _ = files
    reverse = ["map", "mykaarma-to-shopmonkey", event]
    usage_error([*reverse, "--report", tmp], mentions="is a directory")
    usage_error([*reverse, "--report", event / "x.json"], mentions="no such directory")
    usage_error(["schemas", "export", "--openapi", tmp], mentions="is a directory")
    usage_error(["schemas", "export", "--openapi", tmp / "no" / "x.json"])
    usage_error(["schemas", "export", "--bundle", event / "x"])
    if os.path.exists("/dev/full"):  # a write that fails after the open: a full disk
        usage_error(["schemas", "export", "--openapi", "/dev/full"], mentions="/dev/full")


def test_a_fifo_nobody_reads_is_refused_as_an_output_not_waited_on(files):
    tmp, event, _ = files
    fifo = tmp / "report.json"
    os.mkfifo(fifo)
    usage_error(["map", "mykaarma-to-shopmonkey", event, "--report", fifo], mentions="report")


# ------------------------------------------------------------------ schemas diff and sample


@pytest.mark.parametrize(
    "document",
    [
        {"type": 5},
        {"type": "object", "properties": {"a": {"type": 5}}},
        {"properties": []},
        {"required": "a"},
        {"minimum": "1"},
        [1, 2],
        "a schema",
    ],
)
def test_schemas_diff_refuses_what_is_not_a_json_schema(files, document):
    tmp, _, schema = files
    bad = tmp / "bad.json"
    bad.write_text(json.dumps(document))
    usage_error(["schemas", "diff", schema, bad], mentions="bad.json")
    usage_error(["schemas", "diff", bad, schema], mentions="bad.json")
    usage_error(["schemas", "diff", bad, "mykaarma/order@1"], mentions="bad.json")


def test_schemas_diff_refuses_bad_json_and_special_files(files):
    tmp, _, schema = files
    for text in ("[1", "[" * 100 + "]" * 100, '{"a": 1, "a": 2}'):
        (tmp / "bad.json").write_text(text)
        usage_error(["schemas", "diff", tmp / "bad.json", schema], mentions="bad.json")
    usage_error(["schemas", "diff", "/dev/null", schema], mentions="/dev/null")
    # booleans are schemas too: accepted and compared
    (tmp / "true.json").write_text('{"properties": {"a": true}}')
    status, out, err = call(["schemas", "diff", schema, tmp / "true.json"])
    assert status in (0, 1) and err == "" and out


def test_sample_of_a_schema_with_no_root_is_a_usage_error():
    for extra in ([], ["--invalid"]):
        usage_error(["sample", "common/primitives", *extra], mentions="no root")


def test_argparse_errors_are_one_line():
    usage_error(["validate", SCHEMA, EXAMPLE, "--jobs", "x"], mentions="--help")
    usage_error(["frobnicate"])
    usage_error(["validate"])


# ------------------------------------------------------------------ special files


@pytest.mark.parametrize("device", ["/dev/null", "/dev/zero"])
def test_a_device_is_refused_for_every_input(device, files):
    if not os.path.exists(device):
        pytest.skip(f"no {device} here")
    _, event, _ = files
    usage_error(["validate", SCHEMA, device], mentions="device")
    usage_error(["map", "mykaarma-to-shopmonkey", device], mentions="device")
    usage_error(["map", "mykaarma-to-shopmonkey", event, "--config", device], mentions="device")


def test_a_fifo_is_refused_at_once_for_every_input(files):
    tmp, event, _ = files
    fifo = tmp / "in.json"
    os.mkfifo(fifo)
    cases = [
        ["validate", SCHEMA, fifo],
        ["validate", SCHEMA, event, fifo],
        ["map", "mykaarma-to-shopmonkey", fifo],
        ["map", "mykaarma-to-shopmonkey", event, "--config", fifo.with_suffix(".toml")],
        ["schemas", "diff", fifo, "mykaarma/order@1"],
    ]
    os.mkfifo(fifo.with_suffix(".toml"))
    found = []

    def run_all():
        found.extend(usage_error(case, mentions="FIFO") for case in cases)

    # in a daemon thread, so that a regression fails here instead of hanging the suite
    thread = threading.Thread(target=run_all, daemon=True)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), f"blocked on a FIFO after {len(found)} of {len(cases)} cases"
    assert len(found) == len(cases)


def test_a_fifo_inside_a_directory_is_skipped_like_any_non_file(files):
    tmp, event, _ = files
    folder = tmp / "folder"
    folder.mkdir()
    event.rename(folder / "event.json")
    os.mkfifo(folder / "pipe.ndjson")
    status, out, err = call(["validate", SCHEMA, folder, "-q"])
    assert status == 0, err
    assert out.splitlines()[-1].startswith("1 payload: 1 valid")


# ------------------------------------------------------------------ NDJSON from files and stdin


def test_stdin_and_files_split_ndjson_at_newlines_only(tmp_path):
    line = json.dumps(EVENT)
    texts = {
        "crlf": f"{line}\r\n{line}\r\n",
        "bare CR between two payloads": f"{line}\r{line}\n{line}\n",
        "blank and CR-only lines": f"{line}\n\n\r\n{line}\n",
    }
    for name, text in texts.items():
        path = tmp_path / "in.ndjson"
        path.write_bytes(text.encode())
        from_file = call(["validate", SCHEMA, path, "--format", "json"])
        from_stdin = call(["validate", SCHEMA, "-", "--format", "json"], stdin=text.encode())
        rows_file = [json.loads(r) for r in from_file[1].splitlines()]
        rows_stdin = [json.loads(r) for r in from_stdin[1].splitlines()]
        assert from_file[0] == from_stdin[0], name
        # the same verdicts at the same line numbers
        assert [(r["source"].rsplit(":", 1)[-1], r["valid"]) for r in rows_file[:-1]] == [
            (r["source"].rsplit(":", 1)[-1], r["valid"]) for r in rows_stdin[:-1]
        ], name
        assert rows_file[-1] == rows_stdin[-1], name
    # a bare CR is whitespace inside a line: the first line holds two payloads, invalid
    path.write_bytes(texts["bare CR between two payloads"].encode())
    status, out, _ = call(["validate", SCHEMA, "-", "-q"], stdin=path.read_bytes())
    assert status == 1 and out.splitlines()[0] == "<stdin>:1: invalid (1 issue)"


def test_stdin_holding_one_document_is_validated_from_its_one_parse(monkeypatch):
    from dealerbridge import _cli

    parsed = []
    real = _cli.parse_json

    def counting(raw):
        parsed.append(len(raw))
        return real(raw)

    monkeypatch.setattr(_cli, "parse_json", counting)
    status, out, _ = call(["validate", SCHEMA, "-"], stdin=EXAMPLE.read_bytes())
    assert status == 0 and out.splitlines()[0] == "<stdin>: valid"
    assert parsed == [len(EXAMPLE.read_bytes())]


# ------------------------------------------------------------------ JSON output and file names


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS file names must be UTF-8")
def test_json_output_is_utf8_json_whatever_the_file_names(tmp_path):
    names = [b"caf\xe9.json", b"tab\tand\nnewline.json", "naïve\u200b.json".encode()]
    directory = os.fsencode(tmp_path / "names")
    os.mkdir(directory)
    for name in names:
        with open(os.path.join(directory, name), "wb") as handle:
            handle.write(EXAMPLE.read_bytes())
    bad = os.path.join(directory, b"bro\xffken.ndjson")
    with open(bad, "wb") as handle:
        handle.write(b'{"id": 1}\n')
    done = run_cli("validate", SCHEMA, os.fsdecode(directory), "--format", "json", text=False)
    assert done.returncode == 1, done.stderr
    rows = [json.loads(line.decode("utf-8")) for line in done.stdout.splitlines()]
    sources = sorted(row["source"].rsplit("/", 1)[-1] for row in rows[:-1])
    # bytes that are not UTF-8 are shown as \xNN text; every other character is kept
    assert sources == sorted(
        ["bro\\xffken.ndjson:1", "caf\\xe9.json", "naïve\u200b.json", "tab\tand\nnewline.json"]
    )
    assert rows[-1]["summary"]["total"] == 4
    text = run_cli("validate", SCHEMA, os.fsdecode(directory), text=False)
    assert b"caf\\xe9.json: valid" in text.stdout and b"tab\\tand\\nnewline.json" in text.stdout
    # a usage error naming such a file is one line too
    missing = os.fsdecode(os.path.join(directory, b"gone\xff.json"))
    gone = run_cli("validate", SCHEMA, missing, text=False)
    assert gone.returncode == 2 and gone.stderr.count(b"\n") == 1
    assert b"gone\\xff.json" in gone.stderr


def test_json_lines_are_utf8_under_any_locale(tmp_path):
    path = tmp_path / "événement.json"
    path.write_text(json.dumps(EVENT))
    env = {"PYTHONIOENCODING": "latin-1", "LC_ALL": "C"}
    done = run_cli("validate", SCHEMA, path, "--format", "json", env=env, text=False)
    assert done.returncode == 0, done.stderr
    first = json.loads(done.stdout.splitlines()[0].decode("utf-8"))
    assert first["source"] == str(path)

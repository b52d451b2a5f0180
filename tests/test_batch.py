"""dealerbridge.batch: the plain per-partition function, the report, and Dask runs on a
LocalCluster of 2 worker processes (a few thousand events), through the API and the CLI."""

import importlib.util
import json
import subprocess
import sys

import pytest

distributed = pytest.importorskip("distributed")

# One worker of pytest-xdist runs this module, so the module's LocalCluster starts once.
pytestmark = pytest.mark.xdist_group("dask-cluster")

from dealerbridge import batch  # noqa: E402
from dealerbridge.batch import BatchReport, generic_path, validate_lines  # noqa: E402

from .cli_support import run_cli as run  # noqa: E402
from .vendor_support import ROOT  # noqa: E402

_spec = importlib.util.spec_from_file_location("batch_check", ROOT / "tools" / "batch_check.py")
batch_check = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(batch_check)

SCHEMA = batch_check.SCHEMA
EVENTS = 3000


@pytest.fixture(scope="module")
def cluster():
    with (
        distributed.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
        ) as local,
        distributed.Client(local) as client,
    ):
        yield local, client


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    directory = tmp_path_factory.mktemp("archive")
    paths = batch_check.write_events(directory / "day", EVENTS, files=2)
    template = json.loads(batch_check.TEMPLATE.read_text())
    (directory / "one.json").write_text(json.dumps([template, {"id": 1}]))
    return directory, paths


def test_validate_lines_is_plain_python():
    lines = batch_check.event_lines(200)
    results = list(validate_lines(lines, SCHEMA, source="x.ndjson"))
    assert len(results) == 200
    assert [r.source for r in results if not r.valid] == ["x.ndjson:97", "x.ndjson:194"]
    assert results[96].issues[0].code == "type"
    assert results[0].to_dict() == {
        "source": "x.ndjson:1",
        "schema": SCHEMA,
        "valid": True,
        "issues": [],
    }


def test_generic_paths_and_the_report_counts():
    assert generic_path("/services/3/labors/10/name") == "/services/*/labors/*/name"
    assert generic_path("/a3/b") == "/a3/b"
    report = BatchReport(SCHEMA)
    lines = [line.encode() for line in batch_check.event_lines(400)]
    for result in validate_lines(lines, SCHEMA, source="f"):
        report.add(result, lines[result.line - 1])
    assert report.total == 400 and report.invalid == 4 and report.valid == 396
    assert dict(report.by_code) == dict(batch_check.planted(400))
    assert report.to_dict()["by_path"]["/timestamp"] == 1
    # samples are redacted: no values, and messages written under redaction
    sample = report.samples["type"][0]
    assert (sample.file, sample.line, sample.source) == ("f", 97, "f:97")
    written = report.to_dict()["samples"]["type"][0]
    assert written == sample.to_dict() and written["source"] == "f:97"
    assert "value" not in written["issue"] and "yesterday" not in json.dumps(written)
    # a block's report placed after 1,000 lines of its file
    moved = report.moved(1000)
    assert moved.samples["type"][0].line == 1097 and report.samples["type"][0].line == 97


def test_results_say_where_they_come_from_as_numbers():
    lines = [json.dumps({"id": 1})] * 3
    results = list(validate_lines(["", *lines], SCHEMA, source="x.ndjson", first_line=10))
    assert [(r.file, r.line, r.index, r.source) for r in results] == [
        ("x.ndjson", 11, None, "x.ndjson:11"),
        ("x.ndjson", 12, None, "x.ndjson:12"),
        ("x.ndjson", 13, None, "x.ndjson:13"),
    ]
    each = batch.validate_document(
        json.dumps([{}, {}]).encode(), SCHEMA, source="a.json", each=True
    )
    assert [(r.line, r.index, r.source) for r in each] == [
        (None, 0, "a.json#/0"),
        (None, 1, "a.json#/1"),
    ]
    whole = batch.validate_value({}, SCHEMA, source="a.json")
    assert [(r.line, r.index, r.source) for r in whole] == [(None, None, "a.json")]


def test_one_runner_for_every_kind_of_unit():
    line = json.dumps({"id": 1}).encode()
    data = b"\n".join([line, b"", line + b"\r", line]) + b"\n"
    # NDJSON lines end at \n only: a CR stays in its line (JSON whitespace), blank lines count
    assert batch.split_lines(data) == [line, b"", line + b"\r", line]
    assert batch.split_lines(line + b"\r" + line) == [line + b"\r" + line]
    by_lines = batch.run_unit(batch.Unit("f", lines=tuple(batch.split_lines(data))), SCHEMA)
    assert [r.line for r in by_lines] == [1, 3, 4]
    text = json.dumps([{}, {"id": 2}]).encode()
    by_text = batch.run_unit(batch.Unit("g", document=text, each=True), SCHEMA)
    by_value = batch.run_unit(batch.Unit("g", value=json.loads(text), each=True), SCHEMA)
    assert by_text == by_value and [r.index for r in by_text] == [0, 1]
    # a parsed JSON string is a value, never text to parse again (in an array too)
    strings = batch.run_unit(batch.Unit("s", document=b'["{}", {}]', each=True), SCHEMA)
    assert [r.issues[0].code for r in strings] == ["type", "required"]
    assert batch.run_unit(batch.Unit("h", value="{}"), SCHEMA)[0].issues[0].code == "type"


def test_public_names_are_the_api():
    assert not {"plural", "expand", "is_lines"} & set(batch.__all__)
    for name in batch.__all__:
        assert hasattr(batch, name), name


def test_dask_agrees_with_one_process(cluster, archive, tmp_path):
    _, client = cluster
    directory, paths = archive
    failures = tmp_path / "failures.ndjson"
    # small blocks: every file is split over several tasks, and line numbers still add up
    report = batch.validate_files(
        [str(directory / "day")], SCHEMA, client=client, failures_to=failures, block_size=200_000
    )
    expected = batch_check.single_process(paths)
    assert report.to_dict() == expected
    assert report.total == EVENTS
    seen = []
    again = batch.validate_files(
        [str(directory / "day")], SCHEMA, client=client, on_failure=seen.append, block_size=200_000
    )
    assert again.to_dict() == expected
    written = [json.loads(line) for line in failures.read_text().splitlines()]
    # the callback gets the same failures as objects, in the same order, lines as ints
    assert [r.to_dict() for r in seen] == written
    assert all(isinstance(r.line, int) and r.file in map(str, paths) for r in seen)
    assert len(written) == report.invalid == sum(batch_check.planted(EVENTS // 2).values()) * 2
    assert written[0]["source"] == f"{paths[0]}:97"
    assert written[-1]["source"].startswith(f"{paths[1]}:")
    # a line number past the first block is right: the line really is the failure it names
    late = next(w for w in written if int(w["source"].rsplit(":", 1)[1]) > 1000)
    number = int(late["source"].rsplit(":", 1)[1])
    line = paths[0].read_text().splitlines()[number - 1]
    assert (number - 1) % batch_check.PLANT_EVERY == batch_check.PLANT_EVERY - 1, line[:80]


def test_json_files_urls_and_the_current_client(cluster, archive, monkeypatch):
    directory, _ = archive
    url = f"file://{directory / 'one.json'}"

    def no_new_cluster(*args, **kwargs):
        raise AssertionError("a current client exists: no cluster may be started")

    monkeypatch.setattr(distributed, "LocalCluster", no_new_cluster)
    # client=None takes the current client (the fixture's)
    report = batch.validate_files(url, SCHEMA, each=True)
    assert (report.total, report.valid, report.invalid) == (2, 1, 1)
    whole = batch.validate_files(url, SCHEMA)
    assert (whole.total, whole.invalid) == (1, 1)


def test_unknown_schema_and_missing_paths_are_usage_errors(cluster, archive):
    import dealerbridge as db

    directory, _ = archive
    with pytest.raises(db.DealerbridgeUsageError):
        batch.validate_files([str(directory)], "nope/none")
    with pytest.raises(db.DealerbridgeUsageError):
        batch.validate_files([str(directory / "absent.ndjson")], SCHEMA)


def test_cli_dask_address_gives_the_single_process_summary(cluster, archive):
    local, _ = cluster
    directory, _ = archive
    on_dask = run(
        "validate", SCHEMA, directory / "day", "--dask", local.scheduler_address, "--format", "json"
    )
    one = run("validate", SCHEMA, directory / "day", "--format", "json", "-q")
    assert on_dask.returncode == one.returncode == 1, on_dask.stderr
    dask_rows = [json.loads(line) for line in on_dask.stdout.splitlines()]
    one_rows = [json.loads(line) for line in one.stdout.splitlines()]
    # the failures, in file and line order, then the summary (with samples on Dask)
    assert dask_rows[:-1] == one_rows[:-1]
    summary = dask_rows[-1]["summary"]
    samples = summary.pop("samples")
    assert summary == one_rows[-1]["summary"]
    assert set(samples) == set(summary["by_code"])
    # the text form of the failures too
    text_on_dask = run("validate", SCHEMA, directory / "day", "--dask", local.scheduler_address)
    text_one = run("validate", SCHEMA, directory / "day", "-q")
    assert "invalid (1 issue)" in text_one.stdout
    assert text_on_dask.stdout == text_one.stdout


def test_cli_dask_local_and_usage(archive):
    directory, _ = archive
    done = run(
        "validate", SCHEMA, directory / "one.json", "--each", "--dask", "local", "--jobs", "2"
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines()[-1] == (
        "2 payloads: 1 valid, 1 invalid; 6 issues (5 required, 1 type)"
    )
    assert run("validate", SCHEMA, "-", "--dask", "local").returncode == 2
    assert run("validate", "nope/none", directory, "--dask", "local").returncode == 2


def test_without_a_client_a_local_cluster_is_started_and_closed(archive):
    directory, _ = archive
    code = (
        "import sys, distributed; from dealerbridge import batch; "
        "r = batch.validate_files(sys.argv[1], sys.argv[2], each=True); "
        "print(r.total, r.invalid); "
        "import contextlib\n"
        "try:\n    distributed.get_client()\nexcept ValueError:\n    print('closed')"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(directory / "one.json"), SCHEMA],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["2", "1", "closed"]


def _marked_customer_lines(directory):
    """Two NDJSON files of Shopmonkey customers, one invalid line in each whose personal
    member (``firstName``) carries a marker."""
    fixture = sorted((ROOT / "tests/fixtures/shopmonkey/customer").glob("valid*.json"))[0]
    template = json.loads(fixture.read_text())
    bad = dict(template, firstName=["ZQPII77 Dana Whitaker"])
    paths = []
    for name in ("a", "b"):
        path = directory / f"{name}.ndjson"
        path.write_text("\n".join(json.dumps(v) for v in (template, bad, template)) + "\n")
        paths.append(path)
    return paths


def _messages(rows):
    return [issue["message"] for row in rows for issue in row.get("issues", [])]


@pytest.mark.parametrize(("level", "workers"), [("pii", "off"), ("off", "all")])
def test_the_callers_redaction_level_reaches_the_dask_workers(cluster, tmp_path, level, workers):
    import os

    import dealerbridge as db

    _, client = cluster
    paths = _marked_customer_lines(tmp_path)
    failures = []
    # the workers' own environment says otherwise: the caller's level must win
    # (a lambda: os.environ's bound methods would pickle a copy of the mapping)
    client.run(lambda: os.environ.__setitem__("DEALERBRIDGE_REDACT", workers))
    assert set(client.run(lambda: os.environ.get("DEALERBRIDGE_REDACT")).values()) == {workers}
    try:
        with db.redaction(level):
            report = batch.validate_files(
                [str(p) for p in paths],
                "shopmonkey/customer",
                client=client,
                on_failure=failures.append,
            )
            rows = [f.to_dict() for f in failures]  # read at the same level
    finally:
        client.run(lambda: os.environ.pop("DEALERBRIDGE_REDACT", None))
    assert report.invalid == 2 and len(rows) == 2
    messages = _messages(rows)
    assert all("firstName" in m for m in messages), messages
    if level == "off":
        assert all("ZQPII77" in m for m in messages), messages
    else:  # written under pii by the workers: readable, the value hidden
        assert all("<redacted array>" in m for m in messages), messages
        assert "ZQPII77" not in json.dumps(rows)
    assert "ZQPII77" not in json.dumps(report.to_dict())  # samples: always every value hidden


# The --jobs processes are started with "spawn" (the default on macOS and Windows, and Python
# 3.14's forkserver likewise starts clean): a forked process would inherit the level anyway.
_SPAWNED_CLI = (
    "import multiprocessing, sys\n"
    "multiprocessing.set_start_method('spawn')\n"
    "from dealerbridge._cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


@pytest.mark.parametrize(
    ("args", "env", "shown"),
    [
        (["--redaction", "off"], {"DEALERBRIDGE_REDACT": "all"}, True),
        (["--redaction", "pii"], {"DEALERBRIDGE_REDACT": "off"}, False),
        ([], {}, False),
    ],
)
def test_the_redaction_level_reaches_the_jobs_processes(tmp_path, args, env, shown):
    import os

    paths = _marked_customer_lines(tmp_path)
    environment = {k: v for k, v in os.environ.items() if k != "DEALERBRIDGE_REDACT"}
    environment.update(env)
    done = subprocess.run(
        [
            *(sys.executable, "-c", _SPAWNED_CLI, "validate", "shopmonkey/customer"),
            *map(str, paths),
            *("--jobs", "2", "--format", "json", *args),
        ],
        capture_output=True,
        text=True,
        env=environment,
        cwd=ROOT,
    )
    assert done.returncode == 1, done.stderr
    messages = _messages([json.loads(line) for line in done.stdout.splitlines()])
    assert len(messages) == 2 and all("firstName" in m for m in messages), done.stdout
    if shown:
        assert all("ZQPII77" in m for m in messages), messages
    else:
        assert all("<redacted array>" in m for m in messages), messages
        assert "ZQPII77" not in done.stdout + done.stderr

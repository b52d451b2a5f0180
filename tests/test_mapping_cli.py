"""`dealerbridge map ...` through a real subprocess: exit codes, stdout, stderr, --report."""

import json
import subprocess
import sys
from pathlib import Path

import dealerbridge as db
from dealerbridge import testing as dbt

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "tests/fixtures/mapping/repair-order-brakes"
CONFIG = ROOT / "examples/mapping-config.toml"


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "dealerbridge", "map", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


def forward(*extra):
    return run(
        "shopmonkey-to-mykaarma",
        "--order",
        CASE / "order.json",
        "--services",
        CASE / "services.json",
        *extra,
    )


def test_forward_prints_the_request_and_writes_the_report(tmp_path):
    report = tmp_path / "report.json"
    done = forward("--config", CONFIG, "--report", report)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == json.loads((CASE / "expected-request.json").read_text())
    assert json.loads(report.read_text()) == json.loads((CASE / "expected-report.json").read_text())
    assert "excluded: /services/1:" in done.stderr


def test_forward_update_body_validates(tmp_path):
    done = forward("--config", CONFIG, "--update")
    assert done.returncode == 0, done.stderr
    db.validate(json.loads(done.stdout), "mykaarma/update-order-request")


def test_refusal_exits_1_with_paths():
    done = forward()
    assert done.returncode == 1
    assert done.stdout == ""
    assert "/services/0/sourceServiceId:" in done.stderr
    assert "[mapping.op_code]" in done.stderr


def test_bad_config_and_unreadable_files_exit_2(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[orders]\nnegative_amounts = 1\n")
    done = forward("--config", bad)
    assert done.returncode == 2
    assert "/orders/negative_amounts" in done.stderr
    assert forward("--config", tmp_path / "c.yaml").returncode == 2
    assert forward("--config", tmp_path / "absent.toml").returncode == 2
    missing = run("mykaarma-to-shopmonkey", tmp_path / "absent.json")
    assert missing.returncode == 2


def test_reverse_reads_an_event_delivery():
    done = run(
        "mykaarma-to-shopmonkey", ROOT / "examples/mykaarma-order-event.json", "--config", CONFIG
    )
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    db.validate(body, "shopmonkey/create-services-request")
    assert [s["name"] for s in body][-1] == "Misc/Lube/Sublet"
    assert "lossy: /jobs/0/laborOpCode:" in done.stderr


def test_reverse_plan_against_the_existing_services(tmp_path):
    event = ROOT / "examples/mykaarma-order-event.json"
    empty = tmp_path / "none.json"
    empty.write_text('{"success": true, "data": []}')
    first = run("mykaarma-to-shopmonkey", event, "--config", CONFIG, "--plan", empty)
    assert first.returncode == 0, first.stderr
    plan = json.loads(first.stdout)
    assert [len(plan[k]) for k in ("create", "update", "delete", "unchanged")] == [3, 0, 0, 0]
    existing = tmp_path / "existing.json"
    posted = [dbt.service_from_request(s, n) for n, s in enumerate(plan["create"])]
    existing.write_text(json.dumps(posted))
    again = json.loads(
        run("mykaarma-to-shopmonkey", event, "--config", CONFIG, "--plan", existing).stdout
    )
    assert again == {
        "create": [],
        "update": [],
        "delete": [],
        "unchanged": ["svc-rt-0", "svc-rt-1", "svc-rt-2"],
    }


def readme_section():
    text = (ROOT / "README.md").read_text()
    start = text.index("## Translating between Shopmonkey and myKaarma")
    return text[start : text.index("\n## ", start + 3)]


def blocks(section, language):
    parts = section.split(f"```{language}\n")[1:]
    return [part.split("```", 1)[0] for part in parts]


def test_readme_examples_run(tmp_path, monkeypatch, capsys):
    python = blocks(readme_section(), "python")
    monkeypatch.chdir(ROOT)
    for code in python[:2]:  # the third is the sync-loop sketch
        exec(compile(code, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "excluded /services/1 None" in out
    assert "total /order/totalCostCents 0 Shopmonkey order total 492.09" in out
    assert (
        "['PERFORM 30K SERVICE MAINTENANCE', 'REPLACE FRONT BRAKE PADS', 'Misc/Lube/Sublet']" in out
    )
    compile(python[2], "README.md", "exec")  # the sketch is at least valid Python
    (shell,) = blocks(readme_section(), "sh")
    for command in shell.replace("\\\n", " ").splitlines():
        argv = command.split()
        assert argv[0] == "dealerbridge"
        out_file = argv[argv.index(">") + 1]
        argv = argv[: argv.index(">")]
        argv = [a if a != "report.json" else str(tmp_path / a) for a in argv]
        done = subprocess.run(
            [sys.executable, "-m", "dealerbridge", *argv[1:]],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        (tmp_path / out_file).write_text(done.stdout)
    assert json.loads((tmp_path / "report.json").read_text())

"""`db.schema(name, bundled=True)` and `dealerbridge schemas show/export --bundle`: one
self-contained document per schema that other validators load with no registry."""

import json
import os
import subprocess

import jsonschema
import pytest
from referencing import Registry
from referencing.exceptions import NoSuchResource

import dealerbridge as db
from dealerbridge._bundle import defs_key, rewrite_refs

from .cli_support import run_cli as run
from .reference import AJV_DIR, _Reference, ajv_available
from .test_parity import NAMES, fixture_cases, generated_cases, schema_verdict

ROOT = AJV_DIR.parents[1]


def refs(node):
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for key, value in node.items():
            if key not in ("enum", "const", "examples", "default"):
                yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


def _refuse(uri):
    raise NoSuchResource(ref=uri)


def test_every_ref_points_inside_the_bundle_and_resolves():
    for name in db.schema_names():
        bundled = db.schema(name, bundled=True)
        assert bundled["$id"] == db.schema(name)["$id"]
        for ref in refs(bundled):
            assert ref.startswith("#"), (name, ref)
            node = bundled
            for part in ref[1:].split("/")[1:]:
                node = node[part.replace("~1", "/").replace("~0", "~")]
        # nothing is embedded that was not referenced, and the key naming is the documented one
        embedded = {k for k in bundled.get("$defs", {}) if "." in k}
        assert embedded <= {defs_key(d["$id"]) for d in map(db.schema, db.schema_names())}


def test_key_naming_and_the_plain_form_unchanged():
    bundled = db.schema("mykaarma/order-event", bundled=True)
    assert "common.primitives.v1" in bundled["$defs"]
    assert "$id" not in bundled["$defs"]["common.primitives.v1"]
    plain = db.schema("mykaarma/order-event")
    assert any(r.startswith("https://schemas.dealerbridge.dev/") for r in refs(plain))
    # a bundle is a copy
    bundled["$defs"].clear()
    assert db.schema("mykaarma/order-event", bundled=True)["$defs"]


def test_a_ref_inside_data_keywords_is_data_and_stays():
    node = {
        "properties": {"a": {"$ref": "x"}, "b": {"items": [{"$ref": "y"}]}},
        "enum": [{"$ref": "e"}],
        "const": {"$ref": "c"},
        "examples": [{"$ref": "s"}],
        "default": {"$ref": "d"},
    }
    rewrite_refs(node, lambda ref: f"#/{ref}")
    assert node == {
        "properties": {"a": {"$ref": "#/x"}, "b": {"items": [{"$ref": "#/y"}]}},
        "enum": [{"$ref": "e"}],
        "const": {"$ref": "c"},
        "examples": [{"$ref": "s"}],
        "default": {"$ref": "d"},
    }


def test_python_jsonschema_with_no_registry_gives_the_schema_verdict():
    empty = Registry(retrieve=_refuse)
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    validators = {
        name: _Reference(db.schema(name, bundled=True), registry=empty, format_checker=checker)
        for name in NAMES
    }
    cases = fixture_cases() + generated_cases()
    for name, instance in cases:
        assert validators[name].is_valid(instance) == schema_verdict(name, instance), name


def test_ajv_gives_the_same_verdicts_on_the_bundled_forms():
    if not ajv_available():
        if os.environ.get("CI"):
            pytest.fail("ajv is not installed: .ci/run must run npm install in tests/ajv")
        pytest.skip("node/ajv not installed (run: npm install --prefix tests/ajv)")
    schemas = [db.schema(name, bundled=True) for name in NAMES]
    cases = [(n, json.loads(json.dumps(i))) for n, i in fixture_cases() + generated_cases()]
    payload = {
        "schemas": schemas,
        "cases": [[db.schema(name)["$id"], instance] for name, instance in cases],
    }
    done = subprocess.run(
        ["node", str(AJV_DIR / "verdicts.mjs")],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=True,
    )
    verdicts = json.loads(done.stdout)
    assert any(verdicts) and not all(verdicts)
    for (name, instance), verdict in zip(cases, verdicts, strict=True):
        assert schema_verdict(name, instance) == verdict, (name, instance)


def test_schemas_show_and_list():
    listed = run("schemas", "list")
    assert listed.returncode == 0
    assert "mykaarma/order-event  v1" in listed.stdout.splitlines()
    shown = run("schemas", "show", "mykaarma/order-event")
    assert shown.returncode == 0
    assert json.loads(shown.stdout) == db.schema("mykaarma/order-event")
    bundled = run("schemas", "show", "mykaarma/order-event", "--bundled", "--schema-version", "1")
    assert json.loads(bundled.stdout) == db.schema("mykaarma/order-event", bundled=True)
    assert run("schemas", "show", "nope/none").returncode == 2
    assert run("schemas", "show", "mykaarma/order-event", "--schema-version", "7").returncode == 2


def test_export_bundle_writes_one_file_per_schema_version(tmp_path):
    done = run("schemas", "export", "--bundle", tmp_path / "out")
    assert done.returncode == 0, done.stderr
    written = sorted(p.relative_to(tmp_path / "out") for p in (tmp_path / "out").rglob("*.json"))
    registry = db._default_registry()
    # the subprocess sees the installed schemas only (not the test schemas of tests/schemas)
    expected = {
        f"{name}/v{v}.json"
        for name in registry.names()
        if not name.startswith("test/")
        for v in registry.versions(name)
    }
    assert {str(p) for p in written} == expected
    one = json.loads((tmp_path / "out" / "shopmonkey" / "order" / "v1.json").read_text())
    assert one == db.schema("shopmonkey/order", bundled=True)
    assert all(r.startswith("#") for r in refs(one))
    clash = tmp_path / "file"
    clash.write_text("")
    assert run("schemas", "export", "--bundle", clash).returncode == 2

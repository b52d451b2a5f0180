"""`db.schema(name, bundled=True)` and `dealerbridge schemas show/export --bundle`: one
self-contained document per schema that other validators load with no registry."""

import json
import os
import re
import subprocess

import pytest

import dealerbridge as db
from dealerbridge._bundle import portable, rewrite_refs

from .cli_support import run_cli as run
from .reference import AJV_DIR, ajv_available

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


def resolve(document, ref):
    node = document
    for part in ref[1:].split("/")[1:]:
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def test_every_ref_points_inside_the_bundle_and_resolves():
    for name in db.schema_names():
        bundled = db.schema(name, bundled=True)
        assert bundled["$id"] == db.schema(name)["$id"]
        for ref in refs(bundled):
            assert ref.startswith("#"), (name, ref)
            resolve(bundled, ref)
        # flat keys a code generator reads as class names: no dot, no pointer escaping
        for key in bundled.get("$defs", {}):
            assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", key), (name, key)


def test_a_bundle_embeds_only_what_it_uses_under_the_titles():
    bundled = db.schema("shopmonkey/get-services-response", bundled=True)
    defs = bundled["$defs"]
    # the whole service document, embedded under its title, without its $id or $defs
    assert "Service" in defs and "$id" not in defs["Service"] and "$defs" not in defs["Service"]
    # a primitive under its own key, and only the primitives that are used
    assert "cents" in defs and "mykaarmaAmount" not in defs
    used = {ref.split("/")[2] for ref in refs(bundled) if ref.startswith("#/$defs/")}
    own = set(db.schema("shopmonkey/get-services-response").get("$defs", {}))
    assert set(defs) == used | own
    # a titled definition is keyed by its title (what datamodel-code-generator names it)
    order = db.schema("mykaarma/create-order-request", bundled=True)
    assert order["$defs"]["CreateOrderGog"]["title"] == "CreateOrderGog"
    for key, node in order["$defs"].items():
        if isinstance(node, dict) and "title" in node:
            assert key == node["title"].replace(" ", ""), key


def test_key_naming_and_the_plain_form_unchanged():
    bundled = db.schema("mykaarma/order-event", bundled=True)
    assert {"OrderEventPayload", "MykaarmaOrder", "mykaarmaDate"} <= set(bundled["$defs"])
    plain = db.schema("mykaarma/order-event")
    assert any(r.startswith("https://schemas.dealerbridge.dev/") for r in refs(plain))
    # a bundle is a copy
    bundled["$defs"].clear()
    assert db.schema("mykaarma/order-event", bundled=True)["$defs"]


def _keys(node):
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from _keys(value)
    elif isinstance(node, list):
        for item in node:
            yield from _keys(item)


def test_the_exported_form_drops_our_annotations_unless_asked():
    plain = db.schema("mykaarma/create-order-request", bundled=True)
    assert not [k for k in _keys(plain) if k.startswith("x-")]
    kept = db.schema("mykaarma/create-order-request", bundled=True, annotations=True)
    assert kept["x-direction"] == "outbound"
    assert "x-rule-name" in json.dumps(kept)


def test_union_types_become_one_branch_per_type_with_its_keywords():
    node = {"description": "d", "type": ["string", "integer", "null"], "pattern": "^a$"}
    node["minimum"] = 0
    assert portable(node) == {
        "description": "d",
        "anyOf": [
            {"type": "string", "pattern": "^a$"},
            {"type": "integer", "minimum": 0},
            {"type": "null"},
        ],
    }
    assert portable({"type": ["string", "null"], "pattern": "^a$"}) == {
        "type": ["string", "null"],
        "pattern": "^a$",
    }


def test_required_names_get_defined_where_strict_ajv_looks_for_them():
    then = {"required": ["a", "b"], "patternProperties": {"^(a|c)$": {"type": "string"}}}
    assert portable({"type": "object", "then": then}) == {
        "type": "object",
        "then": {
            "required": ["a", "b"],
            "properties": {"a": {"type": "string"}, "c": {"type": "string"}, "b": True},
        },
    }
    # not an exact-name pattern: left alone
    other = {"type": "object", "patternProperties": {"^a|c$": {}}}
    assert portable(other) == other
    # a closed object keeps its verdict: no member is added to it
    closed = {"type": "object", "required": ["z"], "properties": {}}
    closed["additionalProperties"] = False
    assert portable(closed) == closed


def test_object_keywords_where_no_type_is_stated_are_said_explicitly():
    chain = {"items": {"if": {"required": ["a"]}, "then": {"type": "object"}}}
    assert portable(chain)["items"]["if"] == {
        "anyOf": [
            {"type": "object", "required": ["a"], "properties": {"a": True}},
            {"not": {"type": "object"}},
        ]
    }


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


def test_ajv_strict_compiles_every_exported_bundle(tmp_path):
    if not ajv_available():
        if os.environ.get("CI"):
            pytest.fail("ajv is not installed: .ci/run must run npm install in tests/ajv")
        pytest.skip("node/ajv not installed (run: npm install --prefix tests/ajv)")
    done = run("schemas", "export", "--bundle", tmp_path / "out")
    assert done.returncode == 0, done.stderr
    files = sorted((tmp_path / "out").rglob("*.json"))
    assert len(files) == len([n for n in db.schema_names() if not n.startswith("test/")])
    schemas = [json.loads(p.read_text()) for p in files]
    checked = subprocess.run(
        ["node", str(AJV_DIR / "verdicts.mjs")],
        input=json.dumps({"schemas": schemas, "cases": []}),
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(checked.stdout)["errors"] == {}
    # ... and with our annotations kept, strict ajv refuses them (why they are dropped)
    kept = db.schema("mykaarma/order-event", bundled=True, annotations=True)
    refused = subprocess.run(
        ["node", str(AJV_DIR / "verdicts.mjs")],
        input=json.dumps({"schemas": [kept], "cases": []}),
        capture_output=True,
        text=True,
        check=True,
    )
    assert "x-direction" in json.loads(refused.stdout)["errors"][kept["$id"]]


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

"""`dealerbridge schemas diff OLD NEW` and the policy check: a breaking change between
consecutive versions of a schema needs a CHANGELOG entry naming it."""

import json
import re
import subprocess
import sys

import pytest

from dealerbridge._registry import SchemaRegistry, default_registry
from dealerbridge._schema_diff import breaking_versions, diff_schemas

from .vendor_support import ROOT

COMPAT = ROOT / "tests" / "schemas" / "compat"
GADGET = COMPAT / "test" / "gadget"
GIZMO = COMPAT / "test" / "gizmo"


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "dealerbridge", "schemas", "diff", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


def kinds(old, new):
    found = diff_schemas(("old", old), ("new", new))
    return {(c.pointer, c.kind, c.model) for c in found.changes}


OBJ = {"type": "object", "properties": {"a": {"type": "string"}}}


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # types and enums: widening is compatible but changes the generated types
        ({"type": "string"}, {"type": ["string", "null"]}, {("/type", "compatible", True)}),
        ({"type": ["string", "null"]}, {"type": "string"}, {("/type", "breaking", True)}),
        ({"type": "number"}, {"type": "integer"}, {("/type", "breaking", True)}),
        ({"enum": [1, 2]}, {"enum": [1, 2, 3]}, {("/enum", "compatible", True)}),
        ({"enum": [1, 2]}, {"enum": [1]}, {("/enum", "breaking", True)}),
        # required members
        ({"required": ["a"]}, {"required": []}, {("/required", "compatible", True)}),
        ({"required": []}, {"required": ["a"]}, {("/required", "breaking", True)}),
        # bounds
        ({"maxLength": 5}, {"maxLength": 9}, {("/maxLength", "compatible", False)}),
        ({"maxLength": 5}, {"maxLength": 3}, {("/maxLength", "breaking", False)}),
        ({"minimum": 0}, {"minimum": 1}, {("/minimum", "breaking", False)}),
        ({"minimum": 1}, {}, {("/minimum", "compatible", False)}),
        ({}, {"pattern": "^a"}, {("/pattern", "breaking", False)}),
        ({"pattern": "^a"}, {"pattern": "^[ab]"}, {("/pattern", "breaking", False)}),
        # members of open and closed objects
        (
            {**OBJ, "additionalProperties": False},
            {**OBJ, "additionalProperties": False, "properties": {**OBJ["properties"], "b": {}}},
            {("/properties/b", "compatible", True)},
        ),
        (
            OBJ,
            {**OBJ, "properties": {**OBJ["properties"], "b": {"type": "string"}}},
            {("/properties/b", "breaking", True)},
        ),
        (
            OBJ,
            {**OBJ, "additionalProperties": False},
            {("/additionalProperties", "breaking", True)},
        ),
        (
            {**OBJ, "additionalProperties": False},
            OBJ,
            {("/additionalProperties", "compatible", True)},
        ),
        # nested: the change is found where it is
        (
            {"items": {"type": "string"}},
            {"items": {"type": "integer"}},
            {("/items/type", "breaking", True)},
        ),
        (
            {"anyOf": [{"type": "string"}]},
            {"anyOf": [{"type": "string"}, {"type": "null"}]},
            {("/anyOf", "compatible", True)},
        ),
        # annotations: no verdict change; a renamed Python field changes the models
        ({"description": "a"}, {"description": "b"}, {("/description", "annotation", False)}),
        ({"x-python-name": "a"}, {"x-python-name": "b"}, {("/x-python-name", "annotation", True)}),
        ({"if": {"type": "string"}}, {"if": {"type": "integer"}}, {("/if", "breaking", True)}),
    ],
)
def test_classification(old, new, expected):
    assert kinds(old, new) == expected


def test_breaking_file_diff_exits_1_and_lists_each_change():
    done = run(GADGET / "v1.json", GADGET / "v2.json")
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert "breaking: /properties/id/maxLength: maxLength 40 -> 20" in lines
    assert "breaking: /required: now required: ['size'] [changes generated model types]" in lines
    assert lines[-1].endswith(": breaking (2 changes; generated model types change)")


def test_compatible_diff_exits_0_and_flags_model_changes():
    done = run(GIZMO / "v1.json", GIZMO / "v2.json", "--format", "json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["verdict"] == "compatible"
    assert result["breaking"] is False and result["model_changes"] is True
    assert {c["pointer"] for c in result["changes"]} >= {
        "/properties/color/enum",
        "/properties/note",
    }
    # the reverse direction rejects what v2 accepted
    assert run(GIZMO / "v2.json", GIZMO / "v1.json").returncode == 1


def test_name_at_version_and_usage_errors():
    same = run("mykaarma/order-event@1", "mykaarma/order-event@1")
    assert same.returncode == 0
    assert same.stdout.splitlines()[-1].endswith("identical (0 changes)")
    assert run("mykaarma/order-event@1", "mykaarma/order-event@9").returncode == 2
    assert run("nope/none@1", "mykaarma/order-event@1").returncode == 2
    assert run(ROOT / "missing.json", "mykaarma/order-event@1").returncode == 2


def missing_changelog_entries(registry, changelog):
    """``name vN`` for each breaking consecutive version that no CHANGELOG line names."""
    lines = changelog.splitlines()
    missing = []
    for name, version, _diff in breaking_versions(registry):
        named = re.compile(rf"`?{re.escape(name)}`?.*\bv{version}\b")
        if not any(named.search(line) for line in lines):
            missing.append(f"{name} v{version}")
    return missing


def test_every_breaking_schema_version_has_a_changelog_entry():
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    registry = SchemaRegistry(default_registry()._roots)
    assert missing_changelog_entries(registry, changelog) == []


def test_the_changelog_check_on_test_schemas_with_a_breaking_version():
    registry = SchemaRegistry([COMPAT])
    found = breaking_versions(registry)
    assert [(name, version) for name, version, _ in found] == [("test/gadget", 2)]
    changelog = (COMPAT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert missing_changelog_entries(registry, changelog) == []
    without = "\n".join(line for line in changelog.splitlines() if "gadget" not in line)
    assert missing_changelog_entries(registry, without) == ["test/gadget v2"]

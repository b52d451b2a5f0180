"""Every bundled schema: well-formed, portable, locked, closed where it must be, generated."""

import json
import re
import subprocess
import sys
import typing
from pathlib import Path

import attrs
import jsonschema
import jsonschema_rs
import pytest

import dealerbridge as db
from dealerbridge._registry import ID_PREFIX, schema_root

from .vendor_support import pattern_example

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted(schema_root().glob("*/*/v*.json")) + sorted(
    (ROOT / "tests" / "schemas").glob("*/*/v*.json")
)
sys.path.insert(0, str(ROOT / "tools"))

import generate_models  # noqa: E402
import lock_schemas  # noqa: E402


def load(path):
    return json.loads(path.read_text())


def walk(node, path=()):
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from walk(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from walk(value, (*path, i))


@pytest.mark.parametrize("path", FILES, ids=lambda p: "/".join(p.parts[-3:]))
def test_schema_is_well_formed(path):
    doc = load(path)
    vendor, name, version = path.parts[-3], path.parts[-2], path.stem
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert doc["$id"] == f"{ID_PREFIX}{vendor}/{name}/{version}.json"
    jsonschema.Draft202012Validator.check_schema(doc)
    jsonschema_rs.meta.validate(doc)
    for where, node in walk(doc):
        if node.get("type") == "object" and "properties" in node:
            # a titled object is a class; in our own config documents an untitled one with a
            # default is a table (a read-only Mapping with known keys; CONVENTIONS.md)
            table = vendor == "dealerbridge" and "default" in node
            assert "title" in node or table, f"object without title at {where}"
            for key, prop in node["properties"].items():
                assert isinstance(prop, dict) and prop.get("description"), (
                    f"{where}/{key} has no description"
                )
        for ref in [node.get("$ref")] if isinstance(node.get("$ref"), str) else []:
            assert ref.startswith(("#/", ID_PREFIX)), f"non-local $ref {ref}"
        if "format" in node:
            assert node["format"] in ("date", "date-time") and "pattern" in node


FORBIDDEN = [
    r"\d",
    r"\D",
    r"\w",
    r"\W",
    r"\s",
    r"\S",
    r"\b",
    r"\B",
    "(?=",
    "(?!",
    "(?<",
    r"\1",
    r"\p",
    r"\z",
    r"\Z",
    r"\A",
]


def test_patterns_are_portable_ecma_262():
    for path in FILES:
        for where, node in walk(load(path)):
            pattern = node.get("pattern")
            if not isinstance(pattern, str) or where[-1:] == ("properties",):
                continue
            for token in FORBIDDEN:
                assert token not in pattern, f"{path.name} {where}: {token} in {pattern}"
            assert pattern.isascii(), pattern
            re.compile(pattern)


def _objects_defined_in(document):
    """Every object node of *document*'s own file, with where it is."""
    from dealerbridge._schema_model import iter_objects

    seen = {}
    for node in [document.root, *document.defs.values()]:
        for _path, obj in iter_objects(node):
            # Records only: an untitled map (`{"type": "object"}`, a Map<String, String>) has
            # no member list to close.
            if obj.location.document_id == document.document_id and (obj.fields or obj.class_name):
                seen[obj.location.pointer] = obj
    return seen


def test_direction_is_declared_and_agrees_with_closedness():
    """x-direction decides: outbound documents are closed everywhere, inbound ones open."""
    registry = db._default_registry()
    for name in registry.names():
        for version in registry.versions(name):
            document = registry.model(name, version)
            if name.startswith("common/"):
                assert document.direction is None, name
                continue
            assert document.direction in ("inbound", "outbound"), f"{name} has no x-direction"
            objects = _objects_defined_in(document)
            assert objects, name
            for where, obj in objects.items():
                assert obj.closed == (document.direction == "outbound"), (
                    f"{name} v{version} {where or '/'}: {document.direction} but "
                    f"{'closed' if obj.closed else 'open'}"
                )


def test_one_resolver_unescapes_json_pointers():
    from dealerbridge._registry import SchemaRegistry

    registry = SchemaRegistry([ROOT / "tests" / "schemas"])
    base = "https://schemas.dealerbridge.dev/test/widget/v1.json"
    _, node = registry.resolve(base, "#/$defs/a~1b~01c")
    assert node == {"type": "string", "description": "A key with a slash and a tilde."}
    _, node = registry.resolve(base, "#/$defs/a~1b~01c/type")
    assert node == "string"


def test_hash_lock_matches_every_schema_file():
    lock = lock_schemas.read_lock()
    current = lock_schemas.current()
    missing = sorted(set(current) - set(lock))
    assert not missing, f"run tools/lock_schemas.py; unlocked: {missing}"
    for key, sha in current.items():
        assert lock[key]["sha256"] == sha, (
            f"{key} changed: add a new version (or re-lock if unreleased)"
        )


def test_older_versions_stay_loadable():
    """Every version of every schema compiles, has a model, and gives a verdict."""
    registry = db._default_registry()
    checked = 0
    for name in db.schema_names():
        for version in db.schema_versions(name):
            document = registry.model(name, version)
            assert document.version == version
            if name.startswith("common/"):
                continue
            found = db.errors(12.5, name, version=version)
            assert [(i.path, i.code) for i in found] == [("", "type")], (name, version)
            checked += 1
    assert checked >= 30


def test_every_version_has_its_id_and_rejects_null():
    registry = db._default_registry()
    checked = 0
    for name in db.schema_names():
        versions = db.schema_versions(name)
        assert versions and list(versions) == sorted(set(versions)), name
        for version in versions:
            assert registry.document(name, version)["$id"].endswith(f"/{name}/v{version}.json")
            # Every document but common/primitives (only $defs) rejects a JSON null.
            rejected = db.errors(None, name, version=version) != []
            assert rejected is (name != "common/primitives"), (name, version)
            checked += 1
    assert checked >= len(db.schema_names())


def test_generated_code_is_up_to_date():
    for path, text in generate_models.expected_files().items():
        assert path.read_text() == text, f"{path} is stale: run python tools/generate_models.py"


def test_generated_code_is_marked_and_typed():
    out = ROOT / "src" / "dealerbridge" / "_generated"
    for path in out.glob("*.py"):
        assert path.read_text().startswith("# Generated by tools/generate_models.py")
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "generate_models.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout


INT64 = (-(2**63), 2**63 - 1)
GUARD = {"x-rule": "must not end with a line feed", "type": "string", "pattern": "\\n$"}


def _schema_nodes_of(doc):
    """Every schema node of *doc* (not data under enum/const/examples/default, not the
    member-name maps themselves)."""

    def visit(node, where, in_map=False):
        if isinstance(node, list):
            for i, item in enumerate(node):
                yield from visit(item, (*where, i))
        elif isinstance(node, dict):
            if in_map:
                for key, value in node.items():
                    yield from visit(value, (*where, key))
                return
            yield where, node
            for key, value in node.items():
                if key not in ("enum", "const", "examples", "default"):
                    maps = ("properties", "$defs", "patternProperties", "dependentSchemas")
                    yield from visit(value, (*where, key), key in maps)

    yield from visit(doc, ())


def test_every_integer_carries_its_int64_bounds():
    for path in FILES:
        for where, node in _schema_nodes_of(load(path)):
            types = node.get("type")
            if types == "integer" or (isinstance(types, list) and "integer" in types):
                low = node.get("minimum", node.get("exclusiveMinimum"))
                high = node.get("maximum", node.get("exclusiveMaximum"))
                assert low is not None and high is not None, f"{path.name} {where}"
                assert INT64[0] <= low and high <= INT64[1], f"{path.name} {where}"


def test_every_anchored_pattern_refuses_a_trailing_line_feed_in_python_too():
    seen = 0
    for path in FILES:
        for where, node in _schema_nodes_of(load(path)):
            pattern = node.get("pattern")
            if not isinstance(pattern, str) or node == GUARD:
                continue
            if pattern.endswith("$") and "\\n" not in pattern:
                assert node.get("not") == GUARD, f"{path.name} {where}: {pattern}"
                # stock python-jsonschema (Python's re): the pattern alone accepts a valid
                # value with a final line feed; with the guard beside it, it is refused
                value = pattern_example(pattern)  # built from the pattern, not searched for
                unguarded = {k: v for k, v in node.items() if k != "not"}
                assert jsonschema.Draft202012Validator(unguarded).is_valid(value + "\n")
                checker = jsonschema.Draft202012Validator(node)
                assert checker.is_valid(value) and not checker.is_valid(value + "\n")
                seen += 1
    assert seen >= 10


def _generated_classes():
    import dealerbridge.mykaarma as mk
    import dealerbridge.shopmonkey as sm

    for module in (mk, sm):
        for name in module.__all__:
            obj = getattr(module, name)
            if isinstance(obj, type) and issubclass(obj, db.Model) and attrs.has(obj):
                yield obj


def test_wire_names_of_every_generated_class_are_the_schema_models():
    """The generated ``__dealerbridge_wire__`` (read through ``db.wire_names``) is the schema
    model's field list: the one source of wire names, kept by the generator."""
    from dealerbridge._registry import default_registry
    from dealerbridge._schema_model import unwrap

    registry = default_registry()
    checked = 0
    for cls in _generated_classes():
        ref = cls.__dealerbridge_schema__
        node = unwrap(registry.model_at(ref.name, ref.version, ref.fragment or ""))
        expected = {f.python_name: f.wire_name for f in node.fields}
        assert dict(db.wire_names(cls)) == expected, cls
        checked += 1
    assert checked > 100


def test_generated_code_reads_like_code_a_person_wrote():
    import dealerbridge.mykaarma as mk
    import dealerbridge.shopmonkey as sm

    out = ROOT / "src" / "dealerbridge" / "_generated"
    shopmonkey = (out / "shopmonkey.py").read_text()
    # A $defs enum is one type: the 249 country codes are written once.
    assert shopmonkey.count('"ZW"') == 1
    assert typing.get_args(sm.CountryCode)[-1] == "ZW"
    assert "customer_guids" in {f.name for f in attrs.fields(mk.BulkMergeCustomerRequest)}
    for path in out.glob("*.py"):
        # Class metadata lives in the class bodies, never patched on at module level.
        assert not re.search(r"^\w+\.__dealerbridge_\w+__ =", path.read_text(), re.M), path
    assert sm.CreateServiceFromCanned.__dealerbridge_discriminator__ == "fromCannedServiceId"
    assert "__dealerbridge_discriminator__" in vars(sm.CreateServiceFromCanned)

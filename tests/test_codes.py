"""The issue-code catalogue (issue 20 item 4): the core holds its own codes only; the vendor
packages and the mapping register theirs, and `dealerbridge.ISSUE_CODES` is complete after
``import dealerbridge`` alone (the registrations are found by entry point)."""

import subprocess
import sys

import attrs
import pytest

import dealerbridge as db
from dealerbridge import _codes

from .vendor_support import ROOT

VENDOR_PREFIXES = ("mykaarma", "mapping.", "shopmonkey", "toml.", "number.")


def _fresh_interpreter(script: str) -> subprocess.CompletedProcess[str]:
    """Run *script* in a new interpreter (nothing imported before it), from the repository."""
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )


def test_the_core_catalogue_names_no_vendor():
    assert not [c for c in _codes._CORE if c.startswith(VENDOR_PREFIXES)]
    assert not [c for c in _codes._CORE if "vin" in c or "advisor" in c or "customer" in c]


def test_import_dealerbridge_alone_gives_every_code():
    script = (
        "import sys, dealerbridge as db\n"
        "assert 'dealerbridge.mapping' not in sys.modules\n"
        "codes = set(db.ISSUE_CODES)\n"
        "print(sorted(c for c in ('mapping.range', 'mykaarma.phone', 'toml.syntax',"
        " 'vin-or-year-make-model', 'json.size', 'number.range') if c in codes))\n"
    )
    done = _fresh_interpreter(script)
    assert done.stdout.strip() == (
        "['json.size', 'mapping.range', 'mykaarma.phone', 'number.range', 'toml.syntax',"
        " 'vin-or-year-make-model']"
    )


def test_every_registered_code_is_in_the_catalogue():
    from dealerbridge.mapping import _registration as mapping_codes
    from dealerbridge.mykaarma import _registration as mykaarma_codes
    from dealerbridge.shopmonkey import _registration as shopmonkey_codes

    for registered in (mapping_codes.CODES, mykaarma_codes.CODES, shopmonkey_codes.CODES):
        assert registered
        assert all(db.ISSUE_CODES[c] == m for c, m in registered.items())


def test_registering_is_idempotent_and_a_code_has_one_owner():
    _codes.register_codes({"json.syntax": db.ISSUE_CODES["json.syntax"]})
    with pytest.raises(db.DealerbridgeUsageError):
        _codes.register_codes({"json.syntax": "something else"})
    for bad in ({"": "x"}, {"x": ""}, {1: "x"}, [("x", "y")]):
        with pytest.raises(db.DealerbridgeUsageError):
            _codes.register_codes(bad)
    assert "x" not in db.ISSUE_CODES


def test_the_catalogue_is_read_only():
    with pytest.raises(TypeError):
        db.ISSUE_CODES["new"] = "x"  # type: ignore[index]


def test_vendor_hints_reach_a_plain_import_dealerbridge():
    # the myKaarma and Shopmonkey hints are registered by their packages, found by entry
    # point the first time a hint is asked for: `import dealerbridge` alone gives them
    script = (
        "import json, sys, dealerbridge as db\n"
        "assert 'dealerbridge.mykaarma' not in sys.modules\n"
        "order = json.load(open('tests/fixtures/shopmonkey/order/"
        "valid-walk-in-no-customer-no-vehicle.json'))\n"
        "(issue,) = db.errors({**order, 'totalCostCents': '12'}, 'shopmonkey/order')\n"
        "print(issue.message.split('(')[-1])\n"
    )
    done = _fresh_interpreter(script)
    assert "cents travel as JSON integers" in done.stdout


def test_the_core_validation_modules_name_no_vendor():
    core = ROOT / "src" / "dealerbridge"
    for name in ("_validation.py", "_engine.py", "_messages.py", "_hints.py"):
        text = (core / name).read_text().lower()
        assert "mykaarma" not in text and "shopmonkey" not in text, name


def test_the_validation_module_is_only_the_public_entry():
    # issue 20: `_validation` holds `validate` and `errors`; every other name is imported from
    # the module that defines it (`_engine`, `_codes`), not through old re-exports.
    import ast

    from dealerbridge import _validation

    assert sorted(_validation.__all__) == ["errors", "validate"]
    found = []
    for folder in ("src", "tests", "tools", "benchmarks", "examples"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("_validation"):
                    found += [
                        (path.name, a.name) for a in node.names if a.name not in _validation.__all__
                    ]
    assert not found


def _core_modules():
    """The core layer of the import contract (pyproject.toml), so a new core module is
    covered as soon as it is given its layer."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    (layers,) = [c for c in config["tool"]["importlinter"]["contracts"] if c["id"] == "layers"]
    names = [n.strip().strip("()") for n in layers["layers"][-1].split(":")]
    return [ROOT / "src" / "dealerbridge" / f"{n}.py" for n in names]


def _vendors():
    """Every vendor with generated models (``_generated/<vendor>.py``; ``dealerbridge.py``
    holds the classes of our own documents, the mapping config)."""
    generated = ROOT / "src" / "dealerbridge" / "_generated"
    return sorted(
        p.stem for p in generated.glob("*.py") if p.stem not in ("__init__", "dealerbridge")
    )


def _code_words(source):
    """Every identifier and every string the code uses; documentation (docstrings and other
    bare string statements) and comments are not code."""
    import ast

    tree = ast.parse(source)
    docs = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            yield node.value
        elif isinstance(node, ast.Name):
            yield node.id
        elif isinstance(node, ast.Attribute):
            yield node.attr
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            yield node.name
        elif isinstance(node, ast.arg | ast.keyword) and node.arg:
            yield node.arg
        elif isinstance(node, ast.alias):
            yield node.name
            if node.asname:
                yield node.asname
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_no_core_module_names_a_vendor_in_its_code():
    # Coupling by string, which the import linter cannot see: the endpoint tables of the
    # OpenAPI export, problem families, codes and hints all register from the vendor packages.
    vendors = _vendors()
    assert vendors == ["mykaarma", "shopmonkey"]
    modules = _core_modules()
    assert {p.name for p in modules} >= {"_openapi.py", "_validation.py", "_errors.py"}
    for path in modules:
        named = {
            word
            for word in _code_words(path.read_text())
            if any(vendor in word.lower() for vendor in vendors)
        }
        assert not named, (path.name, named)


def test_the_openapi_export_and_problem_families_come_from_the_registrations():
    from dealerbridge import _errors, _openapi

    assert [api.tag for api in _openapi.registered_apis()] == ["mykaarma", "shopmonkey"]
    assert {"mykaarma", "shopmonkey", "number", "mapping", "toml"} <= set(_errors.PROBLEM_FAMILIES)
    with pytest.raises(db.DealerbridgeUsageError):
        _errors.register_problem_families({"json": ("something else", 400)})
    for bad in ({"a.b": ("x", 422)}, {"x": ("x", 500)}, {"x": "x"}, [("x", ("x", 422))]):
        with pytest.raises(db.DealerbridgeUsageError):
            _errors.register_problem_families(bad)
    (mykaarma,) = [a for a in _openapi.registered_apis() if a.tag == "mykaarma"]
    _openapi.register_api(mykaarma)  # the same description again: nothing happens
    with pytest.raises(db.DealerbridgeUsageError):
        _openapi.register_api(attrs.evolve(mykaarma, name="other"))
    with pytest.raises(db.DealerbridgeUsageError):
        _openapi.register_api("mykaarma")  # type: ignore[arg-type]


def test_a_problem_of_a_vendor_family_after_import_dealerbridge_alone():
    # the vendor families reach to_problem without the vendor package imported
    script = (
        "import sys, dealerbridge as db\n"
        "assert 'dealerbridge.shopmonkey' not in sys.modules\n"
        "error = db.ValidationError([db.Issue('/x', 'number.range', 'too big', 1)])\n"
        "print(error.to_problem()['type'])\n"
    )
    done = _fresh_interpreter(script)
    assert done.stdout.strip() == "https://dealerbridge.dev/problems/number"

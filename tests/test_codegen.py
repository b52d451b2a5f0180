"""Code generators and linters other teams use, run on the exported forms as they are:
datamodel-code-generator on every bundle and on the OpenAPI document (one process, the
defaults but the formatter), and redocly's recommended ruleset on the OpenAPI document."""

import ast
import json
import os
import shutil
import subprocess
import warnings

import pytest

import dealerbridge as db

from .cli_support import run_cli as run
from .reference import AJV_DIR

REDOCLY = AJV_DIR / "node_modules" / ".bin" / "redocly"


def _installed_names():
    return [n for n in db.schema_names() if not n.startswith("test/")]


def _openapi(tmp_path):
    """The OpenAPI document as `dealerbridge schemas export --openapi` writes it."""
    target = tmp_path / "dealerbridge.openapi.json"
    done = run("schemas", "export", "--openapi", target)
    assert done.returncode == 0, done.stderr
    return json.loads(target.read_text())


def _titled(document):
    """The class names a schema gives: its title and the titles of its definitions."""
    names = set()
    if "title" in document and any(k in document for k in ("type", "anyOf", "$ref")):
        names.add(document["title"].replace(" ", ""))
    for key, node in document.get(
        "$defs", document.get("components", {}).get("schemas", {})
    ).items():
        if isinstance(node, dict) and "title" in node:
            assert key == node["title"].replace(" ", ""), key
            names.add(key)
    return names


def _numbered(classes, wanted):
    """Classes a generator numbered because two schemas wanted one name (``Order1``) or that
    it named after a file (``V1``). Inline enums it numbers by member name (``Status1``) are
    not schemas of ours and not counted."""
    return sorted(
        c
        for c in classes
        if c not in wanted and (c.rstrip("0123456789_") in wanted or c[:2] == "V1")
    )


def _classes(source):
    return {node.name for node in ast.walk(ast.parse(source)) if isinstance(node, ast.ClassDef)}


def _generate(text, file_type, tmp_path):
    try:
        from datamodel_code_generator import InputFileType, generate
    except ImportError:  # pragma: no cover - the dev extra installs it
        if os.environ.get("CI"):
            pytest.fail("datamodel-code-generator is not installed (dev extra)")
        pytest.skip("datamodel-code-generator is not installed (pip install -e '.[dev]')")
    out = tmp_path / "models.py"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # The defaults, without the formatters (black and isort only re-indent the output).
        generate(text, input_file_type=getattr(InputFileType, file_type), output=out, formatters=[])
    source = out.read_text()
    compile(source, str(out), "exec")
    return _classes(source)


def test_datamodel_code_generator_names_every_bundle_class_after_its_schema(tmp_path):
    checked = 0
    for name in _installed_names():
        bundled = db.schema(name, bundled=True)
        classes = _generate(json.dumps(bundled), "JsonSchema", tmp_path)
        wanted = _titled(bundled)
        assert wanted <= classes, (name, sorted(wanted - classes))
        assert not _numbered(classes, wanted), (name, _numbered(classes, wanted))
        checked += 1
    assert checked == len(_installed_names())


def test_datamodel_code_generator_names_every_openapi_component_after_its_title(tmp_path):
    document = _openapi(tmp_path)
    classes = _generate(json.dumps(document), "OpenAPI", tmp_path)
    wanted = _titled(document)
    assert {"CreateServicesRequest", "MykaarmaOrder", "ShopmonkeyOrder"} <= wanted
    assert wanted <= classes, sorted(wanted - classes)
    assert not _numbered(classes, wanted), _numbered(classes, wanted)


def test_titles_are_unique_across_vendors():
    """A title names one definition in all the schemas (the OpenAPI document holds them all:
    two vendors' "Order" would come out as Order and Order1)."""
    where = {}
    for name in _installed_names():
        document = db.schema(name)
        entries = [
            ("", document),
            *(("/$defs/" + k, v) for k, v in document.get("$defs", {}).items()),
        ]
        for pointer, node in entries:
            if isinstance(node, dict) and "title" in node:
                where.setdefault(node["title"], []).append(f"{name}#{pointer}")
    assert {t: w for t, w in where.items() if len(w) > 1} == {}


def test_redocly_recommended_ruleset_finds_no_error(tmp_path):
    if shutil.which("node") is None or not REDOCLY.exists():
        if os.environ.get("CI"):
            pytest.fail("@redocly/cli is not installed: ./run test runs npm install in tests/ajv")
        pytest.skip("@redocly/cli not installed (run: npm install --prefix tests/ajv)")
    _openapi(tmp_path)
    target = tmp_path / "dealerbridge.openapi.json"
    # No network: redocly's telemetry and update check are off.
    env = {**os.environ, "REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"}
    done = subprocess.run(
        [str(REDOCLY), "lint", str(target), "--format=json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    report = json.loads(done.stdout)
    errors = [p for p in report["problems"] if p["severity"] == "error"]
    assert errors == [], [(p["ruleId"], p["message"]) for p in errors][:10]
    assert done.returncode == 0, done.stderr[-2000:]

"""Reference engines for verdict parity, used as they are: stock python-jsonschema (Draft
2020-12, format checker on, Python's ``re`` for patterns) and ajv in strict mode with
ajv-formats (node), each reading the exported bundles (`db.schema(name, bundled=True)`)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

import dealerbridge as db

AJV_DIR = Path(__file__).parent / "ajv"


@cache
def bundled(name: str) -> dict[str, Any]:
    return db.schema(name, bundled=True)


@cache
def python_validator(name: str) -> Any:
    """Stock python-jsonschema on the bundle: no registry, no keyword overridden."""
    return jsonschema.Draft202012Validator(
        bundled(name), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def python_verdict(name: str, instance: Any) -> bool:
    return python_validator(name).is_valid(instance)


def ajv_available() -> bool:
    return shutil.which("node") is not None and (AJV_DIR / "node_modules" / "ajv").is_dir()


def ajv_run(names: list[str], cases: list[tuple[str, Any]]) -> tuple[dict[str, str], list[Any]]:
    """ajv strict in one node process: the compile errors of the bundles of *names* (by
    ``$id``), and its verdict on each (schema name, instance) pair (None: did not compile)."""
    schemas = [bundled(name) for name in names]
    ids = [(bundled(name)["$id"], instance) for name, instance in cases]
    result = subprocess.run(
        ["node", str(AJV_DIR / "verdicts.mjs")],
        input=json.dumps({"schemas": schemas, "cases": ids}),
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ},
    )
    out = json.loads(result.stdout)
    return out["errors"], out["verdicts"]


def ajv_verdicts(cases: list[tuple[str, Any]]) -> list[bool]:
    """ajv's verdicts for (schema name, instance) pairs; every bundle must compile."""
    names = sorted({name for name, _ in cases})
    errors, verdicts = ajv_run(names, cases)
    assert not errors, errors
    return verdicts

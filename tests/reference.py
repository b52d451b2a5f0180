"""Reference engines for verdict parity: python-jsonschema and ajv (node)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema import validators
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource

import dealerbridge as db

AJV_DIR = Path(__file__).parent / "ajv"


def _ecma_pattern(validator, pattern, instance, schema):
    # JSON Schema patterns are ECMA-262: '$' matches only at the very end (Python's '$' also
    # matches before a final newline). Our linted patterns use '$' only as the final anchor.
    if not validator.is_type(instance, "string"):
        return
    translated = (
        pattern[:-1] + r"\Z" if pattern.endswith("$") and not pattern.endswith(r"\$") else pattern
    )
    if not re.search(translated, instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


_Reference = validators.extend(jsonschema.Draft202012Validator, {"pattern": _ecma_pattern})


def _refuse(uri: str):
    raise NoSuchResource(ref=uri)


@cache
def _registry() -> Registry:
    resources = [
        (uri, Resource.from_contents(doc)) for uri, doc in db._default_registry().resources()
    ]
    return Registry(retrieve=_refuse).with_resources(resources)


@cache
def python_validator(name: str) -> Any:
    doc = db._default_registry().document(name)
    return _Reference(
        doc, registry=_registry(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def python_verdict(name: str, instance: Any) -> bool:
    return python_validator(name).is_valid(instance)


def ajv_available() -> bool:
    return shutil.which("node") is not None and (AJV_DIR / "node_modules" / "ajv").is_dir()


def ajv_verdicts(cases: list[tuple[str, Any]]) -> list[bool]:
    """ajv's verdicts for (schema name, instance) pairs, in one node process."""
    registry = db._default_registry()
    schemas = [doc for _, doc in registry.resources()]
    ids = [(registry.document(name)["$id"], instance) for name, instance in cases]
    result = subprocess.run(
        ["node", str(AJV_DIR / "verdicts.mjs")],
        input=json.dumps({"schemas": schemas, "cases": ids}),
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ},
    )
    return json.loads(result.stdout)

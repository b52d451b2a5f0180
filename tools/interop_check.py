"""Measure how other tools' verdicts agree with dealerbridge's on the shipped fixtures.

    python tools/interop_check.py [--json]

For every installed schema: the exported bundle (`db.schema(name, bundled=True)`) is turned
into pydantic models by datamodel-code-generator (defaults, formatters off, one process), and
every fixture of the schema (``tests/fixtures/<vendor>/<name>/*.json``, valid and invalid) is
loaded through the root model (``model_validate_json(..., strict=True)``, and for comparison
the lax ``model_validate``); the verdict (loaded / refused) is compared with
`dealerbridge.errors`. The figures are quoted in docs/other-languages.md. No network.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"


def _fixtures(name: str) -> list[tuple[Path, Any]]:
    import dealerbridge as db

    out = []
    for path in sorted((FIXTURES / name).glob("*.json")):
        if path.name.endswith(".expected.json"):
            continue
        try:
            out.append((path, db.parse_json(path.read_bytes())))
        except db.ValidationError:
            continue  # not JSON dealerbridge reads: no verdict to compare
    return out


def pydantic_agreement() -> dict[str, Any]:
    from datamodel_code_generator import InputFileType, generate

    import dealerbridge as db

    total = agree = agree_lax = 0
    disagreements: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for index, name in enumerate(db.schema_names()):
            cases = _fixtures(name)
            if not cases:
                continue
            bundled = db.schema(name, bundled=True)
            target = Path(tmp) / f"models_{index}.py"
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                generate(
                    json.dumps(bundled),
                    input_file_type=InputFileType.JsonSchema,
                    output=target,
                    formatters=[],
                )
            spec = importlib.util.spec_from_file_location(f"models_{index}", target)
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            sys.modules[spec.name] = module
            spec.loader.exec_module(module)
            model = getattr(module, bundled["title"].replace(" ", ""))
            for path, instance in cases:
                ours = not db.errors(instance, name)
                text = json.dumps(instance)
                theirs = _loads(model.model_validate_json, text, strict=True)
                lax = _loads(model.model_validate, instance)
                total += 1
                agree_lax += ours == lax
                if ours == theirs:
                    agree += 1
                else:
                    rel = path.relative_to(FIXTURES)
                    disagreements.append(f"{rel}: dealerbridge {ours}, pydantic {theirs}")
    return {
        "total": total,
        "agree": agree,
        "agree_lax": agree_lax,
        "disagreements": disagreements,
    }


def _loads(load: Callable[..., object], value: object, **options: bool) -> bool:
    import pydantic

    try:
        load(value, **options)
    except pydantic.ValidationError:
        return False
    return True


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    result = {"pydantic": pydantic_agreement()}
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    figures = result["pydantic"]
    print(
        f"pydantic (datamodel-code-generator), strict JSON mode: {figures['agree']} of "
        f"{figures['total']} fixtures agree; lax model_validate: {figures['agree_lax']}"
    )
    for line in figures["disagreements"]:
        print("  " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""Dependencies where they are used (issue 20 item 9): the runtime imports neither
python-jsonschema nor referencing (the tests' reference engine, in the dev extra)."""

import subprocess
import sys
import tomllib

from .vendor_support import ROOT

RUNTIME = (
    "import sys, dealerbridge, dealerbridge.mykaarma, dealerbridge.shopmonkey, "
    "dealerbridge.mapping, dealerbridge.batch\n"
    "import dealerbridge as db\n"
    "db.errors({}, 'mykaarma/order-event')\n"
    "print(sorted(m for m in ('jsonschema', 'referencing') if m in sys.modules))\n"
)


def test_the_runtime_never_imports_python_jsonschema_or_referencing():
    done = subprocess.run(
        [sys.executable, "-c", RUNTIME], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == "[]"


def test_they_are_declared_only_where_they_are_imported():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = " ".join(project["dependencies"])
    assert "jsonschema>" not in runtime and "referencing" not in runtime
    dev = " ".join(project["optional-dependencies"]["dev"])
    assert "jsonschema>=" in dev and "referencing>=" in dev


IMPORT_COST = (
    "import sys, dealerbridge.mapping, dealerbridge.mykaarma as mk\n"
    "print(sorted(m for m in ('phonenumbers', 'dateutil', 'tomllib') if m in sys.modules))\n"
    "print(type(vars(mk.Order)['__annotations__']['header']).__name__)\n"
)


def test_import_time_work_is_left_to_first_use():
    """Import time (issue 20 item 3, measured by benchmarks/imports.py): phonenumbers,
    python-dateutil and tomllib are imported by the functions that use them, and the generated models'
    annotations stay strings (resolved from the vendor package when asked, not all at import)."""
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_COST], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.split("\n")[:2] == ["[]", "str"]

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

"""Running ``python -m dealerbridge`` in a subprocess, for the command-line tests."""

import os
import subprocess
import sys

from .vendor_support import ROOT


def run_cli(*args, input=None, env=None, text=True):
    """The finished process of ``dealerbridge *args`` (run from the repository root), with
    ``DEALERBRIDGE_REDACT`` taken out of the environment and *env* added to it."""
    environment = {k: v for k, v in os.environ.items() if k != "DEALERBRIDGE_REDACT"}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "dealerbridge", *map(str, args)],
        capture_output=True,
        text=text,
        input=input,
        env=environment,
        cwd=ROOT,
    )

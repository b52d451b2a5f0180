"""Build hook: compile the optional C accelerator ``dealerbridge._speedups``.

The library runs without it (its Python code decides every verdict; the C walks only accept
early), so a machine without a C compiler still builds a working, pure-Python wheel, with a
warning. Set ``DEALERBRIDGE_REQUIRE_SPEEDUPS=1`` to make a failed compile an error (CI does),
or ``DEALERBRIDGE_NO_SPEEDUPS=1`` to skip it. An editable install (``pip install -e``) puts the
compiled module beside the sources in ``src/dealerbridge`` (ignored by git); a wheel carries it.
setuptools is used only for its portable compiler driver (``build_ext``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SOURCE = "src/dealerbridge/_speedups.c"


def _compile(root: str, build_dir: str) -> Path:
    from setuptools import Distribution, Extension
    from setuptools.command.build_ext import build_ext

    extension = Extension(
        "dealerbridge._speedups", [os.path.join(root, SOURCE)], extra_compile_args=["-O2"]
    )
    command = build_ext(Distribution({"name": "dealerbridge", "ext_modules": [extension]}))
    command.build_lib = os.path.join(build_dir, "lib")
    command.build_temp = os.path.join(build_dir, "temp")
    command.ensure_finalized()
    command.run()
    return Path(command.get_ext_fullpath(extension.name))


class SpeedupsBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or os.environ.get("DEALERBRIDGE_NO_SPEEDUPS"):
            return
        self._build_dir = tempfile.mkdtemp(prefix="dealerbridge-speedups-")
        try:
            built = _compile(self.root, self._build_dir)
        except Exception as exc:  # no compiler, no headers: the pure-Python library
            if os.environ.get("DEALERBRIDGE_REQUIRE_SPEEDUPS"):
                raise
            self.app.display_warning(
                f"dealerbridge: C accelerator not built ({exc}); the library runs in pure Python"
            )
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        if version == "editable":  # the sources are imported in place: put it beside them
            shutil.copy2(built, Path(self.root, "src", "dealerbridge", built.name))
        else:
            build_data["force_include"][str(built)] = f"dealerbridge/{built.name}"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        build_dir = getattr(self, "_build_dir", None)
        if build_dir:
            shutil.rmtree(build_dir, ignore_errors=True)

"""The documentation site's pages: the testing recipe's Python blocks run, every issue code is
documented, and the vendor page copies stay out of the site (mkdocs itself runs in CI:
``mkdocs build --strict``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

import dealerbridge as db
from dealerbridge import mykaarma as mk

ROOT = Path(__file__).resolve().parents[1]
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
RECIPE = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("index", range(len(_BLOCK.findall(RECIPE))))
def test_recipe_block_runs_as_pasted(index, monkeypatch):
    monkeypatch.chdir(ROOT)
    code = _BLOCK.findall(RECIPE)[index]
    exec(compile(code, f"docs/testing.md block {index}", "exec"), {"__name__": "__recipe__"})


def test_the_recipe_shows_measured_figures():
    assert "<!-- strategies-table -->" not in RECIPE
    assert "| `mykaarma/create-order-request` |" in RECIPE


def _errors_section() -> str:
    start = README.index("<!-- --8<-- [start:errors] -->")
    return README[start : README.index("<!-- --8<-- [end:errors] -->")]


@pytest.mark.parametrize("code", sorted({*db.ISSUE_CODES, *mk.PARTNER_ERROR_CODES}))
def test_every_issue_code_is_in_the_documented_table(code):
    assert f"`{code}`" in _errors_section()


def test_the_site_excludes_the_vendor_copies_and_runs_strict():
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    assert config["strict"] is True
    assert "vendor/" in config["exclude_docs"]
    assert "vendor" not in str(config["nav"])
    assert "mkdocs build --strict" in (ROOT / ".ci" / "run").read_text()

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


# Every path a tracked text file cites must be one a reader of the repository can open: nothing
# under the team's machine (/work/...), no ../ that leaves the repository, no research notes kept
# outside it (notes/x.md that is not here, or a bare x.md or page copy name that is not a file
# next to the citing one, at the root, or in notes/, docs/, schemas/ or docs/vendor/).
_TEXT_DIRS = ("src", "notes", "docs", "tests", "tools", "examples", "schemas", "benchmarks")
_TEXT_SUFFIXES = {".py", ".pyi", ".md", ".json", ".txt", ".toml", ".yml", ".yaml", ".cfg"}
# docs/vendor holds vendor pages byte for byte; the two schema-text files and this one quote
# outside paths on purpose, as examples of what is refused.
_CITES_OUTSIDE_ON_PURPOSE = {
    "tests/test_docs.py",
    "tests/test_schema_text.py",
    "tools/lint_schema_text.py",
}
_OUTSIDE = re.compile(r"/work/|\bshared/docs\b|(?<![\w.])(?:\.\./)+[\w.-]+(?:/[\w.-]+)*")
_IN_REPO = re.compile(r"(?<![\w/.-])(?:notes|docs/vendor|schemas)/[\w./-]*\w\.[A-Za-z]{1,5}\b")
_BARE_NAME = re.compile(r"(?<![\w/.-])(?:[\w][\w-]*\.md|(?:mykaarma|shopmonkey)-[\w-]+\.txt)\b")


_VENDOR = [
    ROOT / "docs" / "vendor",
    *(p for p in (ROOT / "docs" / "vendor").iterdir() if p.is_dir()),
]


# What installing and building put beside the sources (ignored by git, not ours to cite):
# tests/ajv/node_modules (./run test installs ajv there), bytecode caches, build output.
_INSTALLED = {"node_modules", "__pycache__", ".venv", "build", "dist", "site"}


def _text_files() -> list[Path]:
    found = [ROOT / "README.md", ROOT / "CHANGELOG.md"]
    for top in _TEXT_DIRS:
        for path in sorted((ROOT / top).rglob("*")):
            rel = path.relative_to(ROOT).as_posix()
            if (
                path.is_file()
                and path.suffix in _TEXT_SUFFIXES
                and not _INSTALLED.intersection(path.parts)
                and not rel.startswith("docs/vendor/")
                and rel not in _CITES_OUTSIDE_ON_PURPOSE
            ):
                found.append(path)
    return found


def cited_paths_outside(path: Path, text: str) -> list[str]:
    """Each path *text* (the content of *path*) cites that a reader of the repository cannot
    open, as ``file:line: path``."""
    where = path.relative_to(ROOT).as_posix()
    near = (path.parent, ROOT, *(ROOT / top for top in ("notes", "docs", "schemas")), *_VENDOR)
    bad = []
    for number, line in enumerate(text.splitlines(), 1):
        for match in _OUTSIDE.finditer(line):
            cited = match.group(0)
            target = (path.parent / cited).resolve()
            if cited.startswith("../") and target.is_relative_to(ROOT) and target.exists():
                continue
            bad.append(f"{where}:{number}: {cited}")
        bad += [
            f"{where}:{number}: {m.group(0)}"
            for m in _IN_REPO.finditer(line)
            if not (ROOT / m.group(0)).exists()
        ]
        bad += [
            f"{where}:{number}: {m.group(0)}"
            for m in _BARE_NAME.finditer(line)
            if not any((folder / m.group(0)).is_file() for folder in near)
        ]
    return bad


def test_no_text_file_cites_a_path_outside_the_repository():
    bad = [
        cited
        for path in _text_files()
        for cited in cited_paths_outside(path, path.read_text(encoding="utf-8"))
    ]
    assert not bad, "cite the public source or the repository's copy instead:\n" + "\n".join(bad)

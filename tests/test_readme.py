"""Every Python block of the README runs as pasted, from the repository root (where the
`examples/` files it reads live). A block that needs a cluster or a live vendor says so on its
first line (``# needs ...``) and is the only kind skipped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def python_blocks(text: str) -> list[tuple[int, str]]:
    """``(line number, code)`` of each fenced Python block."""
    return [(text.count("\n", 0, m.start()) + 1, m.group(1)) for m in _BLOCK.finditer(text)]


BLOCKS = python_blocks(README.read_text(encoding="utf-8"))


def test_the_readme_has_python_blocks_to_run():
    assert len(BLOCKS) >= 8


@pytest.mark.parametrize(("line", "code"), BLOCKS, ids=[f"line-{line}" for line, _ in BLOCKS])
def test_readme_block_runs_as_pasted(line, code, monkeypatch, capsys):
    first = code.lstrip().splitlines()[0] if code.strip() else ""
    if first.startswith("# needs "):
        pytest.skip(first[2:])
    monkeypatch.chdir(ROOT)
    # dont_inherit: the block runs as pasted, without this module's `from __future__` flags.
    compiled = compile(code, f"README.md:{line}", "exec", dont_inherit=True)
    exec(compiled, {"__name__": "__readme__"})  # a fresh namespace: nothing given but builtins
    capsys.readouterr()


def test_only_blocks_that_say_why_are_skipped():
    skipped = [line for line, code in BLOCKS if code.lstrip().startswith("# needs ")]
    for line, code in BLOCKS:
        if line in skipped:
            first = code.lstrip().splitlines()[0]
            assert "cluster" in first or "live vendor" in first, (line, first)

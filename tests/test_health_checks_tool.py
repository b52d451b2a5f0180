"""tools/health_checks.py (issue 22 item 4): it measures the docs' Hypothesis examples, and
tells a failed health check from a pass. The 20-run measurement itself is run by hand (its
figure depends on the machine's load; see docs/testing.md "Health checks, measured")."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

import health_checks


def test_it_finds_every_recipe_block_and_the_readme_testing_examples() -> None:
    labels = [label for label, _ in health_checks.blocks()]
    recipe = [label for label in labels if label.startswith("docs/testing.md:")]
    assert len(recipe) == 5
    readme = [code for label, code in health_checks.blocks() if label.startswith("README.md:")]
    assert any("invalid_payloads(" in code for code in readme)
    assert all("hypothesis" in code or "dealerbridge.testing" in code for code in readme)


def test_a_failed_health_check_is_told_from_a_pass() -> None:
    failing = (
        "from hypothesis import given, strategies as st\n"
        "@given(st.integers().filter(lambda x: False))\n"
        "def t(x):\n    pass\n"
        "t()\n"
    )
    result = health_checks.run_once("filtering", failing)
    assert (result["ok"], result["kind"], result["health"]) == (
        False,
        "FailedHealthCheck",
        "filter_too_much",
    )
    assert health_checks.run_once("passing", "x = 1\n")["ok"] is True

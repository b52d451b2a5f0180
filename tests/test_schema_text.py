"""Schema prose: descriptions explain the field; $comments carry provenance and cite repo files."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import lint_schema_text as lint  # noqa: E402


def test_every_bundled_schema_passes_the_text_lint():
    assert lint.lint(sorted((ROOT / "schemas").glob("*/*/v*.json"))) == []


@pytest.mark.parametrize(
    "text",
    [
        "Page: boolean Required (L665).",
        "Billed hours (L120-124).",
        "Nullable per GO (notes §1.3).",
        "Live responses return labels (QUIRKS 10).",
        "See ../shared/docs/notes/shopmonkey.md.",
        "As the page says (shopmonkey-order-services-api.txt).",
    ],
)
def test_a_description_with_provenance_is_reported(text):
    assert lint.problems(text, "description")


@pytest.mark.parametrize(
    "text",
    [
        "Whether the customer may pay the order online.",
        "Line discount in integer cents (e.g. $150.50 is 15050), or null.",
        "Decision: optional, because live order reads do not carry it.",
        "Response of update (POST .../order/{orderUUID}).",
    ],
)
def test_a_plain_description_passes(text):
    assert lint.problems(text, "description") == []


def test_a_comment_must_cite_files_that_exist_here():
    good = "docs/vendor/shopmonkey-order-services-api.txt L665: boolean, Required."
    assert lint.problems(good, "$comment") == []
    assert (
        lint.problems("notes/decisions-shopmonkey-evidence.md §1.3 (QUIRKS 10).", "$comment") == []
    )
    assert lint.problems("notes/shopmonkey.md §1.3.", "$comment")
    assert lint.problems("../shared/docs/notes/shopmonkey.md §1.3.", "$comment")
    assert lint.problems("shopmonkey-order-services-api.txt L665.", "$comment")


def test_the_command_fails_on_a_broken_schema(tmp_path, capsys):
    broken = tmp_path / "v1.json"
    broken.write_text(
        '{"properties": {"a": {"description": "Page: string Required (L1).",'
        ' "$comment": "notes/missing.md"}}}'
    )
    assert lint.main([str(broken)]) == 1
    out = capsys.readouterr().out
    assert "page line pointer" in out and "notes/missing.md" in out

"""The issue-code catalogue (issue 20 item 4): the core holds its own codes only; the vendor
packages and the mapping register theirs, and `dealerbridge.ISSUE_CODES` is complete after
``import dealerbridge`` alone (the registrations are found by entry point)."""

import subprocess
import sys

import pytest

import dealerbridge as db
from dealerbridge import _codes

from .vendor_support import ROOT

VENDOR_PREFIXES = ("mykaarma", "mapping.", "shopmonkey", "toml.", "number.")


def test_the_core_catalogue_names_no_vendor():
    assert not [c for c in _codes._CORE if c.startswith(VENDOR_PREFIXES)]
    assert not [c for c in _codes._CORE if "vin" in c or "advisor" in c or "customer" in c]


def test_import_dealerbridge_alone_gives_every_code():
    script = (
        "import sys, dealerbridge as db\n"
        "assert 'dealerbridge.mapping' not in sys.modules\n"
        "codes = set(db.ISSUE_CODES)\n"
        "print(sorted(c for c in ('mapping.range', 'mykaarma.phone', 'toml.syntax',"
        " 'vin-or-year-make-model', 'json.size', 'number.range') if c in codes))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == (
        "['json.size', 'mapping.range', 'mykaarma.phone', 'number.range', 'toml.syntax',"
        " 'vin-or-year-make-model']"
    )


def test_every_registered_code_is_in_the_catalogue():
    from dealerbridge.mapping import _registration as mapping_codes
    from dealerbridge.mykaarma import _registration as mykaarma_codes
    from dealerbridge.shopmonkey import _registration as shopmonkey_codes

    for registered in (mapping_codes.CODES, mykaarma_codes.CODES, shopmonkey_codes.CODES):
        assert registered
        assert all(db.ISSUE_CODES[c] == m for c, m in registered.items())


def test_registering_is_idempotent_and_a_code_has_one_owner():
    _codes.register_codes({"json.syntax": db.ISSUE_CODES["json.syntax"]})
    with pytest.raises(db.DealerbridgeUsageError):
        _codes.register_codes({"json.syntax": "something else"})
    for bad in ({"": "x"}, {"x": ""}, {1: "x"}, [("x", "y")]):
        with pytest.raises(db.DealerbridgeUsageError):
            _codes.register_codes(bad)
    assert "x" not in db.ISSUE_CODES


def test_the_catalogue_is_read_only():
    with pytest.raises(TypeError):
        db.ISSUE_CODES["new"] = "x"  # type: ignore[index]


def test_vendor_hints_reach_a_plain_import_dealerbridge():
    # the myKaarma and Shopmonkey hints are registered by their packages, found by entry
    # point the first time a hint is asked for: `import dealerbridge` alone gives them
    script = (
        "import json, sys, dealerbridge as db\n"
        "assert 'dealerbridge.mykaarma' not in sys.modules\n"
        "order = json.load(open('tests/fixtures/shopmonkey/order/"
        "valid-walk-in-no-customer-no-vehicle.json'))\n"
        "(issue,) = db.errors({**order, 'totalCostCents': '12'}, 'shopmonkey/order')\n"
        "print(issue.message.split('(')[-1])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert "cents travel as JSON integers" in done.stdout


def test_the_core_validation_modules_name_no_vendor():
    core = ROOT / "src" / "dealerbridge"
    for name in ("_validation.py", "_engine.py", "_messages.py", "_hints.py"):
        text = (core / name).read_text().lower()
        assert "mykaarma" not in text and "shopmonkey" not in text, name

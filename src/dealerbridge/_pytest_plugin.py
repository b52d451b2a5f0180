"""The pytest plugin of dealerbridge (entry point ``pytest11``): fixtures ``fake_mykaarma`` and
``fake_shopmonkey``, each a fresh `dealerbridge.fakes` fake in strict mode with seed 0.

pytest loads this module in every project where dealerbridge is installed, so it lives
outside `dealerbridge.fakes` and imports nothing optional at import time: a plain install
(without httpx, the ``fakes`` extra) must keep pytest starting.

At teardown a fixture fails the test while ``fake.violations`` is not empty, listing each
violation: a test that means to send a request the vendor would refuse clears the list (or
removes the ones it expected) before it ends. The fakes are imported when a fixture is first
used, so the plugin costs nothing to a project that does not use them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .fakes import FakeMyKaarma, FakeShopmonkey, FakeVendor

__all__ = ["fake_mykaarma", "fake_shopmonkey"]


def _check(fake: FakeVendor, name: str) -> None:
    if fake.violations:
        listed = "\n".join(f"  {v}" for v in fake.violations)
        pytest.fail(
            f"{name} recorded {len(fake.violations)} violation(s) the real vendor would reject "
            f"or silently mangle:\n{listed}",
            pytrace=False,
        )


@pytest.fixture
def fake_mykaarma() -> Iterator[FakeMyKaarma]:
    """A fresh `dealerbridge.fakes.FakeMyKaarma` (strict, seed 0); fails at teardown on
    violations."""
    from .fakes import FakeMyKaarma

    fake = FakeMyKaarma()
    yield fake
    _check(fake, "fake_mykaarma")


@pytest.fixture
def fake_shopmonkey() -> Iterator[FakeShopmonkey]:
    """A fresh `dealerbridge.fakes.FakeShopmonkey` (strict, seed 0); fails at teardown on
    violations."""
    from .fakes import FakeShopmonkey

    fake = FakeShopmonkey()
    yield fake
    _check(fake, "fake_shopmonkey")

"""Test set-up: the bundled registry plus the small test schemas in tests/schemas."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import settings

from dealerbridge import _registry

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"

_registry._default = _registry.SchemaRegistry([_registry.schema_root(), ROOT / "tests" / "schemas"])

# Every health check stays on; a test that must suppress one says why next to it. No deadline:
# timings on a shared 2-core machine vary too much for a per-example limit, and speed is
# measured by the benchmarks, never asserted by a test.
settings.register_profile("default", max_examples=60, deadline=None)
# CI runs on a fresh checkout: no example database to replay or to share between the
# pytest-xdist workers.
settings.register_profile(
    "ci", parent=settings.get_profile("default"), max_examples=100, database=None
)
settings.load_profile("ci" if os.environ.get("CI") else "default")

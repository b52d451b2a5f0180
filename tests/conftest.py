"""Test set-up: the bundled registry plus the small test schemas in tests/schemas."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, settings

from dealerbridge import _registry

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"

_registry._default = _registry.SchemaRegistry([_registry.schema_root(), ROOT / "tests" / "schemas"])

settings.register_profile(
    "default",
    max_examples=60,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
settings.register_profile("ci", parent=settings.get_profile("default"), max_examples=100)
settings.load_profile("ci" if os.environ.get("CI") else "default")

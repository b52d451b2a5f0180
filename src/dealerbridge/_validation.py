"""Validation, the public entry: `validate` and `errors` (``dealerbridge.validate``/``errors``).

Split by concern (issue 20): the compiled schemas and the one decode step are in
`dealerbridge._engine`, the English messages (engine errors translated into `Issue`s) in
`dealerbridge._messages`, the issue-code catalogue in `dealerbridge._codes` and the hints in
`dealerbridge._hints`. The names other modules imported from here before the split
(`compiled`, `CompiledSchema`, `Decoded`, `DRAFT`, `ISSUE_CODES`, `_rs_registry`) stay
importable from this module.
"""

from __future__ import annotations

from ._codes import ISSUE_CODES
from ._engine import DRAFT, CompiledSchema, Decoded, _rs_registry, compiled
from ._errors import Issue, ValidationError

__all__ = [
    "DRAFT",
    "ISSUE_CODES",
    "CompiledSchema",
    "Decoded",
    "_rs_registry",
    "compiled",
    "errors",
    "validate",
]


def errors(instance: object, schema: str, *, version: int | None = None) -> list[Issue]:
    """Every issue of *instance* against the named schema; ``[]`` when valid. Never raises
    for bad data (an unknown schema name is a usage error)."""
    return compiled(schema, version).issues(instance)


def validate(instance: object, schema: str, *, version: int | None = None) -> None:
    """Raise `ValidationError` carrying every issue of *instance* against the named schema."""
    check = compiled(schema, version)
    found = check.issues(instance)
    if found:
        raise ValidationError(found, schema=check.label)

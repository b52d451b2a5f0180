"""Validation, the public entry: `validate` and `errors` (``dealerbridge.validate``/``errors``).

Split by concern (issue 20): the compiled schemas and the one decode step are in
`dealerbridge._engine`, the English messages (engine errors translated into `Issue`s) in
`dealerbridge._messages`, the issue-code catalogue in `dealerbridge._codes` and the hints in
`dealerbridge._hints`. This module holds only the two public functions; import every other
name from the module that defines it.
"""

from __future__ import annotations

from ._engine import compiled
from ._errors import Issue, ValidationError

__all__ = ["errors", "validate"]


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

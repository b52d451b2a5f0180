"""Validation, the public entry: `validate` and `errors` (``dealerbridge.validate``/``errors``).

Split by concern (issue 20): the compiled schemas and the one decode step are in
`dealerbridge._engine`, the English messages (engine errors translated into `Issue`s) in
`dealerbridge._messages`, the issue-code catalogue in `dealerbridge._codes` and the hints in
`dealerbridge._hints`. This module holds only the two public functions; import every other
name from the module that defines it.
"""

from __future__ import annotations

from ._engine import CompiledSchema, _by_request, compiled
from ._errors import Issue, ValidationError

__all__ = ["errors", "validate"]


def _compiled(schema: str, version: int | None) -> CompiledSchema:
    # The newest version of a schema already compiled: one dict lookup (about half the cost of
    # `compiled`'s checks, on a call that costs 0.3x json.loads in all); anything else,
    # misuse included, goes through `compiled`.
    if version is None and type(schema) is str:
        found = _by_request.get((schema, None))
        if found is not None:
            return found
    return compiled(schema, version)


def errors(instance: object, schema: str, *, version: int | None = None) -> list[Issue]:
    """Every issue of *instance* against the named schema; ``[]`` when valid. Never raises
    for bad data (an unknown schema name is a usage error)."""
    check = _compiled(schema, version)
    return [] if check.valid(instance) else check.issues(instance)


def validate(instance: object, schema: str, *, version: int | None = None) -> None:
    """Raise `ValidationError` carrying every issue of *instance* against the named schema."""
    check = _compiled(schema, version)
    if check.valid(instance):
        return
    found = check.issues(instance)
    if found:
        raise ValidationError(found, schema=check.label)

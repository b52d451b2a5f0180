"""The result of a mapping: the value, and the report of what did not carry over one to one."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Generic, Literal, TypeVar

import attrs

from .._errors import Issue, ValidationError

__all__ = ["Mapped", "MappingError", "MappingNote", "NoteKind"]

T = TypeVar("T")

NoteKind = Literal[
    "excluded",
    "dropped",
    "defaulted",
    "residual",
    "rounded",
    "allocated",
    "lossy",
    "total",
    "fee",
    "unexplained",
]


@attrs.frozen
class MappingNote:
    """One thing that did not carry over one to one.

    - ``kind``: ``excluded`` (a whole input item left out on purpose, e.g. a declined service),
      ``dropped`` (an input value with no place in the output), ``defaulted`` (an output value
      taken from the config or a documented fallback), ``residual`` (an amount the line items
      do not explain, booked as its own line or amount), ``rounded`` (a value rounded to fit the
      output), ``allocated`` (an amount spread over several outputs, by largest remainder),
      ``lossy`` (the value carried over, but with less information than it had).
    - ``source``: JSON Pointer into the input (wire names), ``/order/...``, ``/services/N/...``.
    - ``target``: JSON Pointer into the output, or None when nothing was written.
    - ``cents``: the amount involved, in integer cents (signed), or None.
    - ``message``: one sentence for people; values are rendered honouring redaction.
    """

    kind: NoteKind
    source: str
    target: str | None
    cents: int | None
    message: str

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "source": self.source,
            "target": self.target,
            "cents": self.cents,
            "message": self.message,
        }


@attrs.frozen
class Mapped(Generic[T]):
    """A mapped value and its report (notes in input order)."""

    value: T
    report: tuple[MappingNote, ...] = ()


class MappingError(ValidationError):
    """The mapping refused the input. Each issue points into the input and has a ``mapping.*``
    code; ``report`` holds the notes decided before the refusal."""

    report: tuple[MappingNote, ...]

    def __init__(
        self,
        issues: Iterable[Issue],
        *,
        report: Iterable[MappingNote] = (),
        schema: str | None = None,
    ) -> None:
        self.report = tuple(report)
        super().__init__(issues, schema=schema)

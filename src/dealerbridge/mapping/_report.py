"""The result of a mapping: the value, and the report of what did not carry over one to one."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Generic, Literal, TypeVar

import attrs

from .._errors import DealerbridgeUsageError, Issue, ValidationError

__all__ = ["Mapped", "MappingError", "MappingNote", "NoteKind", "ledger_cents"]

T = TypeVar("T")

NoteKind = Literal[
    "excluded",
    "dropped",
    "defaulted",
    "residual",
    "rounded",
    "allocated",
    "lossy",
    "fee",
    "unexplained",
    "total",
]

#: Kinds whose ``cents`` are never part of the ledger sum (`ledger_cents`).
_OUTSIDE_LEDGER: frozenset[str] = frozenset({"total"})


@attrs.frozen
class MappingNote:
    """One thing that did not carry over one to one.

    - ``kind``: ``excluded`` (a whole input item left out on purpose, e.g. a declined service),
      ``dropped`` (an input value with no place in the output), ``defaulted`` (an output value
      taken from the config or a documented fallback), ``residual`` (an amount the line items
      do not explain, booked as its own line or amount), ``rounded`` (a value rounded to fit the
      output), ``allocated`` (a discount or credit spread over several outputs, by largest
      remainder), ``lossy`` (the value carried over, but with less information than it had),
      ``fee`` (an amount the output carries that is not a line of the input, e.g. an added card
      fee), ``unexplained`` (the part of the difference between the two totals that no other
      note explains; only when the config asks to report it rather than refuse), ``total``
      (one per order mapping: the two systems' totals and their difference).
    - ``source``: JSON Pointer into the input (wire names), ``/order/...``, ``/services/N/...``.
    - ``target``: JSON Pointer into the output, or None when nothing was written.
    - ``cents``: the ledger amount, in integer cents, or None for a note that moves no money
      between the two totals. The sign convention: for every successful order mapping,
      ``source total == target total + sum(n.cents for n in report if n.kind != "total" and
      n.cents is not None)`` exactly (`ledger_cents`), and the ``total`` note's ``cents`` is
      ``source total - target total``. So a positive amount is money the source total holds
      and the target total does not (a service Shopmonkey counted that the RO leaves out), a
      negative one money the target adds (a card fee the RO carries that Shopmonkey's total
      does not). An amount moved *inside* the output (a discount spread over the jobs, rows
      fitted to their job) changes neither total: its note has ``cents = None`` and says the
      amount in its message.
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


def ledger_cents(report: Iterable[MappingNote]) -> int:
    """The sum of the ledger amounts of *report*: every note's ``cents`` except the ``total``
    note's and those that are None. For a successful order mapping it equals the ``total``
    note's ``cents`` (source total minus target total), to the cent."""
    try:
        notes = list(report)
    except TypeError:
        raise DealerbridgeUsageError(
            f"ledger_cents needs the report (MappingNotes), got {type(report).__name__}"
        ) from None
    if not all(isinstance(n, MappingNote) for n in notes):
        raise DealerbridgeUsageError("ledger_cents needs a report made of MappingNotes")
    return sum(n.cents for n in notes if n.cents is not None and n.kind not in _OUTSIDE_LEDGER)


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

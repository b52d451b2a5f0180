"""Pieces every mapping shares: exact allocation, job letters, hours, UTC splitting, notes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from operator import itemgetter

import attrs

from .._errors import DealerbridgeUsageError, Issue, ValidationError, describe_value
from .._models import UNSET, M, load
from .._render import hides
from ._config import MappingConfig
from ._report import MappingError, MappingNote, NoteKind

HUNDREDTH = Decimal("0.01")


def allocate(amount: int, weights: Sequence[int]) -> list[int]:
    """Split *amount* (>= 0) over *weights* (>= 0) in proportion, exactly (largest remainder;
    ties go to the earlier weight). Zero total weight puts everything on the first slot."""
    total = sum(weights)
    if not weights:
        return []
    if total == 0:
        return [amount] + [0] * (len(weights) - 1)
    shares = [amount * w // total for w in weights]
    remainders = [amount * w % total for w in weights]
    left = amount - sum(shares)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[:left]:
        shares[i] += 1
    return shares


def reduce_by(values: Sequence[int], credit: int) -> tuple[list[int], int]:
    """Take *credit* off non-negative *values* in proportion (largest remainder); returns the
    new values and the part of the credit they could not absorb. No value goes below zero."""
    available = sum(values)
    taken = min(credit, available)
    shares = allocate(taken, values)
    return [v - s for v, s in zip(values, shares, strict=True)], credit - taken


def fit(values: Sequence[int], target: int) -> list[int]:
    """Non-negative values summing exactly to *target* (>= 0), changed as little as the rule
    allows: negatives become 0, a shortfall goes on the last value, an excess is taken off in
    proportion. *values* must not be empty."""
    out = [max(v, 0) for v in values]
    gap = target - sum(out)
    if gap > 0:
        out[-1] += gap
    elif gap < 0:
        out, _ = reduce_by(out, -gap)
    return out


def job_index(letters: str) -> int:
    """The inverse of `job_letters`: A -> 0, AA -> 26."""
    n = 0
    for char in letters:
        n = n * 26 + ord(char) - ord("A") + 1
    return n - 1


def job_letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA, 27 -> AB, ... (spreadsheet columns)."""
    letters = ""
    n = index + 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def hours_text(value: Decimal) -> str:
    """Hours to two decimals, half up: ``Decimal("1.255")`` -> ``"1.26"``."""
    return str(value.quantize(HUNDREDTH, rounding=ROUND_HALF_UP))


def decimal_text(value: Decimal) -> str:
    """An exact decimal without exponent or trailing zeros: ``2.50`` -> ``"2.5"``."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def utc_parts(text: str) -> tuple[str, str] | None:
    """``2024-03-05T14:22:10.412Z`` -> (``2024-03-05``, ``14:22:10``) in UTC; None if unreadable."""
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        return None
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d"), moment.strftime("%H:%M:%S")


def present(value: object) -> bool:
    return value is not UNSET and value is not None


def blank(value: object) -> bool:
    return not isinstance(value, str) or not value.strip()


def config_or_default(config: object) -> MappingConfig:
    """*config*, or the defaults for ``None``; anything else is a `DealerbridgeUsageError`."""
    if config is None:
        return MappingConfig()
    if not isinstance(config, MappingConfig):
        raise DealerbridgeUsageError(
            f"config must be a mapping.MappingConfig (mapping.load_config reads one) or "
            f"None for the defaults, got {type(config).__name__}"
        )
    return config


def sequence_of(value: object, what: str) -> Sequence[object]:
    """*value* if it is a list or tuple (of models or JSON values) for argument *what*."""
    if not isinstance(value, list | tuple):
        raise DealerbridgeUsageError(f"{what} must be a list, got {type(value).__name__}")
    return value


_RANK_SEQ = itemgetter(0, 1)  # a note's (rank, sequence): the report's order


class Recorder:
    """Collects the report notes (with the input position they belong to) and refusals."""

    def __init__(self, config: MappingConfig | None) -> None:
        self.config = config_or_default(config)
        self.orders = self.config.orders
        self._notes: list[tuple[int, int, MappingNote]] = []
        self.issues: list[Issue] = []
        self.current = 0
        """Input position of the notes being written (0: the order itself)."""

    def note(
        self,
        rank: int,
        kind: NoteKind,
        source: str,
        target: str | None,
        cents: int | None,
        message: str,
    ) -> int:
        """Add a note; returns its handle (for `amend`)."""
        self._notes.append(
            (rank, len(self._notes), MappingNote(kind, source, target, cents, message))
        )
        return len(self._notes) - 1

    def amend(self, handle: int, cents: int | None, message: str) -> None:
        """Replace the cents and message of the note *handle* (a decision taken later, e.g.
        whether the source total counts an excluded item)."""
        rank, seq, note = self._notes[handle]
        self._notes[handle] = (rank, seq, attrs.evolve(note, cents=cents, message=message))

    def refuse(self, path: str, code: str, message: str, value: object = None) -> None:
        if any(i.path == path and i.code == code for i in self.issues):
            return  # one issue per place and rule (a bad amount is not also a bad sum)
        self.issues.append(Issue(path=path, code=code, message=message, value=value))

    @property
    def report(self) -> tuple[MappingNote, ...]:
        return tuple(note for _, _, note in sorted(self._notes, key=_RANK_SEQ))

    def raise_if_refused(self) -> None:
        if self.issues:
            raise MappingError(self.issues, report=self.report)


def figure(value: object) -> str:
    """A number a note or refusal states (cents, an amount, hours, a mileage, a decimal text)
    as written, or ``<redacted number>`` when every value is hidden (redaction level
    ``"all"``). Not personal: shown under the default level."""
    return "<redacted number>" if hides() else str(value)


def config_key(table: str, key: object) -> str:
    """A config key made from an input value (``orders.statuses.Invoice``), with the value
    hidden as the level in force says (the key would otherwise repeat it)."""
    if hides():
        return f"{table}[<redacted string>]"
    return f"{table}.{key}"


def show(value: object, *, personal: bool = False) -> str:
    """*value* for a note or refusal (`render_value`): ``personal=True`` for names, phones,
    e-mails, addresses, plates, VINs and free text, hidden under the default level."""
    return describe_value(value, personal=personal)


def load_at(cls: type[M], value: object, prefix: str) -> M:
    """*value* as a *cls* model: models pass through, JSON values are loaded (issues re-rooted
    under *prefix*)."""
    if isinstance(value, cls):
        return value
    try:
        return load(cls, value)
    except MappingError:
        raise
    except ValidationError as exc:
        raise ValidationError(
            [attrs.evolve(i, path=prefix + i.path) for i in exc.issues],
            schema=exc.schema,
        ) from None

"""The per-partition functions and the report: plain Python, no Dask (any engine can call them).

`Unit` and `run_unit` are the one runner: ``dealerbridge validate`` (in one process or in
``--jobs`` processes) and `validate_files` (on Dask workers) cut their input into units and
run each here, and every result is a `LineResult` object (line numbers are ints, never text).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

import attrs

from .._engine import compiled
from .._errors import DealerbridgeUsageError, Issue, ValidationError
from .._json import parse_json
from .._registry import default_registry
from .._render import REDACTED_NAME, escape_segment, redaction, unescape_segment
from .._types import JSON

__all__ = [
    "SAMPLES_PER_CODE",
    "BatchReport",
    "LineResult",
    "Sample",
    "Unit",
    "generic_path",
    "run_unit",
    "split_lines",
    "validate_document",
    "validate_lines",
    "validate_value",
]

#: How many redacted failures `BatchReport.samples` keeps for each issue code.
SAMPLES_PER_CODE = 3

_INDEX = re.compile(r"/(?:0|[1-9][0-9]*)(?=/|\Z)")


def generic_path(pointer: str) -> str:
    """*pointer* with every array index written ``*`` (``/services/3/sku`` -> ``/services/*/sku``).

    A segment made only of digits is taken for an index (a member named ``"3"`` reads the same)."""
    if not isinstance(pointer, str):
        raise DealerbridgeUsageError(f"expected a JSON Pointer (str), got {type(pointer).__name__}")
    return _INDEX.sub("/*", pointer)


@attrs.frozen
class LineResult:
    """One payload's verdict. Where it came from: ``file`` (a path, URL, ``<stdin>``...), and
    ``line`` (the NDJSON line number, from 1) or ``index`` (the element of a top-level array,
    ``--each``), or neither for a whole JSON document. `source` writes it as one string."""

    file: str
    schema: str
    issues: tuple[Issue, ...]
    line: int | None = attrs.field(default=None, kw_only=True)
    index: int | None = attrs.field(default=None, kw_only=True)

    @property
    def valid(self) -> bool:
        return not self.issues

    @property
    def source(self) -> str:
        """``file:line`` for NDJSON, ``file#/index`` for an array element, else ``file``."""
        return _source(self.file, self.line, self.index)

    def to_dict(self) -> dict[str, JSON]:
        """``{"source", "schema", "valid", "issues"}`` (issues as `Issue.to_dict`)."""
        return {
            "source": self.source,
            "schema": self.schema,
            "valid": self.valid,
            "issues": [issue.to_dict() for issue in self.issues],
        }


def _source(file: str, line: int | None, index: int | None) -> str:
    if line is not None:
        return f"{file}:{line}"
    if index is not None:
        return f"{file}#/{index}"
    return file


@attrs.frozen
class Sample:
    """One redacted failure kept by `BatchReport.samples`: where (as `LineResult`) and the
    first issue of its code."""

    file: str
    issue: Issue
    line: int | None = attrs.field(default=None, kw_only=True)
    index: int | None = attrs.field(default=None, kw_only=True)

    @property
    def source(self) -> str:
        return _source(self.file, self.line, self.index)

    def to_dict(self) -> dict[str, JSON]:
        """``{"source", "issue"}``: the issue as `Issue.to_dict` at level ``"all"``, whatever
        the setting (no value; a message written at a lower level is not shown; member names
        no schema defines hidden in the path)."""
        issue = self.issue
        if issue.written_under != "all":  # names no schema defines may show in its path
            issue = attrs.evolve(issue, path=_names_hidden(issue))
        with redaction("all"):
            return {"source": self.source, "issue": issue.to_dict()}


def _issues_of(raw: str | bytes | object, schema: str, version: int | None) -> tuple[Issue, ...]:
    try:
        instance = parse_json(raw) if isinstance(raw, (str, bytes)) else raw
    except ValidationError as exc:
        return exc.issues
    return tuple(compiled(schema, version).issues(instance))


def split_lines(data: bytes) -> list[bytes]:
    """The NDJSON lines of *data*: split at ``\\n`` only (a CR, like every other JSON
    whitespace, belongs to its line and may end it; it never splits one), with nothing
    counted after a final newline. Files, standard input and Dask blocks all split here."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise DealerbridgeUsageError(f"split_lines needs bytes, got {type(data).__name__}")
    lines = bytes(data).split(b"\n")
    if lines and not lines[-1]:
        lines.pop()
    return lines


def validate_lines(
    lines: Iterable[str | bytes],
    schema: str,
    *,
    version: int | None = None,
    source: str = "<lines>",
    first_line: int = 1,
) -> Iterator[LineResult]:
    """Validate NDJSON *lines* (one payload per line) against the named schema.

    Blank lines are skipped but counted, so ``line`` is the line's number in *source*
    (`LineResult.source` reads ``<source>:<line>``). The compiled schema is built once per
    process (`dealerbridge._engine.compiled`). An unknown schema raises
    `DealerbridgeUsageError` before any line is read, and so does a line that is neither
    ``str`` nor ``bytes`` (when it is reached)."""
    compiled(schema, version)
    if not isinstance(first_line, int) or isinstance(first_line, bool):
        raise DealerbridgeUsageError(f"first_line must be an int, got {type(first_line).__name__}")
    try:
        numbered = enumerate(lines, first_line)
    except TypeError:
        raise DealerbridgeUsageError(
            f"validate_lines needs an iterable of str or bytes lines, got {type(lines).__name__}"
        ) from None
    for number, line in numbered:
        if not isinstance(line, str | bytes):
            raise DealerbridgeUsageError(
                f"line {number} is {type(line).__name__}, not str or bytes (one NDJSON line)"
            )
        if not line.strip():
            continue
        yield LineResult(source, schema, _issues_of(line, schema, version), line=number)


def validate_document(
    raw: bytes | str, schema: str, *, version: int | None = None, source: str, each: bool = False
) -> list[LineResult]:
    """Validate one JSON document (its text); with *each*, every element of its top-level
    array instead (``index``; a document that is not an array is then one invalid payload)."""
    compiled(schema, version)
    if not each:
        return [LineResult(source, schema, _issues_of(raw, schema, version))]
    try:
        document = parse_json(raw)
    except ValidationError as exc:
        return [LineResult(source, schema, exc.issues)]
    return validate_value(document, schema, version=version, source=source, each=True)


def validate_value(
    document: object,
    schema: str,
    *,
    version: int | None = None,
    source: str,
    each: bool = False,
) -> list[LineResult]:
    """`validate_document` for a document already parsed (never parsed again)."""
    checker = compiled(schema, version)
    if not each:
        return [LineResult(source, schema, tuple(checker.issues(document)))]
    if not isinstance(document, list):
        issue = Issue(
            "",
            "type",
            "with --each the document must be a JSON array of payloads",
            value=document,
        )
        return [LineResult(source, schema, (issue,))]
    # Each element is a value: a string in the array is a string, never JSON text to parse.
    return [
        LineResult(source, schema, tuple(checker.issues(item)), index=index)
        for index, item in enumerate(document)
    ]


_NOT_PARSED: Any = object()


@attrs.frozen
class Unit:
    """One piece of work for `run_unit`: NDJSON ``lines`` (numbered from ``first_line``), or
    one JSON ``document`` as text, or one ``value`` already parsed (with ``each``: every
    element of its top-level array). Units pickle, so they go to ``--jobs`` processes."""

    file: str
    lines: tuple[bytes, ...] | None = None
    first_line: int = 1
    document: bytes | None = None
    value: object = _NOT_PARSED
    each: bool = False

    @property
    def size(self) -> int:
        """Bytes of input in this unit (for progress), 0 for a parsed value."""
        if self.lines is not None:
            return sum(len(line) + 1 for line in self.lines)
        return len(self.document) if self.document is not None else 0


def run_unit(unit: Unit, schema: str, version: int | None = None) -> list[LineResult]:
    """Every `LineResult` of *unit*, in input order."""
    if not isinstance(unit, Unit):
        raise DealerbridgeUsageError(f"run_unit needs a batch.Unit, got {type(unit).__name__}")
    if unit.lines is not None:
        return list(
            validate_lines(
                unit.lines, schema, version=version, source=unit.file, first_line=unit.first_line
            )
        )
    if unit.document is not None:
        return validate_document(
            unit.document, schema, version=version, source=unit.file, each=unit.each
        )
    return validate_value(unit.value, schema, version=version, source=unit.file, each=unit.each)


@attrs.define
class BatchReport:
    """What a batch found: counts of payloads and of issues by code and by generic path.

    ``samples`` keeps the first `SAMPLES_PER_CODE` failures for each code as `Sample`s, always
    redacted (``to_dict()`` writes each as ``{"source": ..., "issue": {...}}``, with no values)."""

    schema: str
    total: int = 0
    valid: int = 0
    invalid: int = 0
    by_code: Counter[str] = attrs.field(factory=Counter)
    by_path: Counter[str] = attrs.field(factory=Counter)
    samples: dict[str, list[Sample]] = attrs.field(factory=dict)

    @property
    def issues(self) -> int:
        return sum(self.by_code.values())

    def add(self, result: LineResult, raw: object = None, *, version: int | None = None) -> None:
        """Count one result. *raw* (the payload) lets a sample be re-validated under
        redaction, so its message holds no value."""
        self.total += 1
        if result.valid:
            self.valid += 1
            return
        self.invalid += 1
        codes = Counter(issue.code for issue in result.issues)
        self.by_code.update(codes)
        self.by_path.update(generic_path(issue.path) for issue in result.issues)
        wanted = [c for c in codes if len(self.samples.get(c, ())) < SAMPLES_PER_CODE]
        if not wanted:
            return
        with redaction("all"):
            issues = result.issues
            if raw is not None:
                issues = _issues_of(raw, self.schema, version)
            for code in wanted:
                found = next((i for i in issues if i.code == code), None)
                if found is not None:
                    sample = Sample(result.file, found, line=result.line, index=result.index)
                    self.samples.setdefault(code, []).append(sample)

    def merge(self, other: BatchReport) -> None:
        """Add *other*'s counts (and samples, up to the limit per code) to this report."""
        self.total += other.total
        self.valid += other.valid
        self.invalid += other.invalid
        self.by_code.update(other.by_code)
        self.by_path.update(other.by_path)
        for code, entries in other.samples.items():
            mine = self.samples.setdefault(code, [])
            mine.extend(entries[: max(0, SAMPLES_PER_CODE - len(mine))])

    def moved(self, lines: int) -> BatchReport:
        """This report with its samples' NDJSON line numbers moved by *lines*: the report of
        one block of a file, placed after the *lines* lines that come before the block."""
        samples = {
            code: [s if s.line is None else attrs.evolve(s, line=s.line + lines) for s in entries]
            for code, entries in self.samples.items()
        }
        return attrs.evolve(self, samples=samples)

    def to_dict(self, *, samples: bool = True) -> dict[str, JSON]:
        """A JSON-serialisable dict; codes and paths sorted by count, then name."""
        out: dict[str, JSON] = {
            "schema": self.schema,
            "total": self.total,
            "valid": self.valid,
            "invalid": self.invalid,
            "issues": self.issues,
            "by_code": {code: n for code, n in _ordered(self.by_code).items()},
            "by_path": {path: n for path, n in _ordered(self.by_path).items()},
        }
        if samples:
            out["samples"] = {
                code: [sample.to_dict() for sample in self.samples[code]]
                for code in sorted(self.samples)
            }
        return out

    def summary_text(self) -> str:
        """One line for people: ``3 payloads: 2 valid, 1 invalid; 2 issues (1 required, ...)``."""
        text = (
            f"{plural(self.total, 'payload')}: {self.valid} valid, {self.invalid} invalid; "
            f"{plural(self.issues, 'issue')}"
        )
        if self.by_code:
            text += " (" + ", ".join(f"{n} {c}" for c, n in _ordered(self.by_code).items()) + ")"
        return text


def _names_hidden(issue: Issue) -> str:
    """*issue*'s path with every segment that is neither an array index nor a member name some
    bundled schema defines replaced by `REDACTED_NAME` (the payload is not at hand to tell
    objects from arrays, so a name made of digits stays; the member an
    ``additionalProperties`` issue reports is hidden even when another schema defines it)."""
    defined = default_registry().member_names()
    segments = [unescape_segment(part) for part in issue.path.split("/")[1:]]
    out = []
    for position, segment in enumerate(segments):
        last = position == len(segments) - 1
        unknown = last and issue.code == "additionalProperties"
        if unknown or not (segment.isdigit() or segment in defined):
            out.append(REDACTED_NAME)
        else:
            out.append(escape_segment(segment))
    return "".join("/" + part for part in out)


def _ordered(counts: Counter[str]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def plural(count: int, word: str) -> str:
    """``1 issue``, ``2 issues``, ``0 payloads``."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def check_schema(schema: str, version: int | None) -> None:
    """Raise `DealerbridgeUsageError` (an `UnknownSchemaError`) for an unknown name/version."""
    compiled(schema, version)

"""The per-partition functions and the report: plain Python, no Dask (any engine can call them)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

import attrs

from .._errors import Issue, ValidationError
from .._json import parse_json
from .._registry import default_registry
from .._render import REDACTED_NAME, escape_segment, redaction, unescape_segment
from .._validation import compiled

__all__ = [
    "SAMPLES_PER_CODE",
    "BatchReport",
    "LineResult",
    "generic_path",
    "validate_document",
    "validate_lines",
]

#: How many redacted failures `BatchReport.samples` keeps for each issue code.
SAMPLES_PER_CODE = 3

_INDEX = re.compile(r"/(?:0|[1-9][0-9]*)(?=/|\Z)")


def generic_path(pointer: str) -> str:
    """*pointer* with every array index written ``*`` (``/services/3/sku`` -> ``/services/*/sku``).

    A segment made only of digits is taken for an index (a member named ``"3"`` reads the same)."""
    return _INDEX.sub("/*", pointer)


@attrs.frozen
class LineResult:
    """One payload's verdict: ``source`` is ``file:line`` for NDJSON, ``file`` for a JSON file,
    ``file#/index`` for an element of a top-level array (``--each``)."""

    source: str
    schema: str
    issues: tuple[Issue, ...]

    @property
    def valid(self) -> bool:
        return not self.issues

    def to_dict(self) -> dict[str, Any]:
        """``{"source", "schema", "valid", "issues"}`` (issues as `Issue.to_dict`)."""
        return {
            "source": self.source,
            "schema": self.schema,
            "valid": self.valid,
            "issues": [issue.to_dict() for issue in self.issues],
        }


def _issues_of(raw: str | bytes | object, schema: str, version: int | None) -> tuple[Issue, ...]:
    try:
        instance = parse_json(raw) if isinstance(raw, (str, bytes)) else raw
    except ValidationError as exc:
        return exc.issues
    return tuple(compiled(schema, version).issues(instance))


def validate_lines(
    lines: Iterable[str | bytes],
    schema: str,
    *,
    version: int | None = None,
    source: str = "<lines>",
    first_line: int = 1,
) -> Iterator[LineResult]:
    """Validate NDJSON *lines* (one payload per line) against the named schema.

    Blank lines are skipped but counted, so ``source`` reads ``<source>:<line number>``. The
    compiled schema is built once per process (`dealerbridge._validation.compiled`). An unknown
    schema raises `DealerbridgeUsageError` before any line is read."""
    compiled(schema, version)
    label = schema
    for number, line in enumerate(lines, first_line):
        if not line.strip():
            continue
        yield LineResult(f"{source}:{number}", label, _issues_of(line, schema, version))


def validate_document(
    raw: bytes, schema: str, *, version: int | None = None, source: str, each: bool = False
) -> list[LineResult]:
    """Validate one JSON document; with *each*, every element of its top-level array instead
    (``source#/index``; a document that is not an array is then one invalid payload)."""
    compiled(schema, version)
    label = schema
    if not each:
        return [LineResult(source, label, _issues_of(raw, schema, version))]
    try:
        document = parse_json(raw)
    except ValidationError as exc:
        return [LineResult(source, label, exc.issues)]
    if not isinstance(document, list):
        issue = Issue(
            "",
            "type",
            "with --each the document must be a JSON array of payloads",
            value=document,
        )
        return [LineResult(source, label, (issue,))]
    return [
        LineResult(f"{source}#/{index}", label, _issues_of(item, schema, version))
        for index, item in enumerate(document)
    ]


@attrs.define
class BatchReport:
    """What a batch found: counts of payloads and of issues by code and by generic path.

    ``samples`` keeps the first `SAMPLES_PER_CODE` failures for each code, always redacted
    (``{"source": ..., "issue": {...}}`` with no values)."""

    schema: str
    total: int = 0
    valid: int = 0
    invalid: int = 0
    by_code: Counter[str] = attrs.field(factory=Counter)
    by_path: Counter[str] = attrs.field(factory=Counter)
    samples: dict[str, list[dict[str, Any]]] = attrs.field(factory=dict)

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
                    if found.written_under != "all":  # not re-validated: names may show
                        found = attrs.evolve(found, path=_names_hidden(found))
                    entry = {"source": result.source, "issue": found.to_dict()}
                    self.samples.setdefault(code, []).append(entry)

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

    def to_dict(self, *, samples: bool = True) -> dict[str, Any]:
        """A JSON-serialisable dict; codes and paths sorted by count, then name."""
        out: dict[str, Any] = {
            "schema": self.schema,
            "total": self.total,
            "valid": self.valid,
            "invalid": self.invalid,
            "issues": self.issues,
            "by_code": _ordered(self.by_code),
            "by_path": _ordered(self.by_path),
        }
        if samples:
            out["samples"] = {code: self.samples[code] for code in sorted(self.samples)}
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

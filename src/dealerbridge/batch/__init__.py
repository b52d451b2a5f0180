"""Batch validation of NDJSON and JSON archives, on one machine or on a Dask cluster.

- `validate_lines(lines, schema)`: the plain per-partition function (no Dask), usable from any
  engine (Dask bags, PySpark ``mapPartitions``, a loop).
- `validate_files(paths_or_urls, schema, client=..., failures_to=...)`: reads files through
  fsspec (local paths, and ``s3://``, ``gs://`` ... when the filesystem package is installed),
  validates each block on a Dask worker (the schema compiled once per worker process) and
  returns a `BatchReport`. Needs the ``dask`` extra: ``pip install 'dealerbridge[dask]'``.

Files ending ``.ndjson`` or ``.jsonl`` are one payload per line (``file:line``); any other file
is one JSON document (``file``; with ``each=True`` every element of its top-level array,
``file#/index``). Directories are searched recursively for ``*.json``, ``*.ndjson``, ``*.jsonl``.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from .._errors import DealerbridgeUsageError
from .._render import RedactionLevel, as_level, redaction
from ._lines import (
    SAMPLES_PER_CODE,
    BatchReport,
    LineResult,
    check_schema,
    generic_path,
    plural,
    validate_document,
    validate_lines,
)

__all__ = [
    "SAMPLES_PER_CODE",
    "BatchReport",
    "LineResult",
    "generic_path",
    "validate_files",
    "validate_lines",
]


class Writer(Protocol):
    """Where `validate_files` writes failures: anything with ``write(str)``."""

    def write(self, text: str, /) -> object: ...


#: Bytes per NDJSON block handed to one task (blocks end on a line boundary).
BLOCK_SIZE = 8 * 1024 * 1024
_LINE_SUFFIXES = (".ndjson", ".jsonl")
_SUFFIXES = (".json", *_LINE_SUFFIXES)


def is_lines(path: str) -> bool:
    """Whether *path* names an NDJSON file (``.ndjson`` / ``.jsonl``)."""
    return path.lower().endswith(_LINE_SUFFIXES)


def _need_dask() -> Any:
    try:
        import dask  # noqa: F401
        import distributed
        import fsspec  # noqa: F401
    except ImportError as exc:  # pragma: no cover - exercised without the extra
        raise DealerbridgeUsageError(
            f"dealerbridge.batch.validate_files needs the dask extra ({exc.name} is missing): "
            "pip install 'dealerbridge[dask]'"
        ) from None
    return distributed


def expand(paths_or_urls: Sequence[str] | str) -> list[tuple[str, int]]:
    """``(url, size)`` of every file named: directories searched recursively for ``*.json``,
    ``*.ndjson``, ``*.jsonl``; globs expanded. A path that matches nothing is a usage error."""
    import fsspec

    if isinstance(paths_or_urls, str):
        paths_or_urls = [paths_or_urls]
    found: list[tuple[str, int]] = []
    for given in paths_or_urls:
        fs, _, roots = fsspec.get_fs_token_paths(str(given))
        if not roots:
            raise DealerbridgeUsageError(f"no file matches {given}")
        for root in roots:
            if not fs.exists(root):
                raise DealerbridgeUsageError(f"no such file or directory: {given}")
            if fs.isdir(root):
                names = sorted(
                    name
                    for name in fs.find(root)
                    if name.lower().endswith(_SUFFIXES) and not fs.isdir(name)
                )
            else:
                names = [root]
            for name in names:
                url = fs.unstrip_protocol(name) if "://" in str(given) else name
                found.append((url, int(fs.size(name))))
    return found


def _blocks(files: list[tuple[str, int]], block_size: int) -> list[tuple[str, int, int]]:
    out: list[tuple[str, int, int]] = []
    for url, size in files:
        if not is_lines(url) or size <= block_size:
            out.append((url, 0, -1))
            continue
        out.extend((url, start, block_size) for start in range(0, size, block_size))
    return out


def _read_block(url: str, start: int, length: int) -> bytes:
    import fsspec
    from fsspec.utils import read_block

    with fsspec.open(url, "rb") as handle:
        if length < 0:
            data: bytes = handle.read()
            return data
        return bytes(read_block(handle, start, length, delimiter=b"\n"))


def _block_task(
    url: str,
    start: int,
    length: int,
    schema: str,
    version: int | None,
    each: bool,
    redact: RedactionLevel | None,
    keep_failures: bool,
) -> tuple[str, int, int, BatchReport, list[tuple[int, dict[str, Any]]]]:
    """Validate one block; line numbers are local to the block (the client adds offsets)."""
    data = _read_block(url, start, length)
    report = BatchReport(schema)
    failures: list[tuple[int, dict[str, Any]]] = []
    with redaction(redact) if redact is not None else contextlib.nullcontext():
        if is_lines(url):
            lines = data.split(b"\n")
            if lines and lines[-1] == b"":
                lines.pop()
            for result in validate_lines(lines, schema, version=version, source="", first_line=1):
                number = int(result.source[1:])
                report.add(result, lines[number - 1], version=version)
                if keep_failures and not result.valid:
                    failures.append((number, result.to_dict()))
            count = len(lines)
        else:
            for result in validate_document(data, schema, version=version, source=url, each=each):
                report.add(result, None if each else data, version=version)
                if keep_failures and not result.valid:
                    failures.append((0, result.to_dict()))
            count = 0
    return url, start, count, report, failures


def validate_files(
    paths_or_urls: Sequence[str] | str,
    schema: str,
    *,
    client: Any = None,
    failures_to: str | Path | Writer | None = None,
    version: int | None = None,
    each: bool = False,
    redact: RedactionLevel | bool | None = None,
    block_size: int = BLOCK_SIZE,
) -> BatchReport:
    """Validate every payload in the files named, on Dask, and return the `BatchReport`.

    *client*: a ``distributed.Client``; ``None`` uses the current client if there is one, else
    starts a local cluster of worker processes (closed afterwards). *failures_to*: a path or
    text stream that receives every failure as NDJSON (`LineResult.to_dict`, ``source`` as
    ``file:line``), in file and line order. *redact*: the redaction level for the workers'
    messages (``"pii"``, ``"all"``, ``"off"``, or ``True``/``False`` for all/off); ``None``
    is the level in force here (a ``with dealerbridge.redaction(...)`` block, else
    ``DEALERBRIDGE_REDACT``), so the workers' environment never decides. Samples in the report
    are always written at level ``"all"``."""
    distributed = _need_dask()
    level = as_level(redact)  # resolved here: the workers' own setting must not decide
    check_schema(schema, version)
    files = expand(paths_or_urls)
    own_cluster = None
    if client is None:
        try:
            client = distributed.get_client()
        except ValueError:
            own_cluster = distributed.LocalCluster(
                processes=True, threads_per_worker=1, dashboard_address=None
            )
            client = distributed.Client(own_cluster)
    try:
        return _run(client, files, schema, version, each, level, failures_to, block_size)
    finally:
        if own_cluster is not None:
            client.close()
            own_cluster.close()


def _run(
    client: Any,
    files: list[tuple[str, int]],
    schema: str,
    version: int | None,
    each: bool,
    redact: RedactionLevel | None,
    failures_to: str | Path | Writer | None,
    block_size: int,
) -> BatchReport:
    blocks = _blocks(files, block_size)
    keep = failures_to is not None
    futures = [
        client.submit(
            _block_task, url, start, length, schema, version, each, redact, keep, pure=False
        )
        for url, start, length in blocks
    ]
    report = BatchReport(schema)
    with contextlib.ExitStack() as stack:
        sink: Writer | None = None
        if isinstance(failures_to, (str, Path)):
            sink = stack.enter_context(open(failures_to, "w", encoding="utf-8"))
        elif failures_to is not None:
            sink = failures_to
        offset: dict[str, int] = {}
        # Results are taken in block order, so line offsets add up and failures come out sorted.
        for future in futures:
            url, _, count, part, failures = future.result()
            base = offset.get(url, 0)
            offset[url] = base + count
            for entries in part.samples.values():
                for entry in entries:
                    if entry["source"].startswith(":"):
                        entry["source"] = f"{url}:{base + int(entry['source'][1:])}"
            report.merge(part)
            if sink is not None:
                for number, entry in failures:
                    if number:
                        entry["source"] = f"{url}:{base + number}"
                    sink.write(json.dumps(entry, ensure_ascii=False) + "\n")
            future.release()
    return report


__all__ += ["expand", "is_lines", "plural"]

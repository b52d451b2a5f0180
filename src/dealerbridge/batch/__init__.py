"""Batch validation of NDJSON and JSON archives, on one machine or on a Dask cluster.

- `validate_lines(lines, schema)`: the plain per-partition function (no Dask), usable from any
  engine (Dask bags, PySpark ``mapPartitions``, a loop).
- `validate_files(paths_or_urls, schema, client=..., failures_to=...)`: reads files through
  fsspec (local paths, and ``s3://``, ``gs://`` ... when the filesystem package is installed),
  validates each block on a Dask worker (the schema compiled once per worker process) and
  returns a `BatchReport`. Needs the ``dask`` extra: ``pip install 'dealerbridge[dask]'``.

Files ending ``.ndjson`` or ``.jsonl`` are one payload per line (``file:line``; lines end at
``\\n`` only); any other file is one JSON document (``file``; with ``each=True`` every element
of its top-level array, ``file#/index``). Directories are searched recursively for ``*.json``,
``*.ndjson``, ``*.jsonl``. Only regular files are read: a FIFO, socket or device named is a
`DealerbridgeUsageError` (reading one would block or never end).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import attrs

if TYPE_CHECKING:  # only for the annotation: distributed is the optional dask extra
    from distributed import Client

from .._errors import DealerbridgeUsageError
from .._render import RedactionLevel, as_level, redaction
from ._lines import (
    SAMPLES_PER_CODE,
    BatchReport,
    LineResult,
    Sample,
    Unit,
    check_schema,
    generic_path,
    run_unit,
    split_lines,
    validate_document,
    validate_lines,
    validate_value,
)

__all__ = [
    "SAMPLES_PER_CODE",
    "BatchReport",
    "LineResult",
    "Sample",
    "Unit",
    "Writer",
    "generic_path",
    "run_unit",
    "split_lines",
    "validate_document",
    "validate_files",
    "validate_lines",
    "validate_value",
]


class Writer(Protocol):
    """Where `validate_files` writes failures: anything with ``write(str)``."""

    def write(self, text: str, /) -> object: ...


#: Bytes per NDJSON block handed to one task (blocks end on a line boundary).
BLOCK_SIZE = 8 * 1024 * 1024
_LINE_SUFFIXES = (".ndjson", ".jsonl")
_SUFFIXES = (".json", *_LINE_SUFFIXES)


def _is_lines(path: str) -> bool:
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


def _expand(paths_or_urls: Sequence[str] | str) -> list[tuple[str, int]]:
    """``(url, size)`` of every file named: directories searched recursively for ``*.json``,
    ``*.ndjson``, ``*.jsonl``; globs expanded. A path that matches nothing, or that names a
    FIFO, socket or device rather than a regular file, is a usage error."""
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
                    if name.lower().endswith(_SUFFIXES) and _regular(fs, name)
                )
            elif _regular(fs, root):
                names = [root]
            else:
                raise DealerbridgeUsageError(
                    f"{given}: not a regular file (a FIFO, socket or device); "
                    "write it to a file first"
                )
            for name in names:
                url = fs.unstrip_protocol(name) if "://" in str(given) else name
                found.append((url, int(fs.size(name))))
    return found


def _regular(fs: Any, name: str) -> bool:
    """Whether *name* is a regular file: fsspec's local filesystem says ``"other"`` for a FIFO,
    socket or device (which would block a worker or never end); object stores only hold files."""
    return bool(fs.info(name).get("type") == "file")


def _blocks(files: list[tuple[str, int]], block_size: int) -> list[tuple[str, int, int]]:
    out: list[tuple[str, int, int]] = []
    for url, size in files:
        if not _is_lines(url) or size <= block_size:
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
) -> tuple[str, int, BatchReport, list[LineResult]]:
    """Validate one block with `run_unit`; line numbers count from the block's first line
    (the client moves them by the lines of the blocks before)."""
    data = _read_block(url, start, length)
    report = BatchReport(schema)
    lines: list[bytes] = []
    with redaction(redact) if redact is not None else contextlib.nullcontext():
        if _is_lines(url):
            lines = split_lines(data)
            unit = Unit(url, lines=tuple(lines))
            count = len(lines)
        else:
            unit = Unit(url, document=data, each=each)
            count = 0
        results = run_unit(unit, schema, version)
        for result in results:
            if result.line is not None:
                raw: object = lines[result.line - 1]
            else:
                raw = None if each else data
            report.add(result, raw, version=version)
    failures = [result for result in results if keep_failures and not result.valid]
    return url, count, report, failures


def validate_files(
    paths_or_urls: Sequence[str] | str,
    schema: str,
    *,
    client: Client | None = None,
    failures_to: str | Path | Writer | None = None,
    on_failure: Callable[[LineResult], object] | None = None,
    version: int | None = None,
    each: bool = False,
    redact: RedactionLevel | bool | None = None,
    block_size: int = BLOCK_SIZE,
) -> BatchReport:
    """Validate every payload in the files named, on Dask, and return the `BatchReport`.

    *client*: a ``distributed.Client``; ``None`` uses the current client if there is one, else
    starts a local cluster of worker processes (closed afterwards). *failures_to*: a path or
    text stream that receives every failure as NDJSON (`LineResult.to_dict`, ``source`` as
    ``file:line``), in file and line order; *on_failure* is called with each failure's
    `LineResult` in the same order (both may be given). *redact*: the redaction level for the
    workers' messages (``"pii"``, ``"all"``, ``"off"``, or ``True``/``False`` for all/off);
    ``None`` is the level in force here (a ``with dealerbridge.redaction(...)`` block, else
    ``DEALERBRIDGE_REDACT``), so the workers' environment never decides. Samples in the report
    are always written at level ``"all"``."""
    distributed = _need_dask()
    level = as_level(redact)  # resolved here: the workers' own setting must not decide
    check_schema(schema, version)
    files = _expand(paths_or_urls)
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
        return _run(
            client, files, schema, version, each, level, failures_to, on_failure, block_size
        )
    finally:
        if own_cluster is not None:
            client.close()
            own_cluster.close()


def _run(
    client: Client,
    files: list[tuple[str, int]],
    schema: str,
    version: int | None,
    each: bool,
    redact: RedactionLevel | None,
    failures_to: str | Path | Writer | None,
    on_failure: Callable[[LineResult], object] | None,
    block_size: int,
) -> BatchReport:
    blocks = _blocks(files, block_size)
    keep = failures_to is not None or on_failure is not None
    futures = [
        client.submit(
            _block_task, url, start, length, schema, version, each, redact, keep, pure=False
        )
        for url, start, length in blocks
    ]
    report = BatchReport(schema)
    with contextlib.ExitStack() as stack:
        if redact is not None:  # the failures are written here, as the workers would
            stack.enter_context(redaction(redact))
        sink: Writer | None = None
        if isinstance(failures_to, (str, Path)):
            sink = stack.enter_context(open(failures_to, "w", encoding="utf-8"))
        elif failures_to is not None:
            sink = failures_to
        offset: dict[str, int] = {}
        # Results are taken in block order, so line offsets add up and failures come out sorted.
        for future in futures:
            url, count, part, failures = future.result()
            base = offset.get(url, 0)
            offset[url] = base + count
            report.merge(part.moved(base))
            for failure in failures:
                if failure.line is not None:
                    failure = attrs.evolve(failure, line=failure.line + base)
                if sink is not None:
                    sink.write(json.dumps(failure.to_dict(), ensure_ascii=False) + "\n")
                if on_failure is not None:
                    on_failure(failure)
            future.release()  # type: ignore[no-untyped-call]  # distributed leaves it untyped
    return report

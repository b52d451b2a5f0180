"""Command line: ``dealerbridge`` (also ``python -m dealerbridge``).

Commands: ``validate``, ``map``, ``schemas list|show|export|diff``, ``sample``. Exit status for
every command: 0 success (all valid), 1 invalid payloads (or a breaking schema change), 2 usage
error (bad arguments, unknown schema, missing or unreadable path, a FIFO, socket or device given
as a file, an output that cannot be written), checked before any work where it can be. A usage
error is one line on stderr, never a traceback. ``--format json`` writes only JSON lines on
stdout, in UTF-8 (file names that are not UTF-8 show their bytes as ``\\xff``); messages for
people go to stderr. ``--redact [LEVEL]``/``--no-redact`` override ``DEALERBRIDGE_REDACT``
(levels ``pii``, the default, ``all`` and ``off``); the level reaches ``--jobs`` and Dask
worker processes.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import IO, Any

from ._errors import DealerbridgeUsageError, ValidationError, redaction
from ._json import open_regular_file, parse_json, read_regular_file
from ._models import dump
from ._registry import default_registry
from ._render import REDACTION_LEVELS, RedactionLevel, as_level, escape_text
from .batch import _SUFFIXES, BatchReport, LineResult, Unit, _expand, _is_lines, run_unit
from .batch._lines import check_schema, plural, split_lines

__all__ = ["main"]

#: NDJSON lines per unit of work handed to a ``--jobs`` process.
CHUNK_LINES = 2000
#: Work below this many bytes never shows a progress bar (it takes under a couple of seconds).
PROGRESS_MIN_BYTES = 1024 * 1024
#: Seconds of work after which a progress bar appears (on a terminal, outside CI).
PROGRESS_AFTER = float(os.environ.get("DEALERBRIDGE_PROGRESS_AFTER", "2"))
STDIN = "<stdin>"


class _Usage(Exception):
    """A usage error found while checking arguments (exit 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # One line, like every other usage error (the usage itself is under --help).
        line = f"{self.prog}: error: {escape_text(message)} (see {self.prog} --help)"
        print(line, file=sys.stderr)
        raise SystemExit(2)


def _version() -> str:
    from . import __version__

    return __version__


def _common(command: argparse.ArgumentParser, *, schema_version: bool = True) -> None:
    command.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text for people (default), or JSON lines only on stdout",
    )
    command.add_argument(
        "--redact",
        nargs="?",
        const="all",
        choices=REDACTION_LEVELS,
        default=None,
        metavar="LEVEL",
        help="hide values in the output: all (the default with no LEVEL), pii (personal data "
        "only) or off (default: DEALERBRIDGE_REDACT decides, else pii)",
    )
    command.add_argument(
        "--no-redact",
        dest="redact",
        action="store_const",
        const="off",
        help="show every value (same as --redact off)",
    )
    if schema_version:
        command.add_argument(
            "--schema-version", type=int, default=None, metavar="V", help="schema version (newest)"
        )


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="dealerbridge", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"dealerbridge {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    check = sub.add_parser("validate", help="validate JSON and NDJSON files against a schema")
    check.add_argument("schema", help="schema name, e.g. mykaarma/order-event")
    check.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="files, directories (searched for *.json, *.ndjson, *.jsonl) or '-' for stdin",
    )
    check.add_argument(
        "--each", action="store_true", help="validate every element of a top-level JSON array"
    )
    check.add_argument("--jobs", type=int, default=1, metavar="N", help="processes (default 1)")
    check.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="run on Dask: a scheduler address, or 'local' for a local cluster (prints failures)",
    )
    check.add_argument("--quiet", "-q", action="store_true", help="print only invalid payloads")
    check.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # old spelling
    _common(check)

    schemas = sub.add_parser("schemas", help="list, show, export and compare the schemas")
    what = schemas.add_subparsers(dest="action", parser_class=_Parser)
    what.add_parser("list", help="schema names and versions (the default)")
    show = what.add_parser("show", help="print one schema document")
    show.add_argument("name")
    show.add_argument("--schema-version", type=int, default=None, metavar="V")
    show.add_argument("--bundled", action="store_true", help="every $ref resolved inside it")
    show.add_argument(
        "--annotations", action="store_true", help="with --bundled: keep our x- annotations"
    )
    export = what.add_parser("export", help="write bundled schemas or an OpenAPI document")
    target = export.add_mutually_exclusive_group(required=True)
    target.add_argument("--bundle", metavar="DIR", help="one bundled file per schema version")
    target.add_argument("--openapi", metavar="FILE", help="an OpenAPI 3.1 document")
    export.add_argument(
        "--annotations",
        action="store_true",
        help="keep our x- annotations (schemas/CONVENTIONS.md); strict validators refuse them",
    )
    diff = what.add_parser("diff", help="classify the changes between two schema versions")
    diff.add_argument("old", help="a schema file, or NAME@VERSION")
    diff.add_argument("new", help="a schema file, or NAME@VERSION")
    diff.add_argument("--format", choices=("text", "json"), default="text")

    sample = sub.add_parser("sample", help="write generated payloads as NDJSON")
    sample.add_argument("schema")
    sample.add_argument("--invalid", action="store_true", help="payloads breaking one rule")
    sample.add_argument("--count", type=int, default=1, metavar="N")
    sample.add_argument("--seed", type=int, default=0, metavar="S")
    sample.add_argument("--schema-version", type=int, default=None, metavar="V")

    _add_map_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if hasattr(args, "redact"):
        # the level in force, resolved once here so that --jobs and Dask workers use it too
        args.redact = as_level(args.redact)
    redact = getattr(args, "redact", None)
    if getattr(args, "format", "text") == "json" or getattr(args, "json", False):
        _utf8_stdout()
    try:
        with redaction(redact) if redact is not None else contextlib.nullcontext():
            if args.command == "map":
                return _map_main(args)
            if args.command == "schemas":
                return _schemas_main(args)
            if args.command == "sample":
                return _sample_main(args)
            return _validate_main(args)
    except (_Usage, DealerbridgeUsageError) as exc:
        _error_line(str(exc))
        return 2
    except BrokenPipeError:  # pragma: no cover - `| head`
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return 1
    except OSError as exc:
        # An input or output failing under us (a file removed after it was checked, a full
        # disk): the environment, so a usage error, in one line.
        where = f"{_shown(exc.filename)}: " if exc.filename is not None else ""
        _error_line(f"{where}{exc.strerror or exc}")
        return 2


def _error_line(message: str) -> None:
    """A usage error: one line on stderr (line breaks inside the message escaped)."""
    _say(f"dealerbridge: {escape_text(message)}", sys.stderr)


def _shown(path: object) -> str:
    """A file name as text: bytes that are not UTF-8 show as ``\\xff`` (so the name can be
    written in UTF-8 and JSON), invisible characters escaped by the output functions."""
    if isinstance(path, str | bytes | os.PathLike):
        return os.fsencode(path).decode("utf-8", "backslashreplace")
    return str(path)


def _utf8_stdout() -> None:
    """JSON lines are UTF-8 whatever the locale says."""
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None and (sys.stdout.encoding or "").lower() not in ("utf-8", "utf8"):
        with contextlib.suppress(ValueError, OSError):
            reconfigure(encoding="utf-8")


def _say(line: str, stream: IO[str] | None = None) -> None:
    """Print *line*; a terminal that cannot show a character gets an escape instead."""
    out = stream or sys.stdout
    try:
        print(line, file=out)
    except UnicodeEncodeError:
        print(line.encode("ascii", "backslashreplace").decode("ascii"), file=out)


def _json_line(value: object) -> None:
    text = json.dumps(value, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate in some string: write it as text, not JSON
        text = json.dumps(_utf8_strings(value), ensure_ascii=False)
    _say(text)


def _utf8_strings(value: object) -> object:
    """*value* with every string made encodable: a lone surrogate becomes the text ``\\udcff``
    (a backslash and five letters), so the JSON holds no escape of an invalid code point."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {_utf8_strings(k): _utf8_strings(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_utf8_strings(item) for item in value]
    return value


# --------------------------------------------------------------------------- validate


class _Source:
    """One input: a file (JSON document or NDJSON lines) or standard input (read once)."""

    def __init__(
        self,
        path: str,
        lines: bool,
        size: int,
        data: bytes | None = None,
        value: object = None,
        parsed: bool = False,
    ) -> None:
        self.path = path
        self.lines = lines
        self.size = size
        self.data = data  # standard input, as read
        self.value = value  # standard input, as parsed (when it is one JSON document)
        self.parsed = parsed

    @property
    def name(self) -> str:
        return STDIN if self.path == "-" else _shown(self.path)


def _collect(paths: Sequence[str]) -> list[_Source]:
    """Every input, checked before anything is validated (missing, unreadable, not a regular
    file: `_Usage`)."""
    sources: list[_Source] = []
    _stdin_once(paths)
    for given in paths:
        if given == "-":
            sources.append(_stdin_source(sys.stdin.buffer.read()))
            continue
        path = Path(given)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.suffix.lower() in _SUFFIXES and p.is_file()
            )
            if not found:
                raise _Usage(f"{given}: no *.json, *.ndjson or *.jsonl files in this directory")
        else:
            found = [path]
        for file in found:
            size = _regular_size(str(file))
            sources.append(_Source(str(file), _is_lines(str(file)), size))
    return sources


def _stdin_once(paths: Iterable[str | None]) -> None:
    if sum(1 for p in paths if p == "-") > 1:
        raise _Usage("'-' (standard input) may be given only once")


def _regular_size(path: str) -> int:
    """The size of the regular file *path*; a usage error for anything else (a FIFO would
    block the run, a device never end it)."""
    with open_regular_file(path) as handle:
        return os.fstat(handle.fileno()).st_size


def _stdin_source(data: bytes) -> _Source:
    """Standard input is one JSON document if it parses as one (and that parse is the one
    validated), else NDJSON when it has more than one non-blank line. Lines end at ``\\n``
    only, as in files."""
    try:
        value = parse_json(data)
    except ValidationError:
        many = sum(1 for line in split_lines(data) if line.strip()) > 1
        return _Source("-", many, len(data), data)
    return _Source("-", False, len(data), value=value, parsed=True)


def _units(source: _Source, each: bool, chunk: int) -> Iterator[Unit]:
    """The units of work of one input, in order."""
    if source.parsed:
        yield Unit(source.name, value=source.value, each=each)
        return
    if not source.lines:
        data = source.data if source.data is not None else read_regular_file(source.path)
        yield Unit(source.name, document=data, each=each)
        return
    if source.data is not None:
        yield from _line_chunks(source.name, split_lines(source.data), chunk)
        return
    with open_regular_file(source.path) as file:
        # A binary file iterates at b"\n" only: the same lines as split_lines.
        yield from _line_chunks(source.name, (line.rstrip(b"\n") for line in file), chunk)


def _line_chunks(name: str, lines: Iterable[bytes], chunk: int) -> Iterator[Unit]:
    batch: list[bytes] = []
    first = 1
    for line in lines:
        batch.append(line)
        if len(batch) >= chunk:
            yield Unit(name, lines=tuple(batch), first_line=first)
            first += len(batch)
            batch = []
    if batch:
        yield Unit(name, lines=tuple(batch), first_line=first)


_worker: dict[str, Any] = {}


def _worker_init(schema: str, version: int | None, redact: RedactionLevel | None) -> None:
    check_schema(schema, version)  # the compiled schema, built once in this process
    _worker.update(schema=schema, version=version, redact=redact)


def _worker_unit(unit: Unit) -> list[LineResult]:
    redact = _worker["redact"]
    with redaction(redact) if redact is not None else contextlib.nullcontext():
        return run_unit(unit, _worker["schema"], _worker["version"])


def _results(units: Iterator[Unit], args: argparse.Namespace) -> Iterator[tuple[LineResult, int]]:
    """``(result, bytes done)`` in input order, in this process or in ``--jobs``.

    The raw payloads are not kept: the summary of a non-Dask run shows no samples to redo."""
    if args.jobs <= 1:
        for unit in units:
            yield from _sized(run_unit(unit, args.schema, args.schema_version), unit.size)
        return
    with ProcessPoolExecutor(
        args.jobs,
        initializer=_worker_init,
        initargs=(args.schema, args.schema_version, args.redact),
    ) as pool:
        window: list[tuple[Future[list[LineResult]], int]] = []
        for unit in units:
            window.append((pool.submit(_worker_unit, unit), unit.size))
            if len(window) >= args.jobs * 4:
                future, size = window.pop(0)
                yield from _sized(future.result(), size)
        for future, size in window:
            yield from _sized(future.result(), size)


def _sized(found: list[LineResult], size: int) -> Iterator[tuple[LineResult, int]]:
    """*found* with the unit's *size* counted on its last result (0 on the others)."""
    yield from ((result, 0) for result in found[:-1])
    if found:
        yield found[-1], size


def _want_progress(
    stream: IO[str], total_bytes: int, env: dict[str, str] | os._Environ[str]
) -> bool:
    """A bar only on a terminal, outside CI, and for work that takes more than a moment."""
    if env.get("CI") or env.get("TERM") == "dumb" or total_bytes < PROGRESS_MIN_BYTES:
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class _Progress:
    """A progress bar on stderr, started only once the work has run for `PROGRESS_AFTER`
    seconds with at least a tenth of it left (so short runs never show one)."""

    def __init__(self, total_bytes: int) -> None:
        self.total = total_bytes
        self.done = 0
        self.enabled = _want_progress(sys.stderr, total_bytes, os.environ)
        self.started = time.monotonic()
        self.bar: Any = None
        self.task: Any = None

    def advance(self, count: int) -> None:
        if not self.enabled:
            return
        self.done += count
        if self.bar is None:
            late = time.monotonic() - self.started >= PROGRESS_AFTER
            if not late or self.done >= self.total * 0.9:
                return
            try:
                from rich.console import Console
                from rich.progress import Progress
            except ImportError:  # pragma: no cover - the progress extra is optional
                self.enabled = False
                return
            self.bar = Progress(console=Console(file=sys.stderr), transient=True)
            self.task = self.bar.add_task("validating", total=self.total, completed=self.done)
            self.bar.start()
        else:
            self.bar.advance(self.task, count)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _validate_main(args: argparse.Namespace) -> int:
    if args.json:
        args.format = "json"
    if args.jobs < 1:
        raise _Usage("--jobs must be at least 1")
    check_schema(args.schema, args.schema_version)
    if args.dask:
        return _validate_dask(args)
    sources = _collect(args.paths)
    report = BatchReport(args.schema)
    progress = _Progress(sum(s.size for s in sources))
    # In one process a small unit only sets how often the progress bar moves.
    chunk = CHUNK_LINES if args.jobs > 1 else 100
    units = (u for s in sources for u in _units(s, args.each, chunk))
    try:
        for result, done in _results(units, args):
            report.add(result)
            _print_result(result, args)
            if done:
                progress.advance(done)
    finally:
        progress.stop()
    _print_summary(report, args)
    return 0 if report.invalid == 0 else 1


def _print_result(result: LineResult, args: argparse.Namespace) -> None:
    if args.format == "json":
        if not (args.quiet and result.valid):
            _json_line(result.to_dict())
        return
    if result.valid:
        if not args.quiet:
            _say(f"{escape_text(result.source)}: valid")
        return
    _say(f"{escape_text(result.source)}: invalid ({plural(len(result.issues), 'issue')})")
    for issue in result.issues:
        _say(f"  {issue}")


def _print_summary(report: BatchReport, args: argparse.Namespace) -> None:
    if args.format == "json":
        summary = report.to_dict(samples=bool(args.dask))
        summary["schema_version"] = default_registry().resolve_version(
            args.schema, args.schema_version
        )
        _json_line({"summary": summary})
    else:
        _say(report.summary_text())


def _validate_dask(args: argparse.Namespace) -> int:
    from . import batch

    if "-" in args.paths:
        raise _Usage("--dask reads files only, not standard input ('-')")
    try:
        distributed: Any = importlib.import_module("distributed")
    except ImportError:
        raise _Usage("--dask needs the dask extra: pip install 'dealerbridge[dask]'") from None
    files = _expand(args.paths)
    if not files:
        raise _Usage("no *.json, *.ndjson or *.jsonl files found")
    if args.dask == "local":
        cluster = distributed.LocalCluster(
            n_workers=max(args.jobs, 1) if args.jobs > 1 else None,
            processes=True,
            threads_per_worker=1,
            dashboard_address=None,
        )
        client = distributed.Client(cluster)
    else:
        cluster = None
        client = distributed.Client(args.dask)
    try:
        report = batch.validate_files(
            [url for url, _ in files],
            args.schema,
            client=client,
            on_failure=lambda result: _print_result(result, args),
            version=args.schema_version,
            each=args.each,
            redact=args.redact,
        )
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    _print_summary(report, args)
    return 0 if report.invalid == 0 else 1


# --------------------------------------------------------------------------- schemas


def _schemas_main(args: argparse.Namespace) -> int:
    registry = default_registry()
    action = args.action or "list"
    if action == "list":
        for name in registry.names():
            versions = ", ".join(f"v{v}" for v in registry.versions(name))
            print(f"{name}  {versions}")
        return 0
    if action == "show":
        from . import schema

        document = schema(
            args.name,
            version=args.schema_version,
            bundled=args.bundled,
            annotations=args.annotations,
        )
        print(json.dumps(document, ensure_ascii=False, indent=2))
        return 0
    if action == "export":
        return _export(args)
    return _diff_main(args)


def _export(args: argparse.Namespace) -> int:
    registry = default_registry()
    if args.bundle:
        from ._bundle import bundle

        root = Path(args.bundle)
        if root.exists() and not root.is_dir():
            raise _Usage(f"{_shown(args.bundle)} exists and is not a directory")
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _Usage(f"cannot write {_shown(args.bundle)}: {exc.strerror or exc}") from None
        count = 0
        for name in registry.names():
            for version in registry.versions(name):
                target = root / name / f"v{version}.json"
                try:
                    target.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise _Usage(f"cannot write {_shown(target)}: {exc.strerror or exc}") from None
                document = bundle(registry, name, version, annotations=args.annotations)
                text = json.dumps(document, ensure_ascii=False, indent=2)
                _write_output(_open_output(str(target)), text + "\n", str(target))
                count += 1
        print(f"wrote {plural(count, 'bundled schema')} to {root}", file=sys.stderr)
        return 0
    from ._openapi import openapi_document

    output = _open_output(args.openapi)
    text = json.dumps(openapi_document(registry), ensure_ascii=False, indent=2)
    _write_output(output, text + "\n", args.openapi)
    _say(f"wrote the OpenAPI 3.1 document to {escape_text(_shown(args.openapi))}", sys.stderr)
    return 0


def _open_output(target: str) -> IO[str]:
    """*target* opened for writing (UTF-8), before any work, so a target that cannot be written
    is a usage error, in one line, before anything else is printed. Opened without blocking,
    so a FIFO nobody reads is refused (ENXIO) rather than waited on; a device such as
    /dev/null works. Write with `_write_output`."""
    path = Path(target)
    if path.is_dir():
        raise _Usage(f"cannot write {_shown(target)}: it is a directory")
    if not path.resolve().parent.is_dir():
        raise _Usage(f"cannot write {_shown(target)}: no such directory")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(target, flags, 0o666)
    except OSError as exc:
        raise _Usage(f"cannot write {_shown(target)}: {exc.strerror or exc}") from None
    try:
        if hasattr(os, "set_blocking"):
            os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "w", encoding="utf-8")
    except BaseException:
        os.close(descriptor)
        raise


def _write_output(handle: IO[str], text: str, target: str) -> None:
    """Write *text* to a target from `_open_output` and close it; a failure (a full disk) is a
    usage error naming the file."""
    try:
        with handle:
            handle.write(text)
    except OSError as exc:
        raise _Usage(f"cannot write {_shown(target)}: {exc.strerror or exc}") from None


def _diff_main(args: argparse.Namespace) -> int:
    from ._schema_diff import diff_schemas, load_side

    old = load_side(args.old)
    new = load_side(args.new)
    result = diff_schemas(old, new)
    if args.format == "json":
        _json_line(result.to_dict())
    else:
        for line in result.lines():
            _say(line)
    return 1 if result.breaking else 0


# --------------------------------------------------------------------------- sample


#: Root keywords that say nothing about the document itself.
_NOT_A_ROOT = frozenset(
    {"$schema", "$id", "$defs", "$comment", "title", "description", "examples", "default"}
)


def _sample_main(args: argparse.Namespace) -> int:
    if args.count < 0:
        raise _Usage("--count must be 0 or more")
    check_schema(args.schema, args.schema_version)
    document = default_registry().document(args.schema, args.schema_version)
    if not [key for key in document if key not in _NOT_A_ROOT and not key.startswith("x-")]:
        raise _Usage(
            f"{args.schema} has no root schema (only definitions for other schemas to "
            "reference): there is no payload of it to sample"
        )
    try:
        import hypothesis
        import hypothesis.errors

        from . import testing
    except ImportError as exc:
        raise _Usage(
            f"dealerbridge sample needs the testing extra ({exc.name} is missing): "
            "pip install 'dealerbridge[testing]'"
        ) from None
    from hypothesis import HealthCheck, Phase, given, seed, settings

    if args.invalid:
        strategy: Any = testing.invalid_payloads(args.schema, version=args.schema_version)
    else:
        strategy = testing.payloads(args.schema, version=args.schema_version)
    found: list[Any] = []
    attempt = 0
    while len(found) < args.count and attempt < 20:

        @seed(args.seed * 1000 + attempt)
        @settings(
            max_examples=args.count - len(found),
            database=None,
            phases=[Phase.generate],
            derandomize=False,
            suppress_health_check=[HealthCheck.too_slow],
            deadline=None,
        )
        @given(strategy)
        def grab(value: Any) -> None:
            found.append(value[0] if args.invalid else value)

        try:
            grab()
        except hypothesis.errors.HypothesisException as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise _Usage(f"cannot generate payloads of {args.schema}: {first}") from None
        attempt += 1
    for value in found[: args.count]:
        _json_line(value)
    return 0


# --------------------------------------------------------------------------- map (issue 12)


def _add_map_parser(sub: Any) -> None:
    mapper = sub.add_parser("map", help="translate between Shopmonkey and myKaarma orders")
    direction = mapper.add_subparsers(dest="direction", required=True, parser_class=_Parser)
    forward = direction.add_parser(
        "shopmonkey-to-mykaarma", help="Shopmonkey order + services -> myKaarma create request"
    )
    forward.add_argument("--order", required=True, help="the Shopmonkey order JSON file ('-')")
    forward.add_argument(
        "--services", required=True, help="the GET /v3/order/:id/service response JSON file"
    )
    forward.add_argument("--update", action="store_true", help="print the update-order body")
    reverse = direction.add_parser(
        "mykaarma-to-shopmonkey", help="myKaarma order -> Shopmonkey POST services body"
    )
    reverse.add_argument("file", help="an order-event delivery, a read-order response or an order")
    reverse.add_argument(
        "--plan",
        metavar="EXISTING",
        help="the order's GET /v3/order/:id/service response (or its data list): print the "
        "create/update/delete plan (mapping.mykaarma_to_shopmonkey_plan) instead of the body",
    )
    for command in (forward, reverse):
        command.add_argument("--config", help="mapping config (.toml or .json)")
        command.add_argument("--report", help="also write the report as JSON to this file")
        _common(command, schema_version=False)


def _check_readable(paths: Iterable[str | None]) -> None:
    given = [p for p in paths if p is not None]
    _stdin_once(given)
    for path in given:
        if path != "-":
            _regular_size(path)


def _read_json(path: str) -> Any:
    raw = sys.stdin.buffer.read() if path == "-" else read_regular_file(path)
    return parse_json(raw)


def _map_main(args: argparse.Namespace) -> int:
    from . import mapping

    if args.direction == "shopmonkey-to-mykaarma":
        inputs = [args.order, args.services]
    else:
        inputs = [args.file] + ([args.plan] if args.plan else [])
    _check_readable([*inputs, args.config])
    try:
        config = mapping.load_config(args.config) if args.config else mapping.MappingConfig()
    except (ValidationError, DealerbridgeUsageError) as exc:
        raise _Usage(f"bad mapping config {_shown(args.config)}: {exc}") from None
    # the report's target is opened now, so that it fails before any work or output
    args.report_file = _open_output(args.report) if args.report else None
    source = " + ".join(STDIN if p == "-" else _shown(p) for p in inputs)
    try:
        if args.direction == "shopmonkey-to-mykaarma":
            order = _read_json(args.order)
            services = _read_json(args.services)
            if isinstance(services, dict) and "data" in services:
                services = services["data"]
            function = (
                mapping.shopmonkey_to_mykaarma_update
                if args.update
                else mapping.shopmonkey_to_mykaarma
            )
            mapped: Any = function(order, services, config)
            value = dump(mapped.value)
        elif args.plan:
            existing = _read_json(args.plan)
            if isinstance(existing, dict) and "data" in existing:
                existing = existing["data"]
            if not isinstance(existing, list):
                raise _Usage(f"{args.plan}: expected a list of services or a GET response")
            planned = mapping.mykaarma_to_shopmonkey_plan(_read_json(args.file), existing, config)
            mapped, value = planned, planned.value.to_dict()
        else:
            mapped = mapping.mykaarma_to_shopmonkey(_read_json(args.file), config)
            value = [dump(service) for service in mapped.value]
    except ValidationError as exc:
        report = getattr(exc, "report", ())
        _write_report(args, report)
        if args.format == "json":
            _json_line(
                {
                    "source": source,
                    "valid": False,
                    "issues": [item.to_dict() for item in exc.issues],
                    "report": [note.to_dict() for note in report],
                }
            )
        else:
            print(f"dealerbridge: refused: {plural(len(exc.issues), 'issue')}", file=sys.stderr)
            for item in exc.issues:
                _say(f"  {item}", sys.stderr)
        return 1
    _write_report(args, mapped.report)
    if args.format == "json":
        _json_line(
            {
                "source": source,
                "valid": True,
                "value": value,
                "report": [note.to_dict() for note in mapped.report],
            }
        )
    else:
        print(json.dumps(value, ensure_ascii=False, indent=2))
    return 0


def _write_report(args: argparse.Namespace, report: Any) -> None:
    if args.format == "text":
        for note in report:
            _say(f"{note.kind}: {note.source}: {note.message}", sys.stderr)
    if args.report_file is not None:
        data = [note.to_dict() for note in report]
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        _write_output(args.report_file, text, args.report)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

"""Command line: ``dealerbridge validate SCHEMA FILE`` (also ``python -m dealerbridge``).

Exit status: 0 valid, 1 invalid, 2 usage error (unknown schema, unreadable file, bad arguments).
Values are kept out of the output with ``--redact`` or when ``DEALERBRIDGE_REDACT`` is set.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ._errors import DealerbridgeUsageError, ValidationError, redaction
from ._json import parse_json
from ._models import dump
from ._registry import default_registry
from ._render import escape_text
from ._validation import errors


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"dealerbridge: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="dealerbridge", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("validate", help="validate a JSON file against a bundled schema")
    check.add_argument("schema", help="schema name, e.g. mykaarma/order-event")
    check.add_argument("file", help="path of the JSON file ('-' reads stdin)")
    check.add_argument("--version", type=int, default=None, help="schema version (newest)")
    check.add_argument("--json", action="store_true", help="print issues as JSON lines")
    check.add_argument(
        "--redact",
        action="store_true",
        help="keep values out of the output (also when DEALERBRIDGE_REDACT is set)",
    )
    sub.add_parser("schemas", help="list the bundled schema names and versions")
    _add_map_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "map":
        return _map_main(args)
    if args.command == "schemas":
        registry = default_registry()
        for name in registry.names():
            versions = ", ".join(f"v{v}" for v in registry.versions(name))
            print(f"{name}  {versions}")
        return 0
    try:
        raw = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as exc:
        print(f"dealerbridge: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    # Without --redact the environment decides (DEALERBRIDGE_REDACT), never "off".
    with redaction(True) if args.redact else contextlib.nullcontext():
        try:
            instance = parse_json(raw)
            found = errors(instance, args.schema, version=args.version)
        except ValidationError as exc:
            found = list(exc.issues)
        except DealerbridgeUsageError as exc:
            print(f"dealerbridge: {escape_text(str(exc))}", file=sys.stderr)
            return 2
        if not found:
            _say(f"{escape_text(args.file)}: valid {escape_text(args.schema)}")
            return 0
        _say(f"{escape_text(args.file)}: invalid {escape_text(args.schema)}: {len(found)} issue(s)")
        for item in found:
            if args.json:
                _say(json.dumps(item.to_dict(), ensure_ascii=False))
            else:
                _say(f"  {item}")
        return 1


def _say(line: str) -> None:
    """Print *line*; a terminal that cannot show a character gets an escape instead."""
    try:
        print(line)
    except UnicodeEncodeError:
        print(line.encode("ascii", "backslashreplace").decode("ascii"))


# --------------------------------------------------------------------------- map (issue 12)


def _add_map_parser(sub: Any) -> None:
    mapper = sub.add_parser("map", help="translate between Shopmonkey and myKaarma orders")
    direction = mapper.add_subparsers(dest="direction", required=True)
    forward = direction.add_parser(
        "shopmonkey-to-mykaarma", help="Shopmonkey order + services -> myKaarma create request"
    )
    forward.add_argument("--order", required=True, help="the Shopmonkey order JSON file")
    forward.add_argument(
        "--services", required=True, help="the GET /v3/order/:id/service response JSON file"
    )
    forward.add_argument("--update", action="store_true", help="print the update-order body")
    reverse = direction.add_parser(
        "mykaarma-to-shopmonkey", help="myKaarma order -> Shopmonkey POST services body"
    )
    reverse.add_argument("file", help="an order-event delivery, a read-order response or an order")
    for command in (forward, reverse):
        command.add_argument("--config", help="mapping config (.toml or .json)")
        command.add_argument("--report", help="also write the report as JSON to this file")


def _read_json(path: str) -> Any:
    raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    return parse_json(raw)


def _map_main(args: argparse.Namespace) -> int:
    from . import mapping

    try:
        config = mapping.load_config(args.config) if args.config else mapping.MappingConfig()
    except OSError as exc:
        print(f"dealerbridge: cannot read {args.config}: {exc.strerror}", file=sys.stderr)
        return 2
    except (ValidationError, DealerbridgeUsageError) as exc:
        print(f"dealerbridge: bad mapping config {args.config}: {exc}", file=sys.stderr)
        return 2
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
        else:
            mapped = mapping.mykaarma_to_shopmonkey(_read_json(args.file), config)
            value = [dump(service) for service in mapped.value]
    except OSError as exc:
        print(f"dealerbridge: cannot read {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 2
    except ValidationError as exc:
        report = getattr(exc, "report", ())
        _write_report(args, report)
        print(f"dealerbridge: refused: {len(exc.issues)} issue(s)", file=sys.stderr)
        for item in exc.issues:
            print(f"  {item}", file=sys.stderr)
        return 1
    _write_report(args, mapped.report)
    print(json.dumps(value, ensure_ascii=False, indent=2))
    return 0


def _write_report(args: argparse.Namespace, report: Any) -> None:
    for note in report:
        print(f"{note.kind}: {note.source}: {note.message}", file=sys.stderr)
    if args.report:
        data = [note.to_dict() for note in report]
        Path(args.report).write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

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

from ._errors import DealerbridgeUsageError, ValidationError, redaction
from ._json import parse_json
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
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


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

"""Command line: ``dealerbridge validate SCHEMA FILE`` (also ``python -m dealerbridge``).

Exit status: 0 valid, 1 invalid, 2 usage error (unknown schema, unreadable file, bad arguments).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from ._errors import DealerbridgeUsageError, ValidationError, redaction
from ._json import parse_json
from ._registry import default_registry
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
    check.add_argument("--redact", action="store_true", help="keep values out of the output")
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
    with redaction(args.redact):
        try:
            instance = parse_json(raw)
            found = errors(instance, args.schema, version=args.version)
        except ValidationError as exc:
            found = list(exc.issues)
        except DealerbridgeUsageError as exc:
            print(f"dealerbridge: {exc}", file=sys.stderr)
            return 2
        if not found:
            print(f"{args.file}: valid {args.schema}")
            return 0
        print(f"{args.file}: invalid {args.schema}: {len(found)} issue(s)")
        for item in found:
            if args.json:
                print(json.dumps(item.to_dict(), ensure_ascii=False, default=str))
            else:
                print(f"  {item}")
        return 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

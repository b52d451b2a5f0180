"""`MappingConfig`: every dealer-specific choice of the mappings, and `load_config`.

The classes are generated from the bundled, closed schema ``dealerbridge/mapping-config``
(``tools/generate_models.py``, config mode: ``dealerbridge._generated.dealerbridge``), which states
every default (a member without one defaults to None); ``notes/decisions-mapping.md`` gives the
reasons. A config is read like any payload, with `dealerbridge.load`: one verdict, and a bad
config is a `ValidationError` with every issue's path (a misspelt key is an error, never a
silently ignored choice). The classes are frozen; their tables are read-only mappings, and a
table given in part (``[orders.statuses]`` with one state) overrides only the entries it names.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from .._errors import DealerbridgeUsageError, ValidationError, issue
from .._generated.dealerbridge import CustomersConfig, MappingConfig, OrdersConfig, StatusChoice
from .._json import read_regular_file
from .._models import load

__all__ = ["DEFAULT_STATUSES", "CustomersConfig", "MappingConfig", "OrdersConfig", "load_config"]

#: myKaarma status per Shopmonkey order state ("Paid" = status Invoice with paid true): the
#: schema's default of ``orders.statuses``.
DEFAULT_STATUSES: Mapping[str, StatusChoice] = OrdersConfig().statuses

SCHEMA = "dealerbridge/mapping-config"


def load_config(path: str | os.PathLike[str]) -> MappingConfig:
    """Read a mapping config from ``.toml`` or ``.json`` (chosen by suffix).

    A document that fails the ``dealerbridge/mapping-config`` schema raises `ValidationError`
    (every issue with its path, as `dealerbridge.load` reports any payload); a suffix other than
    ``.toml``/``.json`` raises `DealerbridgeUsageError`, and so does a path that names no
    readable regular file (missing, unreadable, a directory; a FIFO or device is refused at
    once, never waited on). Every TOML failure, deep nesting and out-of-range integers
    included, is a ``toml.syntax`` issue.
    """
    if not isinstance(path, str | os.PathLike):
        raise DealerbridgeUsageError(
            f"load_config needs the path of a .toml or .json file, got {type(path).__name__}"
        )
    where = Path(path)
    suffix = where.suffix.lower()
    if suffix not in (".toml", ".json"):
        raise DealerbridgeUsageError(
            f"a mapping config must be a .toml or .json file, got {str(where)!r}"
        )
    raw = read_regular_file(where)
    if suffix == ".json":
        return load(MappingConfig, raw)
    import tomllib  # here, not at import: only TOML configs need it (import time, issue 20)

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    # tomllib raises RecursionError on deeply nested arrays and ValueError on an integer
    # longer than Python's int() allows (4,300 digits): both are bad data.
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError, ValueError) as exc:
        raise ValidationError(
            [issue("", "toml.syntax", f"{where.name} is not valid TOML: {exc}")],
            schema=SCHEMA,
        ) from None
    return load(MappingConfig, data)

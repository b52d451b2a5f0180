"""The `JSON` type alias: any value a JSON document can hold (re-exported as `dealerbridge.JSON`).

It lives at the bottom of the core so that every core module, `_errors` included, can name it in
its signatures (``_models`` imports `_errors`, so the alias cannot live there).
"""

from __future__ import annotations

import typing
from typing import TypeAlias

__all__ = ["JSON"]

if typing.TYPE_CHECKING:
    JSON: TypeAlias = dict[str, "JSON"] | list["JSON"] | str | int | float | bool | None
else:
    # The forward reference names its module, so `typing.get_type_hints` resolves it from any
    # namespace (the generated classes report their public module).
    _SELF = typing.ForwardRef("JSON", module=__name__)
    JSON = dict[str, _SELF] | list[_SELF] | str | int | float | bool | None

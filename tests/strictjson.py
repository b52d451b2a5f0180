"""Helpers: JSON equality that tells 1, 1.0 and true apart."""

from typing import Any


def tagged(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return ("lit", value)
    if isinstance(value, int):
        return ("int", value)
    if isinstance(value, float):
        return ("float", value)
    if isinstance(value, str):
        return ("str", value)
    if isinstance(value, list):
        return ("list", [tagged(v) for v in value])
    if isinstance(value, dict):
        return ("dict", {k: tagged(v) for k, v in value.items()})
    return ("other", repr(value))

# The C accelerator (src/dealerbridge/_speedups.c); dealerbridge._json uses it when it is built.

def clean(value: object, /) -> int:
    """Members of a plain JSON value; -1 when the Python walk must look; -2 past the count."""

def structure(data: bytes, /) -> int:
    """Members written in JSON bytes; -1 when the careful reader must decide."""

def same(a: object, b: object, /) -> int:
    """1 equal with the same types and member order, 0 not, -1 not known (ask marshal)."""

def limits(max_depth: int, max_values: int, /) -> None:
    """Set the two limits (dealerbridge._json does, at import)."""

class Checker:
    """A schema compiled by dealerbridge._checker for the one-pass quick yes."""

    def check(self, value: object, /) -> int:
        """1 valid plain JSON, 0 plain and invalid, -1 not known (the engine decides)."""

def checker(
    nodes: tuple[tuple[object, ...], ...], patterns: tuple[tuple[object, ...], ...], /
) -> Checker:
    """The C walk of *nodes* (node 0 first) and *patterns* (DFAs), as _checker writes them."""

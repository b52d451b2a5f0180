"""``python -m dealerbridge``: see `dealerbridge._cli`."""

from ._cli import main

raise SystemExit(main())

"""Translate between Shopmonkey orders and myKaarma repair orders, exact to the cent.

- `shopmonkey_to_mykaarma` / `shopmonkey_to_mykaarma_update`: a Shopmonkey order and its
  services -> the myKaarma create (or update) order request.
- `mykaarma_to_shopmonkey`: a myKaarma order (order event, read response or order) -> the body
  of Shopmonkey's ``POST /v3/order/:orderId/service``.
- `mykaarma_to_shopmonkey_plan`: the same against the order's existing services -> a
  `ServicePlan` (create / update / delete), so mapping the same RO twice changes nothing.

Each returns `Mapped` (``.value`` and ``.report``: every `MappingNote` about what did not carry
over one to one) or raises `MappingError` (a `dealerbridge.ValidationError` with ``mapping.*``
codes). Every order mapping's report closes like a ledger: `ledger_cents(report)` equals
the ``total`` note's cents, source total minus target total.
`shopmonkey_customer_to_mykaarma`: a Shopmonkey customer and its vehicles -> the
myKaarma create-customer request. Dealer-specific choices live in `MappingConfig`
(`load_config` reads TOML or JSON).
Decisions and reasons: ``notes/decisions-mapping.md``.
"""

from contextlib import suppress as _suppress

from . import _registration  # noqa: F401  (registers the mapping's issue codes)
from ._config import CustomersConfig, MappingConfig, OrdersConfig, load_config
from ._customers import shopmonkey_customer_to_mykaarma
from ._forward import shopmonkey_to_mykaarma, shopmonkey_to_mykaarma_update
from ._plan import ServicePlan, ServiceUpdate, mykaarma_to_shopmonkey_plan
from ._report import Mapped, MappingError, MappingNote, NoteKind, ledger_cents
from ._reverse import mykaarma_to_shopmonkey

__all__ = [
    "CustomersConfig",
    "Mapped",
    "MappingConfig",
    "MappingError",
    "MappingNote",
    "NoteKind",
    "OrdersConfig",
    "ServicePlan",
    "ServiceUpdate",
    "ledger_cents",
    "load_config",
    "mykaarma_to_shopmonkey",
    "mykaarma_to_shopmonkey_plan",
    "shopmonkey_customer_to_mykaarma",
    "shopmonkey_to_mykaarma",
    "shopmonkey_to_mykaarma_update",
]

for _name in __all__:  # tracebacks and docs show the public home, not the private module
    _obj = globals()[_name]
    if hasattr(_obj, "__module__") and not isinstance(_obj, str):
        with _suppress(AttributeError, TypeError):  # typing aliases may refuse
            _obj.__module__ = __name__

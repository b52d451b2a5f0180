"""Hypothesis strategies for dealerbridge payloads (needs the ``testing`` extra).

- `payloads(schema)`: valid wire payloads (JSON values) of a bundled schema.
- `models(cls)`: model instances, loaded from valid payloads.
- `partner_requests(source=..., dropoff=...)`: valid myKaarma partner requests; ``source``
  defaults to `DRAWN` (an option the strategy draws from the schema; its type is
  `DrawnType`), ``None`` asks for ``"source": null``.
- `partner_rule_breaks(source=..., dropoff=...)`: myKaarma partner requests breaking exactly
  one partner rule, with the code `dealerbridge.mykaarma.partner_request_errors` must answer;
  ``source`` as in `partner_requests`.
- `create_customer_requests()`, `customers_with_vehicles()`: valid myKaarma customer requests
  (every data-model rule holding) and customers as returned; `customer_rule_breaks()`: requests
  breaking exactly one data-model rule, with the issue it must produce.
- `shopmonkey_deliveries(table=..., operation=...)`, `mykaarma_deliveries(type=...)`: webhook
  bodies of a chosen table or event type that `parse_webhook` / `parse_event` read as such;
  `invalid_deliveries(vendor)`: bodies they refuse; `shopmonkey_orders_with_customers()`:
  orders that embed their customer.
- `invalid_payloads(schema)`: ``(payload, expected)`` pairs where the payload breaks exactly
  one rule and ``expected`` is the `ExpectedIssue` (path and code) it must produce.

Shopmonkey services (alone or inside orders and responses) are generated with line items and
totals that add up under one documented, unverified reading (`shopmonkey_service_totals`; see
its module docstring for the formula and its sources).

Strategies are built from the same schemas the validator uses, with size knobs that default
small (Hypothesis health checks fire on large JSON). Each is built once per schema version and
options and then reused, so calling a factory again costs nothing; ``stubs=`` lets an envelope's
tests draw the documents it embeds from a few known values. Vendor modules register extra rules
(`register_fixup`, `register_breaker`) for checks the generic generator cannot read. Repairs and
breaks are derived from each rule's one definition, never written a second time: the schemas'
``x-rule-name`` entries (customer names and vehicles, an order's advisor; `_schema_rules`) and
the myKaarma partner rules' declarative table (``dealerbridge.mykaarma._partner_rules``;
`_rules`). The filler values they write are test data and live here.
"""

try:
    import hypothesis  # noqa: F401  (the optional dependency this package needs)
except ModuleNotFoundError as _missing:  # pragma: no cover - exercised with the module hidden
    if _missing.name is None or _missing.name.split(".")[0] != "hypothesis":
        raise
    raise ImportError(
        "dealerbridge.testing needs Hypothesis, which a plain install leaves out: "
        'pip install "dealerbridge[testing]"',
        name="hypothesis",
    ) from _missing

from . import (
    _customers,  # noqa: F401  (registers the myKaarma customer fixups and breakers)
    _mykaarma,  # noqa: F401  (registers the myKaarma fixups and breakers)
    _shopmonkey,  # noqa: F401  (registers the Shopmonkey service-totals fixups)
)
from ._customers import create_customer_requests, customer_rule_breaks, customers_with_vehicles
from ._deliveries import (
    MYKAARMA_EVENT_TYPES,
    SHOPMONKEY_TABLES,
    invalid_deliveries,
    mykaarma_deliveries,
    shopmonkey_deliveries,
    shopmonkey_orders_with_customers,
)
from ._mapping import (
    mykaarma_orders,
    service_from_request,
    shopmonkey_orders_with_services,
    shopmonkey_services,
)
from ._mykaarma import partner_requests, partner_rule_breaks
from ._shopmonkey import service_totals as shopmonkey_service_totals
from ._strategies import (
    DRAWN,
    DrawnType,
    ExpectedIssue,
    invalid_payloads,
    models,
    payloads,
    register_breaker,
    register_fixup,
)

__all__ = [
    "DRAWN",
    "MYKAARMA_EVENT_TYPES",
    "SHOPMONKEY_TABLES",
    "DrawnType",
    "ExpectedIssue",
    "create_customer_requests",
    "customer_rule_breaks",
    "customers_with_vehicles",
    "invalid_deliveries",
    "invalid_payloads",
    "models",
    "mykaarma_deliveries",
    "mykaarma_orders",
    "partner_requests",
    "partner_rule_breaks",
    "payloads",
    "register_breaker",
    "register_fixup",
    "service_from_request",
    "shopmonkey_deliveries",
    "shopmonkey_orders_with_customers",
    "shopmonkey_orders_with_services",
    "shopmonkey_service_totals",
    "shopmonkey_services",
]

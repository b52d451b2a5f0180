"""Shopmonkey: orders and their services (labor, parts, tires, fees, subcontracts in cents).

Models are generated from ``schemas/shopmonkey``. Requests we send are closed: Shopmonkey
silently ignores misnamed or mistyped body fields and answers 200 with defaults, so a strict
check before sending is the only protection. Responses are read tolerantly and kept whole.
"""

from .._generated import shopmonkey as _models
from .._generated.shopmonkey import *  # noqa: F403  (the generated model classes)
from ._orders import order_number
from ._totals import Reconciliation, ServiceTotals, reconcile_service, service_totals

__all__ = [*_models.__all__, "order_number"]
__all__ += ["Reconciliation", "ServiceTotals", "reconcile_service", "service_totals"]

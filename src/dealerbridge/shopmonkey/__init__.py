"""Shopmonkey: orders and their services (labor, parts, tires, fees, subcontracts in cents).

Models are generated from ``schemas/shopmonkey``. Requests we send are closed: Shopmonkey
silently ignores misnamed or mistyped body fields and answers 200 with defaults, so a strict
check before sending is the only protection. Responses are read tolerantly and kept whole.
"""

# The generated classes report this package as their module (`_public_home`), and their
# annotations stay strings: these are the names they use besides the classes themselves, so
# `typing.get_type_hints` resolves them here when asked (resolving all at import was slow).
from collections.abc import Mapping  # noqa: F401
from typing import ClassVar, Literal  # noqa: F401

from .. import _public_home
from .._generated import shopmonkey as _models
from .._generated.shopmonkey import *  # noqa: F403  (the generated model classes)
from .._models import JSON, SchemaRef, UnsetType  # noqa: F401  (annotations, see above)
from . import _registration  # noqa: F401  (registers the Shopmonkey issue codes)
from ._orders import order_number
from ._totals import (
    MAX_NUMBER,
    Reconciliation,
    ServiceTotals,
    line_cents,
    reconcile_service,
    service_totals,
)
from ._webhook import WEBHOOK_TOLERANCE, WebhookChange, WebhookRow, parse_webhook, verify_webhook

__all__ = [*_models.__all__, "order_number"]
__all__ += ["MAX_NUMBER", "Reconciliation", "ServiceTotals", "line_cents"]
__all__ += ["reconcile_service", "service_totals"]
__all__ += ["WEBHOOK_TOLERANCE", "WebhookChange", "WebhookRow", "parse_webhook", "verify_webhook"]

_public_home(globals(), __name__, generated=_models.__name__)

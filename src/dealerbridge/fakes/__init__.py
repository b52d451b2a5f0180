"""In-process, stateful fakes of the myKaarma and Shopmonkey APIs (extra ``dealerbridge[fakes]``).

`FakeMyKaarma` and `FakeShopmonkey` keep their state in memory and serve it as an httpx
transport (sync and async) and as an ASGI app: no network, no other process. Every request is
checked with the same functions a user calls (`dealerbridge.errors`, the partner and customer
rules) and every answer is read with `dealerbridge.load` before it is sent. Writes queue webhook
deliveries signed with each vendor's scheme; `deliver` sends them in order, shuffled,
duplicated, stale or forged. Faults (`fail`, `lose_response`, `time_out`, `reset`,
`malformed`, `chaos`) are scheduled and seeded, so a run repeats exactly.

The pytest fixtures ``fake_mykaarma`` and ``fake_shopmonkey`` come with the package's pytest
plugin; they fail the test at teardown while ``fake.violations`` is not empty.
"""

from .. import _public_home
from ._core import (
    Delivery,
    DeliveryOrder,
    DeliveryResult,
    FakeVendor,
    Mode,
    RecordedRequest,
    Violation,
)
from ._mykaarma import FakeMyKaarma
from ._shopmonkey import LIST_LIMIT, FakeShopmonkey

__all__ = [
    "LIST_LIMIT",
    "Delivery",
    "DeliveryOrder",
    "DeliveryResult",
    "FakeMyKaarma",
    "FakeShopmonkey",
    "FakeVendor",
    "Mode",
    "RecordedRequest",
    "Violation",
]

_public_home(globals(), __name__)

"""Typed HTTP clients of myKaarma and Shopmonkey (extra ``dealerbridge[http]``, on httpx).

`MyKaarmaClient` / `AsyncMyKaarmaClient` and `ShopmonkeyClient` / `AsyncShopmonkeyClient`:
one method per endpoint, typed on the generated models. Requests are dumped (and validated)
with `dealerbridge.dump` before anything is sent; answers are read with `dealerbridge.load`.
Failures raise `VendorError`; a write whose outcome stayed unknown raises `UncertainWrite`.
In tests, pass ``transport=`` a `dealerbridge.fakes` fake's transport.
"""

from .. import _public_home
from ._engine import PlannedRequest
from ._errors import IncompleteListWarning, UncertainWrite, VendorError
from ._mykaarma import MYKAARMA_BASE_URL, AsyncMyKaarmaClient, MyKaarmaClient
from ._shopmonkey import SHOPMONKEY_BASE_URL, AsyncShopmonkeyClient, ShopmonkeyClient

__all__ = [
    "MYKAARMA_BASE_URL",
    "SHOPMONKEY_BASE_URL",
    "AsyncMyKaarmaClient",
    "AsyncShopmonkeyClient",
    "IncompleteListWarning",
    "MyKaarmaClient",
    "PlannedRequest",
    "ShopmonkeyClient",
    "UncertainWrite",
    "VendorError",
]

_public_home(globals(), __name__)

"""The clients' errors: `VendorError` (the vendor refused), `UncertainWrite` (a write's outcome
is unknown and could not be settled by reading back)."""

from __future__ import annotations

from collections.abc import Iterable

from .._errors import DealerbridgeError, DealerbridgeWarning, Issue
from .._render import render_value

__all__ = ["IncompleteListWarning", "UncertainWrite", "VendorError"]


def render_url(url: str) -> str:
    """A request's URL for a message or a log record, through the renderer: the address (host,
    path, record ids) as a value, the query string as personal data (a customer search carries
    a name or a phone there), so the default level shows the address and hides the query."""
    base, sep, query = url.partition("?")
    shown = render_value(base, limit=max(len(base) + 2, 60))
    return f"{shown} ?{render_value(query, personal=True)}" if sep else shown


class VendorError(DealerbridgeError):
    """The vendor answered a failure (an HTTP error status, an error envelope), or could not
    be reached after the retries.

    ``status`` is the HTTP status (``None`` when no answer came), ``vendor_code`` and
    ``vendor_text`` the first error's code and words as the vendor gave them (myKaarma
    ``errorCode``/``errorDescription``, Shopmonkey ``code``/``message``), ``issues`` every
    error of the envelope as an `Issue` (``severity="error"``), ``request_id`` the vendor's
    request id header when it sent one. Values in the message go through the renderer.
    """

    def __init__(
        self,
        message: str,
        *,
        method: str,
        url: str,
        status: int | None,
        vendor_code: str | None = None,
        vendor_text: str | None = None,
        issues: Iterable[Issue] = (),
        request_id: str | None = None,
    ) -> None:
        self.method = method
        self.url = url
        self.status = status
        self.vendor_code = vendor_code
        self.vendor_text = vendor_text
        self.issues = tuple(issues)
        self.request_id = request_id
        where = f"{method} {render_url(url)}"
        code = f" {vendor_code}" if vendor_code else ""
        text = f": {render_value(vendor_text, personal=True)}" if vendor_text else ""
        status_text = f"HTTP {status}" if status is not None else "no answer"
        super().__init__(f"{where}: {status_text}{code}{text} ({message})")


class UncertainWrite(DealerbridgeError):
    """A write may or may not have been applied (the answer was lost: a timeout, a reset, a
    5xx), and reading back could not tell. No vendor offers idempotency keys, so the client
    does not re-send it: reconcile (read the record) before trying again.

    ``method`` and ``url`` name the write, ``cause`` is the failure that hid its outcome.
    """

    def __init__(self, message: str, *, method: str, url: str, cause: BaseException | None):
        self.method = method
        self.url = url
        self.cause = cause
        super().__init__(f"{method} {render_url(url)}: outcome unknown: {message}")


class IncompleteListWarning(DealerbridgeWarning):
    """A paginated list gave fewer distinct records than the total the vendor reported."""

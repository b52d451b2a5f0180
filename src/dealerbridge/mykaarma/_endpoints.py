"""The myKaarma API as the OpenAPI export describes it (``dealerbridge schemas export
--openapi``): its endpoints, the order-event webhook, server and security scheme. Registered
with the core by `dealerbridge.mykaarma._registration` (the core knows no vendor)."""

from __future__ import annotations

from .._openapi import Endpoint, VendorApi, Webhook

__all__ = ["API", "ENDPOINTS"]

_ORDER = "/order/v2/department/{departmentUUID}"
_CUSTOMER = "/customer/v2/department/{departmentUUID}"

#: The myKaarma endpoints the schemas and docs/vendor describe.
ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        method="put",
        path=_ORDER + "/order",
        summary="Create a service order (scope order.create)",
        path_params={"departmentUUID": None},
        request="mykaarma/create-order-request",
        response="mykaarma/create-order-response",
        error="mykaarma/create-order-response",
    ),
    Endpoint(
        method="post",
        path=_ORDER + "/order/{orderUUID}",
        summary="Update a service order (scope order.update)",
        path_params={"departmentUUID": None, "orderUUID": None},
        headers="mykaarma/update-order-headers",
        request="mykaarma/update-order-request",
        response="mykaarma/create-order-response",
        error="mykaarma/create-order-response",
    ),
    Endpoint(
        method="get",
        path=_ORDER + "/global_order/{orderUUID}",
        summary="Read a service order (scope order.fetch)",
        path_params={"departmentUUID": None, "orderUUID": None},
        response="mykaarma/read-order-response",
        error="mykaarma/read-order-response",
    ),
    Endpoint(
        method="post",
        path=_ORDER + "/order/specificSearch",
        summary="Search service orders, one page at a time (scope order.specific.search)",
        path_params={"departmentUUID": None},
        request="mykaarma/search-orders-request",
        response="mykaarma/search-orders-response",
        error="mykaarma/search-orders-response",
    ),
    Endpoint(
        method="post",
        path="/appointment/v2/dealers/{dealerUuid}/partner-appointments-with-trip",
        summary="Create a partner appointment with trip (scope appointment.create)",
        path_params={"dealerUuid": None},
        query="mykaarma/partner-appointment-query",
        request="mykaarma/partner-appointment-request",
        response="mykaarma/partner-appointment-response",
        error="mykaarma/partner-appointment-response",
    ),
    Endpoint(
        method="post",
        path=_CUSTOMER + "/customer",
        summary="Create a customer (scope customer.update; myKaarma's samples use PUT)",
        path_params={"departmentUUID": None},
        request="mykaarma/create-customer-request",
        response="mykaarma/create-customer-response",
        error="mykaarma/create-customer-response",
    ),
    Endpoint(
        method="put",
        path=_CUSTOMER + "/customer/{customerUUID}",
        summary="Update a customer (scope customer.update; the API reference says POST)",
        path_params={"departmentUUID": None, "customerUUID": None},
        request="mykaarma/update-customer-request",
        response="mykaarma/update-customer-response",
        error="mykaarma/update-customer-response",
    ),
    Endpoint(
        method="get",
        path=_CUSTOMER + "/customer/{customerUUID}",
        summary="Read a customer with its vehicles (scope customer.search)",
        path_params={"departmentUUID": None, "customerUUID": None},
        response="mykaarma/read-customer-response",
        error="mykaarma/read-customer-response",
    ),
    Endpoint(
        method="get",
        path=_CUSTOMER + "/customer/list",
        summary="Search customers (scope customer.search)",
        path_params={"departmentUUID": None},
        query="mykaarma/search-customers-query",
        response="mykaarma/search-customers-response",
        error="mykaarma/search-customers-response",
    ),
)

API = VendorApi(
    tag="mykaarma",
    name="myKaarma",
    description="myKaarma service-department API",
    server=("https://api.mykaarma.com", "myKaarma production API"),
    security_scheme="mykaarmaBasic",
    security={
        "type": "http",
        "scheme": "basic",
        "description": "myKaarma: HTTP Basic with the partner's username and password; "
        "each operation needs its scope (order.create, order.update, ...).",
    },
    endpoints=ENDPOINTS,
    webhooks=(
        Webhook(
            key="mykaarma-order-event",
            schema="mykaarma/order-event",
            summary="myKaarma Order Event: a service order was created or updated. Verify the "
            "mykaarma-signature-token HMAC over the raw body; acknowledge with 2xx within 5 s.",
            headers=("mykaarma-signature-token",),
            media_type="text/plain",
        ),
    ),
)

"""The Shopmonkey API as the OpenAPI export describes it (``dealerbridge schemas export
--openapi``): its endpoints, the v3 webhook, server and security scheme. Registered with the
core by `dealerbridge.shopmonkey._registration` (the core knows no vendor)."""

from __future__ import annotations

from .._openapi import Endpoint, VendorApi, Webhook

__all__ = ["API", "ENDPOINTS"]

_QUERY = "shopmonkey/service-query"
_ERROR = "shopmonkey/error-response"

#: The Shopmonkey endpoints the schemas and docs/vendor describe.
ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        method="get",
        path="/v3/order",
        summary="List orders (limit at most 100, skip, orderby; meta.total can over-count)",
        query="shopmonkey/list-orders-query",
        response="shopmonkey/list-orders-response",
        error=_ERROR,
    ),
    Endpoint(
        method="get",
        path="/v3/order/{orderId}",
        summary="Get an order (without its services)",
        path_params={"orderId": _QUERY},
        response="shopmonkey/get-order-response",
        error=_ERROR,
    ),
    Endpoint(
        method="get",
        path="/v3/order/{orderId}/service",
        summary="Get the services of an order",
        path_params={"orderId": _QUERY},
        response="shopmonkey/get-services-response",
        error=_ERROR,
    ),
    Endpoint(
        method="post",
        path="/v3/order/{orderId}/service",
        summary="Add services to an order",
        path_params={"orderId": _QUERY},
        query_params={"includeOrder": _QUERY},
        request="shopmonkey/create-services-request",
        response="shopmonkey/create-services-response",
        error=_ERROR,
    ),
    Endpoint(
        method="put",
        path="/v3/order/{orderId}/service/{id}",
        summary="Update a service of an order",
        path_params={"orderId": _QUERY, "id": _QUERY},
        query_params={"includeOrder": _QUERY},
        request="shopmonkey/update-service-request",
        response="shopmonkey/update-service-response",
        error=_ERROR,
    ),
    Endpoint(
        method="delete",
        path="/v3/order/{orderId}/service/{id}",
        summary="Delete a service of an order (the body must be {})",
        path_params={"orderId": _QUERY, "id": _QUERY},
        query_params={"includeOrder": _QUERY},
        request="shopmonkey/delete-service-request",
        response="shopmonkey/delete-service-response",
        error=_ERROR,
    ),
)

API = VendorApi(
    tag="shopmonkey",
    name="Shopmonkey",
    description="Shopmonkey shop-management API v3",
    server=("https://api.shopmonkey.cloud", "Shopmonkey production API"),
    security_scheme="shopmonkeyBearer",
    security={
        "type": "http",
        "scheme": "bearer",
        "description": "Shopmonkey: an API key sent as 'Authorization: Bearer <key>'.",
    },
    endpoints=ENDPOINTS,
    webhooks=(
        Webhook(
            key="shopmonkey-webhook",
            schema="shopmonkey/webhook",
            summary="Shopmonkey v3 webhook: one row of one table inserted, updated or deleted. "
            "Verify webhook-signature (Standard Webhooks) over the raw body first.",
            headers=("webhook-id", "webhook-timestamp", "webhook-signature"),
            media_type="application/json",
        ),
    ),
)

"""The OpenAPI 3.1 document of the bundled schemas (``dealerbridge schemas export --openapi``).

Every schema version is a component, ``components/schemas/<vendor>.<name>.v<N>`` (the key
naming of `dealerbridge._bundle`), without ``$id``/``$schema`` and with every ``$ref`` rewritten
to ``#/components/schemas/...``. ``paths`` lists the vendor endpoints the schemas and
``docs/vendor`` describe (method, path and query parameters, request and response bodies, the
error envelopes); ``webhooks`` lists the myKaarma order-event and Shopmonkey webhook
deliveries. The document is static data plus the schemas: no network.
"""

from __future__ import annotations

import copy
from typing import Any

from ._bundle import defs_key, rewrite_refs
from ._errors import UnknownSchemaError
from ._registry import SchemaRegistry
from ._schema_model import ObjectSchema

__all__ = ["ENDPOINTS", "WEBHOOKS", "openapi_document"]

_NON_BLANK = {"type": "string", "minLength": 1}

#: (vendor tag, method, path, summary, path parameters (name -> schema name or None),
#: query schema, header schema, request body schema, 200 response schema, error schema)
ENDPOINTS: tuple[dict[str, Any], ...] = (
    {
        "tag": "mykaarma",
        "method": "put",
        "path": "/order/v2/department/{departmentUUID}/order",
        "summary": "Create a service order (scope order.create)",
        "path_params": {"departmentUUID": None},
        "request": "mykaarma/create-order-request",
        "response": "mykaarma/create-order-response",
        "error": "mykaarma/create-order-response",
    },
    {
        "tag": "mykaarma",
        "method": "post",
        "path": "/order/v2/department/{departmentUUID}/order/{orderUUID}",
        "summary": "Update a service order (scope order.update)",
        "path_params": {"departmentUUID": None, "orderUUID": None},
        "headers": "mykaarma/update-order-headers",
        "request": "mykaarma/update-order-request",
        "response": "mykaarma/create-order-response",
        "error": "mykaarma/create-order-response",
    },
    {
        "tag": "mykaarma",
        "method": "get",
        "path": "/order/v2/department/{departmentUUID}/global_order/{orderUUID}",
        "summary": "Read a service order (scope order.fetch)",
        "path_params": {"departmentUUID": None, "orderUUID": None},
        "response": "mykaarma/read-order-response",
        "error": "mykaarma/read-order-response",
    },
    {
        "tag": "mykaarma",
        "method": "post",
        "path": "/appointment/v2/dealers/{dealerUuid}/partner-appointments-with-trip",
        "summary": "Create a partner appointment with trip (scope appointment.create)",
        "path_params": {"dealerUuid": None},
        "query": "mykaarma/partner-appointment-query",
        "request": "mykaarma/partner-appointment-request",
        "response": "mykaarma/partner-appointment-response",
        "error": "mykaarma/partner-appointment-response",
    },
    {
        "tag": "mykaarma",
        "method": "post",
        "path": "/customer/v2/department/{departmentUUID}/customer",
        "summary": "Create a customer (scope customer.update; myKaarma's samples use PUT)",
        "path_params": {"departmentUUID": None},
        "request": "mykaarma/create-customer-request",
        "response": "mykaarma/create-customer-response",
        "error": "mykaarma/create-customer-response",
    },
    {
        "tag": "mykaarma",
        "method": "put",
        "path": "/customer/v2/department/{departmentUUID}/customer/{customerUUID}",
        "summary": "Update a customer (scope customer.update; the API reference says POST)",
        "path_params": {"departmentUUID": None, "customerUUID": None},
        "request": "mykaarma/update-customer-request",
        "response": "mykaarma/update-customer-response",
        "error": "mykaarma/update-customer-response",
    },
    {
        "tag": "mykaarma",
        "method": "get",
        "path": "/customer/v2/department/{departmentUUID}/customer/{customerUUID}",
        "summary": "Read a customer with its vehicles (scope customer.search)",
        "path_params": {"departmentUUID": None, "customerUUID": None},
        "response": "mykaarma/read-customer-response",
        "error": "mykaarma/read-customer-response",
    },
    {
        "tag": "mykaarma",
        "method": "get",
        "path": "/customer/v2/department/{departmentUUID}/customer/list",
        "summary": "Search customers (scope customer.search)",
        "path_params": {"departmentUUID": None},
        "query": "mykaarma/search-customers-query",
        "response": "mykaarma/search-customers-response",
        "error": "mykaarma/search-customers-response",
    },
    {
        "tag": "shopmonkey",
        "method": "get",
        "path": "/v3/order/{orderId}/service",
        "summary": "Get the services of an order",
        "path_params": {"orderId": "shopmonkey/service-query"},
        "response": "shopmonkey/get-services-response",
        "error": "shopmonkey/error-response",
    },
    {
        "tag": "shopmonkey",
        "method": "post",
        "path": "/v3/order/{orderId}/service",
        "summary": "Add services to an order",
        "path_params": {"orderId": "shopmonkey/service-query"},
        "query_params": {"includeOrder": "shopmonkey/service-query"},
        "request": "shopmonkey/create-services-request",
        "response": "shopmonkey/create-services-response",
        "error": "shopmonkey/error-response",
    },
    {
        "tag": "shopmonkey",
        "method": "put",
        "path": "/v3/order/{orderId}/service/{id}",
        "summary": "Update a service of an order",
        "path_params": {"orderId": "shopmonkey/service-query", "id": "shopmonkey/service-query"},
        "query_params": {"includeOrder": "shopmonkey/service-query"},
        "request": "shopmonkey/update-service-request",
        "response": "shopmonkey/update-service-response",
        "error": "shopmonkey/error-response",
    },
    {
        "tag": "shopmonkey",
        "method": "delete",
        "path": "/v3/order/{orderId}/service/{id}",
        "summary": "Delete a service of an order (the body must be {})",
        "path_params": {"orderId": "shopmonkey/service-query", "id": "shopmonkey/service-query"},
        "query_params": {"includeOrder": "shopmonkey/service-query"},
        "request": "shopmonkey/delete-service-request",
        "response": "shopmonkey/delete-service-response",
        "error": "shopmonkey/error-response",
    },
)

_SERVERS = {
    "mykaarma": "https://api.mykaarma.com",
    "shopmonkey": "https://api.shopmonkey.cloud",
}

#: Webhook deliveries: name -> (schema, summary, signature header, request media type).
WEBHOOKS: dict[str, tuple[str, str, tuple[str, ...], str]] = {
    "mykaarma-order-event": (
        "mykaarma/order-event",
        "myKaarma Order Event: a service order was created or updated. Verify the "
        "mykaarma-signature-token HMAC over the raw body; acknowledge with 2xx within 5 s.",
        ("mykaarma-signature-token",),
        "text/plain",
    ),
    "shopmonkey-webhook": (
        "shopmonkey/webhook",
        "Shopmonkey v3 webhook: one row of one table inserted, updated or deleted. Verify "
        "webhook-signature (Standard Webhooks) over the raw body first.",
        ("webhook-id", "webhook-timestamp", "webhook-signature"),
        "application/json",
    ),
}


def _ref(registry: SchemaRegistry, name: str, pointer: str = "") -> dict[str, str]:
    document_id = registry.document(name)["$id"]
    return {"$ref": f"#/components/schemas/{defs_key(document_id)}{pointer}"}


def _component(registry: SchemaRegistry, name: str, version: int) -> dict[str, Any]:
    document = copy.deepcopy(registry.document(name, version))
    own_id = document.pop("$id")
    document.pop("$schema", None)

    def target(ref: str) -> str:
        document_id, _, fragment = ref.partition("#")
        return f"#/components/schemas/{defs_key(document_id or own_id)}{fragment}"

    rewrite_refs(document, target)
    return document


def _object(registry: SchemaRegistry, name: str) -> ObjectSchema:
    """The model of a parameters schema (an object whose members are the parameters)."""
    root = registry.model(name).root
    if not isinstance(root, ObjectSchema):
        raise UnknownSchemaError(f"{name}: a parameters schema must be an object")
    return root


def _parameter(
    registry: SchemaRegistry, where: str, name: str, schema_name: str | None, required: bool
) -> dict[str, Any]:
    if schema_name is None:
        schema: dict[str, Any] = dict(_NON_BLANK)
        description = f"The {name} path parameter."
    else:
        field = _object(registry, schema_name).field(name)
        if field is None:
            raise UnknownSchemaError(f"{schema_name}: no member {name!r}")
        schema = _ref(registry, schema_name, f"/properties/{name}")
        description = field.description
    return {
        "name": name,
        "in": where,
        "required": required,
        "description": description,
        "schema": schema,
    }


def _json_body(registry: SchemaRegistry, name: str, media: str = "application/json") -> Any:
    return {"content": {media: {"schema": _ref(registry, name)}}}


def _operation(registry: SchemaRegistry, spec: dict[str, Any]) -> dict[str, Any]:
    parameters = [
        _parameter(registry, "path", n, s, True) for n, s in spec.get("path_params", {}).items()
    ]
    for name, schema_name in spec.get("query_params", {}).items():
        parameters.append(_parameter(registry, "query", name, schema_name, False))
    for key, where in (("query", "query"), ("headers", "header")):
        schema_name = spec.get(key)
        if schema_name:
            for field in _object(registry, schema_name).fields:
                parameters.append(
                    _parameter(registry, where, field.wire_name, schema_name, field.required)
                )
    operation: dict[str, Any] = {
        "tags": [spec["tag"]],
        "summary": spec["summary"],
        "operationId": f"{spec['tag']}-{spec['method']}-{_slug(spec['path'])}",
        "servers": [{"url": _SERVERS[spec["tag"]]}],
        "parameters": parameters,
        "responses": {
            "200": {"description": "Success", **_json_body(registry, spec["response"])},
            "4XX": {"description": "Client error envelope", **_json_body(registry, spec["error"])},
            "5XX": {"description": "Server error envelope", **_json_body(registry, spec["error"])},
        },
    }
    if spec.get("request"):
        operation["requestBody"] = {"required": True, **_json_body(registry, spec["request"])}
    return operation


def _slug(path: str) -> str:
    return "-".join(part.strip("{}") for part in path.strip("/").split("/"))


def openapi_document(registry: SchemaRegistry, *, version: str = "0.1.0") -> dict[str, Any]:
    """The OpenAPI 3.1 document (see the module docstring)."""
    components = {
        defs_key(registry.document(name, v)["$id"]): _component(registry, name, v)
        for name in registry.names()
        for v in registry.versions(name)
    }
    paths: dict[str, dict[str, Any]] = {}
    for spec in ENDPOINTS:
        paths.setdefault(spec["path"], {})[spec["method"]] = _operation(registry, spec)
    webhooks: dict[str, Any] = {}
    for key, (name, summary, headers, media) in WEBHOOKS.items():
        webhooks[key] = {
            "post": {
                "summary": summary,
                "operationId": f"webhook-{key}",
                "parameters": [
                    {"name": h, "in": "header", "required": True, "schema": dict(_NON_BLANK)}
                    for h in headers
                ],
                "requestBody": {"required": True, **_json_body(registry, name, media)},
                "responses": {"2XX": {"description": "Acknowledged"}},
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "dealerbridge: myKaarma and Shopmonkey payloads",
            "version": version,
            "description": (
                "The JSON Schemas dealerbridge validates with, as OpenAPI components, and the "
                "vendor endpoints and webhook deliveries they describe. Content decoding "
                "(contentMediaType/contentSchema) is dealerbridge's extension."
            ),
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "tags": [{"name": "mykaarma"}, {"name": "shopmonkey"}],
        "paths": paths,
        "webhooks": webhooks,
        "components": {"schemas": components},
    }

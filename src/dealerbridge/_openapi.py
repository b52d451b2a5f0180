"""The OpenAPI 3.1 document of the bundled schemas (``dealerbridge schemas export --openapi``).

Every schema version and every definition nested in one is a component of its own, hoisted
flat into ``components/schemas`` under the keys of `dealerbridge._bundle.Flattener` (a titled
object under its title, ``Service``; another definition under its own key, ``cents``), in the
portable form strict tools accept (`dealerbridge._bundle.portable`), every ``$ref`` rewritten
to ``#/components/schemas/<key>``. ``paths`` lists the vendor endpoints the schemas and
``docs/vendor`` describe (method, path and query parameters, request and response bodies, the
error envelopes), each with its vendor's server and security scheme (myKaarma: HTTP Basic;
Shopmonkey: a bearer token) and an example for each body taken from the shipped fixtures
(``schemas/<vendor>/<name>/examples/*.json``); ``webhooks`` lists the myKaarma order-event and
Shopmonkey webhook deliveries. The document is static data plus the schemas: no network.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ._bundle import Flattener
from ._errors import UnknownSchemaError
from ._registry import SchemaRegistry
from ._schema_model import ObjectSchema

__all__ = ["ENDPOINTS", "WEBHOOKS", "component_keys", "openapi_document"]

_NON_BLANK = {"type": "string", "minLength": 1}

_MYKAARMA_ORDER = "/order/v2/department/{departmentUUID}"
_MYKAARMA_CUSTOMER = "/customer/v2/department/{departmentUUID}"

#: One dict per operation: vendor ``tag``, ``method``, ``path``, ``summary``, ``path_params``
#: (name -> schema whose member describes it, or None), ``query_params`` (the same, optional),
#: ``query`` / ``headers`` (a schema whose members are the parameters), ``request``,
#: ``response`` (200) and ``error`` (4XX/5XX) body schemas.
ENDPOINTS: tuple[dict[str, Any], ...] = (
    {
        "tag": "mykaarma",
        "method": "put",
        "path": _MYKAARMA_ORDER + "/order",
        "summary": "Create a service order (scope order.create)",
        "path_params": {"departmentUUID": None},
        "request": "mykaarma/create-order-request",
        "response": "mykaarma/create-order-response",
        "error": "mykaarma/create-order-response",
    },
    {
        "tag": "mykaarma",
        "method": "post",
        "path": _MYKAARMA_ORDER + "/order/{orderUUID}",
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
        "path": _MYKAARMA_ORDER + "/global_order/{orderUUID}",
        "summary": "Read a service order (scope order.fetch)",
        "path_params": {"departmentUUID": None, "orderUUID": None},
        "response": "mykaarma/read-order-response",
        "error": "mykaarma/read-order-response",
    },
    {
        "tag": "mykaarma",
        "method": "post",
        "path": _MYKAARMA_ORDER + "/order/specificSearch",
        "summary": "Search service orders, one page at a time (scope order.specific.search)",
        "path_params": {"departmentUUID": None},
        "request": "mykaarma/search-orders-request",
        "response": "mykaarma/search-orders-response",
        "error": "mykaarma/search-orders-response",
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
        "path": _MYKAARMA_CUSTOMER + "/customer",
        "summary": "Create a customer (scope customer.update; myKaarma's samples use PUT)",
        "path_params": {"departmentUUID": None},
        "request": "mykaarma/create-customer-request",
        "response": "mykaarma/create-customer-response",
        "error": "mykaarma/create-customer-response",
    },
    {
        "tag": "mykaarma",
        "method": "put",
        "path": _MYKAARMA_CUSTOMER + "/customer/{customerUUID}",
        "summary": "Update a customer (scope customer.update; the API reference says POST)",
        "path_params": {"departmentUUID": None, "customerUUID": None},
        "request": "mykaarma/update-customer-request",
        "response": "mykaarma/update-customer-response",
        "error": "mykaarma/update-customer-response",
    },
    {
        "tag": "mykaarma",
        "method": "get",
        "path": _MYKAARMA_CUSTOMER + "/customer/{customerUUID}",
        "summary": "Read a customer with its vehicles (scope customer.search)",
        "path_params": {"departmentUUID": None, "customerUUID": None},
        "response": "mykaarma/read-customer-response",
        "error": "mykaarma/read-customer-response",
    },
    {
        "tag": "mykaarma",
        "method": "get",
        "path": _MYKAARMA_CUSTOMER + "/customer/list",
        "summary": "Search customers (scope customer.search)",
        "path_params": {"departmentUUID": None},
        "query": "mykaarma/search-customers-query",
        "response": "mykaarma/search-customers-response",
        "error": "mykaarma/search-customers-response",
    },
    {
        "tag": "shopmonkey",
        "method": "get",
        "path": "/v3/order",
        "summary": "List orders (limit at most 100, skip, orderby; meta.total can over-count)",
        "response": "shopmonkey/list-orders-response",
        "error": "shopmonkey/error-response",
    },
    {
        "tag": "shopmonkey",
        "method": "get",
        "path": "/v3/order/{orderId}",
        "summary": "Get an order (without its services)",
        "path_params": {"orderId": "shopmonkey/service-query"},
        "response": "shopmonkey/get-order-response",
        "error": "shopmonkey/error-response",
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
    "mykaarma": ("https://api.mykaarma.com", "myKaarma production API"),
    "shopmonkey": ("https://api.shopmonkey.cloud", "Shopmonkey production API"),
}

_SECURITY = {
    "mykaarma": (
        "mykaarmaBasic",
        {
            "type": "http",
            "scheme": "basic",
            "description": "myKaarma: HTTP Basic with the partner's username and password; "
            "each operation needs its scope (order.create, order.update, ...).",
        },
    ),
    "shopmonkey": (
        "shopmonkeyBearer",
        {
            "type": "http",
            "scheme": "bearer",
            "description": "Shopmonkey: an API key sent as 'Authorization: Bearer <key>'.",
        },
    ),
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


def component_keys(registry: SchemaRegistry) -> tuple[Flattener, dict[tuple[str, int], str]]:
    """The flattener holding every component (drained) and the key of each schema version."""
    flat = Flattener(registry, "#/components/schemas/")
    keys: dict[tuple[str, int], str] = {}
    for name in registry.names():
        for version in registry.versions(name):
            document = registry.document(name, version)
            if any(k in document for k in ("type", "properties", "items", "anyOf", "$ref")):
                keys[(name, version)] = flat.key(document["$id"], "")
            for key in document.get("$defs", {}):
                flat.key(document["$id"], "/$defs/" + key.replace("~", "~0").replace("/", "~1"))
    flat.drain(annotations=False)
    return flat, keys


class _Builder:
    def __init__(self, registry: SchemaRegistry, flat: Flattener) -> None:
        self.registry = registry
        self.flat = flat

    def ref(self, name: str, pointer: str = "") -> dict[str, str]:
        document_id = self.registry.document(name)["$id"]
        return {"$ref": self.flat.ref(document_id, pointer)}

    def object(self, name: str) -> ObjectSchema:
        """The model of a parameters schema (an object whose members are the parameters)."""
        root = self.registry.model(name).root
        if not isinstance(root, ObjectSchema):
            raise UnknownSchemaError(f"{name}: a parameters schema must be an object")
        return root

    def parameter(
        self, where: str, name: str, schema_name: str | None, required: bool
    ) -> dict[str, Any]:
        if schema_name is None:
            schema: dict[str, Any] = dict(_NON_BLANK)
            description = f"The {name} path parameter."
        else:
            field = self.object(schema_name).field(name)
            if field is None:
                raise UnknownSchemaError(f"{schema_name}: no member {name!r}")
            schema = self.ref(schema_name, f"/properties/{name}")
            description = field.description
        return {
            "name": name,
            "in": where,
            "required": required,
            "description": description,
            "schema": schema,
        }

    def body(self, name: str, media: str = "application/json") -> dict[str, Any]:
        content: dict[str, Any] = {"schema": self.ref(name)}
        examples = _examples(name)
        if examples:
            content["examples"] = {
                label: {"summary": f"{label} (tests/fixtures/{name})", "value": value}
                for label, value in examples.items()
            }
        return {"content": {media: content}}

    def operation(self, spec: dict[str, Any]) -> dict[str, Any]:
        parameters = [
            self.parameter("path", n, s, True) for n, s in spec.get("path_params", {}).items()
        ]
        for name, schema_name in spec.get("query_params", {}).items():
            parameters.append(self.parameter("query", name, schema_name, False))
        for key, where in (("query", "query"), ("headers", "header")):
            schema_name = spec.get(key)
            if schema_name:
                for field in self.object(schema_name).fields:
                    parameters.append(
                        self.parameter(where, field.wire_name, schema_name, field.required)
                    )
        url, description = _SERVERS[spec["tag"]]
        scheme, _ = _SECURITY[spec["tag"]]
        operation: dict[str, Any] = {
            "tags": [spec["tag"]],
            "summary": spec["summary"],
            "operationId": f"{spec['tag']}-{spec['method']}-{_slug(spec['path'])}",
            "servers": [{"url": url, "description": description}],
            "security": [{scheme: []}],
            "parameters": parameters,
            "responses": {
                "200": {"description": "Success", **self.body(spec["response"])},
                "4XX": {"description": "Client error envelope", **self.body(spec["error"])},
                "5XX": {"description": "Server error envelope", **self.body(spec["error"])},
            },
        }
        if spec.get("request"):
            operation["requestBody"] = {"required": True, **self.body(spec["request"])}
        return operation


def _examples(name: str) -> dict[str, Any]:
    """The examples shipped beside the schema (``schemas/<name>/examples/<label>.json``)."""
    from ._registry import schema_root

    folder: Path = schema_root() / name / "examples"
    return {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("*.json"))
    }


def _slug(path: str) -> str:
    return "-".join(part.strip("{}") for part in path.strip("/").split("/"))


def openapi_document(registry: SchemaRegistry, *, version: str = "0.1.0") -> dict[str, Any]:
    """The OpenAPI 3.1 document (see the module docstring)."""
    flat, _ = component_keys(registry)
    build = _Builder(registry, flat)
    paths: dict[str, dict[str, Any]] = {}
    for spec in ENDPOINTS:
        paths.setdefault(spec["path"], {})[spec["method"]] = build.operation(spec)
    webhooks: dict[str, Any] = {}
    for key, (name, summary, headers, media) in WEBHOOKS.items():
        webhooks[key] = {
            "post": {
                "summary": summary,
                "operationId": f"webhook-{key}",
                "security": [],
                "parameters": [
                    {
                        "name": h,
                        "in": "header",
                        "required": True,
                        "description": f"The {h} header of the delivery.",
                        "schema": dict(_NON_BLANK),
                    }
                    for h in headers
                ],
                "requestBody": {"required": True, **build.body(name, media)},
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
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "servers": [{"url": url, "description": text} for url, text in _SERVERS.values()],
        "tags": [
            {"name": "mykaarma", "description": "myKaarma service-department API"},
            {"name": "shopmonkey", "description": "Shopmonkey shop-management API v3"},
        ],
        "paths": paths,
        "webhooks": webhooks,
        "components": {
            "schemas": flat.definitions,
            "securitySchemes": dict(_SECURITY.values()),
        },
    }

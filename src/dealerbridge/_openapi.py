"""The OpenAPI 3.1 document of the bundled schemas (``dealerbridge schemas export --openapi``).

Every schema version and every definition nested in one is a component of its own, hoisted
flat into ``components/schemas`` under the keys of `dealerbridge._bundle.Flattener` (a titled
object under its title, ``Service``; another definition under its own key, ``cents``), in the
portable form strict tools accept (`dealerbridge._bundle.portable`), every ``$ref`` rewritten
to ``#/components/schemas/<key>``.

The core knows no vendor: the endpoints, webhook deliveries, server and security scheme of each
vendor are defined in the vendor's package (``<package>/_endpoints.py``) as one `VendorApi` and
handed to the core with `register_api` by the package's ``_registration.py``, which the core
imports through the ``dealerbridge.registrations`` entry points (as for the issue codes,
`dealerbridge._codes`). ``paths`` then lists every registered endpoint (method, path and query
parameters, request and response bodies, the error envelopes), each with its vendor's server
and security scheme and an example for each body taken from the shipped fixtures
(``schemas/<vendor>/<name>/examples/*.json``); ``webhooks`` lists the registered deliveries.
Vendors appear in the order of their tags, so the document does not depend on which package
was imported first. The document is static data plus the schemas: no network.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs

from ._codes import load_registrations
from ._errors import DealerbridgeUsageError, UnknownSchemaError

if TYPE_CHECKING:
    from ._bundle import Flattener
    from ._registry import SchemaRegistry
    from ._schema_model import ObjectSchema

__all__ = [
    "Endpoint",
    "VendorApi",
    "Webhook",
    "component_keys",
    "endpoints",
    "openapi_document",
    "register_api",
    "registered_apis",
]

_NON_BLANK = {"type": "string", "minLength": 1}

Method = Literal["get", "put", "post", "delete", "patch"]


def _params(value: Mapping[str, str | None]) -> Mapping[str, str | None]:
    return dict(value)


def _scheme(value: Mapping[str, str]) -> Mapping[str, str]:
    return dict(value)


@attrs.frozen(kw_only=True)
class Endpoint:
    """One vendor operation as the OpenAPI document describes it."""

    method: Method
    path: str
    """The URL path template (``/v3/order/{orderId}``)."""
    summary: str
    response: str
    """The schema of the 200 body."""
    error: str
    """The schema of the 4XX/5XX body (the vendor's error envelope)."""
    request: str | None = None
    """The schema of the request body; None for an operation without one."""
    path_params: Mapping[str, str | None] = attrs.field(factory=dict, converter=_params)
    """Path parameter -> a parameters schema whose member of the same name describes it, or None
    (then a non-blank string)."""
    query_params: Mapping[str, str | None] = attrs.field(factory=dict, converter=_params)
    """Optional query parameters, described the same way."""
    query: str | None = None
    """A schema whose members are the query parameters (required as the schema says)."""
    headers: str | None = None
    """A schema whose members are the request headers (required as the schema says)."""


@attrs.frozen(kw_only=True)
class Webhook:
    """One webhook delivery the vendor sends."""

    key: str
    """The key under ``webhooks`` (``<vendor>-<event>``)."""
    schema: str
    """The schema of the delivered body."""
    summary: str
    headers: tuple[str, ...]
    """The headers every delivery carries (signature, id, timestamp)."""
    media_type: str
    """The body's media type as the vendor sends it."""


@attrs.frozen(kw_only=True)
class VendorApi:
    """Everything the OpenAPI document says about one vendor's API."""

    tag: str
    """The vendor's tag, the prefix of its operation ids (its package name)."""
    name: str
    """The vendor's name as written in prose (in the document's title)."""
    description: str
    """The tag's description."""
    server: tuple[str, str]
    """(URL, description) of the production server."""
    security_scheme: str
    """The name of its security scheme under ``components/securitySchemes``."""
    security: Mapping[str, str] = attrs.field(converter=_scheme)
    """The OpenAPI security scheme object."""
    endpoints: tuple[Endpoint, ...]
    webhooks: tuple[Webhook, ...] = ()


_apis: dict[str, VendorApi] = {}
_lock = threading.Lock()


def register_api(api: VendorApi) -> None:
    """Add *api* to the OpenAPI document. Registering the same description again does
    nothing; another one under a tag already taken is a `DealerbridgeUsageError`."""
    if not isinstance(api, VendorApi):
        raise DealerbridgeUsageError(f"expected a VendorApi, got {type(api).__name__}")
    with _lock:
        known = _apis.get(api.tag)
        if known is not None and known != api:
            raise DealerbridgeUsageError(f"an API is already registered under tag {api.tag!r}")
        _apis[api.tag] = api


def registered_apis() -> tuple[VendorApi, ...]:
    """Every registered vendor API (the registrations loaded first), in the order of tags."""
    load_registrations()
    return tuple(_apis[tag] for tag in sorted(_apis))


def endpoints() -> tuple[Endpoint, ...]:
    """Every registered endpoint, vendor by vendor (the order of ``paths``)."""
    return tuple(e for api in registered_apis() for e in api.endpoints)


def component_keys(registry: SchemaRegistry) -> tuple[Flattener, dict[tuple[str, int], str]]:
    """The flattener holding every component (drained) and the key of each schema version."""
    from ._bundle import Flattener

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
        from ._schema_model import ObjectSchema

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

    def operation(self, api: VendorApi, endpoint: Endpoint) -> dict[str, Any]:
        parameters = [self.parameter("path", n, s, True) for n, s in endpoint.path_params.items()]
        for name, schema_name in endpoint.query_params.items():
            parameters.append(self.parameter("query", name, schema_name, False))
        for schema_name, where in ((endpoint.query, "query"), (endpoint.headers, "header")):
            if schema_name:
                for field in self.object(schema_name).fields:
                    parameters.append(
                        self.parameter(where, field.wire_name, schema_name, field.required)
                    )
        url, description = api.server
        operation: dict[str, Any] = {
            "tags": [api.tag],
            "summary": endpoint.summary,
            "operationId": f"{api.tag}-{endpoint.method}-{_slug(endpoint.path)}",
            "servers": [{"url": url, "description": description}],
            "security": [{api.security_scheme: []}],
            "parameters": parameters,
            "responses": {
                "200": {"description": "Success", **self.body(endpoint.response)},
                "4XX": {"description": "Client error envelope", **self.body(endpoint.error)},
                "5XX": {"description": "Server error envelope", **self.body(endpoint.error)},
            },
        }
        if endpoint.request:
            operation["requestBody"] = {"required": True, **self.body(endpoint.request)}
        return operation

    def webhook(self, hook: Webhook) -> dict[str, Any]:
        return {
            "post": {
                "summary": hook.summary,
                "operationId": f"webhook-{hook.key}",
                "security": [],
                "parameters": [
                    {
                        "name": h,
                        "in": "header",
                        "required": True,
                        "description": f"The {h} header of the delivery.",
                        "schema": dict(_NON_BLANK),
                    }
                    for h in hook.headers
                ],
                "requestBody": {"required": True, **self.body(hook.schema, hook.media_type)},
                "responses": {"2XX": {"description": "Acknowledged"}},
            }
        }


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
    apis = registered_apis()
    paths: dict[str, dict[str, Any]] = {}
    webhooks: dict[str, Any] = {}
    for api in apis:
        for endpoint in api.endpoints:
            paths.setdefault(endpoint.path, {})[endpoint.method] = build.operation(api, endpoint)
        for hook in api.webhooks:
            webhooks[hook.key] = build.webhook(hook)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"dealerbridge: {' and '.join(api.name for api in apis)} payloads",
            "version": version,
            "description": (
                "The JSON Schemas dealerbridge validates with, as OpenAPI components, and the "
                "vendor endpoints and webhook deliveries they describe. Content decoding "
                "(contentMediaType/contentSchema) is dealerbridge's extension."
            ),
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "servers": [{"url": api.server[0], "description": api.server[1]} for api in apis],
        "tags": [{"name": api.tag, "description": api.description} for api in apis],
        "paths": paths,
        "webhooks": webhooks,
        "components": {
            "schemas": flat.definitions,
            "securitySchemes": {api.security_scheme: dict(api.security) for api in apis},
        },
    }

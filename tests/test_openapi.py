"""`dealerbridge schemas export --openapi FILE`: an OpenAPI 3.1 document that
openapi-spec-validator accepts, with every schema, the vendor endpoints and the webhooks."""

import json
import re
import subprocess
import sys

import jsonschema
import pytest
from openapi_spec_validator import validate
from referencing import Registry
from referencing.exceptions import NoSuchResource

import dealerbridge as db
from dealerbridge._openapi import component_keys, endpoints

from .test_parity import fixture_cases, schema_verdict
from .vendor_support import FIXTURES, ROOT


@pytest.fixture(scope="module")
def document(tmp_path_factory):
    target = tmp_path_factory.mktemp("openapi") / "dealerbridge.openapi.json"
    done = subprocess.run(
        [sys.executable, "-m", "dealerbridge", "schemas", "export", "--openapi", str(target)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    return json.loads(target.read_text())


def installed_names():
    return [n for n in db.schema_names() if not n.startswith("test/")]


def test_the_validator_accepts_it(document):
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_the_validator_notices_a_broken_document(document):
    broken = json.loads(json.dumps(document))
    broken["paths"]["/v3/order/{orderId}/service"]["get"]["parameters"] = []
    with pytest.raises(Exception, match="orderId"):
        validate(broken)
    dangling = json.loads(json.dumps(document))
    del dangling["components"]["schemas"]["GetServicesResponse"]
    with pytest.raises(Exception, match="GetServicesResponse"):
        validate(dangling)


def test_every_schema_version_and_nested_definition_is_a_component(document):
    components = document["components"]["schemas"]
    registry = db._default_registry()
    _, keys = component_keys(registry)
    installed = {k: v for k, v in keys.items() if not k[0].startswith("test/")}
    assert {n for n, _ in installed} == set(installed_names()) - {"common/primitives"}
    assert set(installed.values()) <= set(components)
    assert (
        components["OrderEvent"]["title"] == "OrderEvent" and "$id" not in components["OrderEvent"]
    )
    # nested $defs are hoisted: no component holds $defs, every $ref is one component
    for key, node in components.items():
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", key), key
        assert "$defs" not in node, key
    for ref in _refs(document):
        assert re.fullmatch(r"#/components/schemas/[A-Za-z0-9_]+(/properties/[A-Za-z0-9_]+)?", ref)
    assert "OrderEventPayload" in components and "CreateOrderGog" in components


def _refs(node):
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for key, value in node.items():
            if key not in ("enum", "const", "examples", "default", "example"):
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def test_servers_security_and_examples_from_the_fixtures(document):
    assert {s["url"] for s in document["servers"]} == {
        "https://api.mykaarma.com",
        "https://api.shopmonkey.cloud",
    }
    schemes = document["components"]["securitySchemes"]
    assert schemes["mykaarmaBasic"] == {
        **schemes["mykaarmaBasic"],
        "type": "http",
        "scheme": "basic",
    }
    assert schemes["shopmonkeyBearer"]["scheme"] == "bearer"
    bodies = 0
    for path, item in document["paths"].items():
        for method, operation in item.items():
            vendor = operation["tags"][0]
            assert operation["security"] == [
                {"mykaarmaBasic" if vendor == "mykaarma" else "shopmonkeyBearer": []}
            ]
            contents = [operation.get("requestBody", {}).get("content", {})]
            contents += [r["content"] for r in operation["responses"].values()]
            for content in contents:
                for media in content.values():
                    (example,) = media["examples"].values()
                    # taken from the shipped fixtures, and valid
                    label = next(iter(media["examples"]))
                    name = _schema_of(document, media["schema"])
                    fixture = FIXTURES / name / f"{label}.json"
                    assert json.loads(fixture.read_text()) == example["value"], (path, method)
                    assert db.errors(example["value"], name) == [], (path, method)
                    bodies += 1
    assert bodies >= 40


def _schema_of(document, ref):
    key = ref["$ref"].rsplit("/", 1)[1]
    _, keys = component_keys(db._default_registry())
    (name,) = [n for (n, _v), k in keys.items() if k == key]
    return name


def test_the_documented_endpoints_and_webhooks(document):
    operations = {
        (method.upper(), path) for path, item in document["paths"].items() for method in item
    }
    assert operations == {
        ("PUT", "/order/v2/department/{departmentUUID}/order"),
        ("POST", "/order/v2/department/{departmentUUID}/order/{orderUUID}"),
        ("GET", "/order/v2/department/{departmentUUID}/global_order/{orderUUID}"),
        ("POST", "/order/v2/department/{departmentUUID}/order/specificSearch"),
        ("POST", "/appointment/v2/dealers/{dealerUuid}/partner-appointments-with-trip"),
        ("POST", "/customer/v2/department/{departmentUUID}/customer"),
        ("PUT", "/customer/v2/department/{departmentUUID}/customer/{customerUUID}"),
        ("GET", "/customer/v2/department/{departmentUUID}/customer/{customerUUID}"),
        ("GET", "/customer/v2/department/{departmentUUID}/customer/list"),
        ("GET", "/v3/order"),
        ("GET", "/v3/order/{orderId}"),
        ("GET", "/v3/order/{orderId}/service"),
        ("POST", "/v3/order/{orderId}/service"),
        ("PUT", "/v3/order/{orderId}/service/{id}"),
        ("DELETE", "/v3/order/{orderId}/service/{id}"),
    }
    listed = document["paths"]["/v3/order"]["get"]
    assert {(p["name"], p["in"], p["required"]) for p in listed["parameters"]} == {
        ("limit", "query", False),
        ("skip", "query", False),
        ("orderby", "query", False),
    }
    put = document["paths"]["/v3/order/{orderId}/service/{id}"]["put"]
    assert {(p["name"], p["in"], p["required"]) for p in put["parameters"]} == {
        ("orderId", "path", True),
        ("id", "path", True),
        ("includeOrder", "query", False),
    }
    body = put["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/UpdateServiceRequest"}
    error = put["responses"]["4XX"]["content"]["application/json"]["schema"]
    assert error == {"$ref": "#/components/schemas/ErrorResponse"}
    update = document["paths"]["/order/v2/department/{departmentUUID}/order/{orderUUID}"]["post"]
    assert ("orderReadChecksum", "header", True) in {
        (p["name"], p["in"], p["required"]) for p in update["parameters"]
    }
    partner = document["paths"][
        "/appointment/v2/dealers/{dealerUuid}/partner-appointments-with-trip"
    ]["post"]
    query = [p for p in partner["parameters"] if p["in"] == "query"]
    assert {(p["name"], p["required"]) for p in query} == {
        ("mobileServiceApptUuid", False),
        ("regularServiceApptUuid", False),
    }
    assert all(p["description"].startswith("UUID of an existing") for p in query)
    hooks = document["webhooks"]
    assert set(hooks) == {"mykaarma-order-event", "shopmonkey-webhook"}
    delivery = hooks["mykaarma-order-event"]["post"]["requestBody"]["content"]
    assert delivery["text/plain"]["schema"] == {"$ref": "#/components/schemas/OrderEvent"}
    assert len(endpoints()) == len(operations)


def _refuse(uri):
    raise NoSuchResource(ref=uri)


def test_components_give_the_schema_verdicts(document):
    """Each component, read through the document's own references, gives dealerbridge's verdict
    on the fixtures (so every rewritten $ref resolves to the right place)."""
    empty = Registry(retrieve=_refuse)
    _, keys = component_keys(db._default_registry())
    checked = 0
    for name, instance in fixture_cases():
        if name.startswith("test/"):
            continue
        root = {
            "$ref": f"#/components/schemas/{keys[(name, 1)]}",
            "components": document["components"],
        }
        checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
        verdict = jsonschema.Draft202012Validator(
            root, registry=empty, format_checker=checker
        ).is_valid(instance)
        assert verdict == schema_verdict(name, instance), name
        checked += 1
    assert checked > 20

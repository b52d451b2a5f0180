"""`dealerbridge schemas export --openapi FILE`: an OpenAPI 3.1 document that
openapi-spec-validator accepts, with every schema, the vendor endpoints and the webhooks."""

import json
import subprocess
import sys

import jsonschema
import pytest
from openapi_spec_validator import validate
from referencing import Registry
from referencing.exceptions import NoSuchResource

import dealerbridge as db
from dealerbridge._openapi import ENDPOINTS

from .test_parity import fixture_cases, schema_verdict
from .vendor_support import ROOT


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
    del dangling["components"]["schemas"]["shopmonkey.get-services-response.v1"]
    with pytest.raises(Exception, match="get-services-response"):
        validate(dangling)


def test_every_schema_version_is_a_component(document):
    components = document["components"]["schemas"]
    registry = db._default_registry()
    expected = {
        f"{name.replace('/', '.')}.v{v}"
        for name in installed_names()
        for v in registry.versions(name)
    }
    assert set(components) == expected
    assert "$id" not in components["mykaarma.order-event.v1"]


def test_the_documented_endpoints_and_webhooks(document):
    operations = {
        (method.upper(), path) for path, item in document["paths"].items() for method in item
    }
    assert operations == {
        ("PUT", "/order/v2/department/{departmentUUID}/order"),
        ("POST", "/order/v2/department/{departmentUUID}/order/{orderUUID}"),
        ("GET", "/order/v2/department/{departmentUUID}/global_order/{orderUUID}"),
        ("POST", "/appointment/v2/dealers/{dealerUuid}/partner-appointments-with-trip"),
        ("POST", "/customer/v2/department/{departmentUUID}/customer"),
        ("PUT", "/customer/v2/department/{departmentUUID}/customer/{customerUUID}"),
        ("GET", "/customer/v2/department/{departmentUUID}/customer/{customerUUID}"),
        ("GET", "/customer/v2/department/{departmentUUID}/customer/list"),
        ("GET", "/v3/order/{orderId}/service"),
        ("POST", "/v3/order/{orderId}/service"),
        ("PUT", "/v3/order/{orderId}/service/{id}"),
        ("DELETE", "/v3/order/{orderId}/service/{id}"),
    }
    put = document["paths"]["/v3/order/{orderId}/service/{id}"]["put"]
    assert {(p["name"], p["in"], p["required"]) for p in put["parameters"]} == {
        ("orderId", "path", True),
        ("id", "path", True),
        ("includeOrder", "query", False),
    }
    body = put["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/shopmonkey.update-service-request.v1"}
    error = put["responses"]["4XX"]["content"]["application/json"]["schema"]
    assert error == {"$ref": "#/components/schemas/shopmonkey.error-response.v1"}
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
    assert delivery == {
        "text/plain": {"schema": {"$ref": "#/components/schemas/mykaarma.order-event.v1"}}
    }
    assert len(ENDPOINTS) == len(operations)


def _refuse(uri):
    raise NoSuchResource(ref=uri)


def test_components_give_the_schema_verdicts(document):
    """Each component, read through the document's own references, gives dealerbridge's verdict
    on the fixtures (so every rewritten $ref resolves to the right place)."""
    empty = Registry(retrieve=_refuse)
    checked = 0
    for name, instance in fixture_cases():
        if name.startswith("test/"):
            continue
        root = {
            "$ref": f"#/components/schemas/{name.replace('/', '.')}.v1",
            "components": document["components"],
        }
        checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
        verdict = jsonschema.Draft202012Validator(
            root, registry=empty, format_checker=checker
        ).is_valid(instance)
        assert verdict == schema_verdict(name, instance), name
        checked += 1
    assert checked > 20

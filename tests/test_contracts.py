"""The fakes conform to our own contract (issue 22 item 3): Schemathesis generates requests
from the exported OpenAPI document (`dealerbridge schemas export --openapi`) and checks every
answer of each fake's ASGI app against the documented statuses and response schemas.

In process, no network; the path parameters are pinned to records seeded in the fake, so the
generated bodies reach the success paths as well as the refusals. Examples are bounded (a few
per operation) to keep the suite inside its time budget.
"""

from __future__ import annotations

import base64
import functools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from dealerbridge._openapi import openapi_document
from dealerbridge._registry import default_registry
from dealerbridge.fakes import FakeMyKaarma, FakeShopmonkey

schemathesis = pytest.importorskip("schemathesis")

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLES_PER_OPERATION = 4
#: What the contract promises: no server error, only documented statuses, content types and
#: response bodies our schemas accept, and every schema-invalid request refused. Schemathesis'
#: "positive data acceptance" is left out: a vendor refuses schema-valid requests by its
#: state and rules (the same order within 30 days, a stale checksum, the partner codes).
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.negative_data_rejection,
]


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


@functools.cache
def exported() -> dict[str, Any]:
    return openapi_document(default_registry())


def operations(tag: str, app: Any) -> list[Any]:
    schema = schemathesis.openapi.from_dict(exported())
    schema.app = app
    found = [result.ok() for result in schema.get_all_operations()]
    return [op for op in found if tag in op.definition.raw.get("tags", [])]


def check(fake: Any, tag: str, pinned: dict[str, str], headers: dict[str, str]) -> list[str]:
    checked = []
    for operation in operations(tag, fake.asgi):
        names = {p.name for p in operation.path_parameters}
        pins = {k: v for k, v in pinned.items() if k in names}
        strategy = operation.as_strategy(path_parameters=pins) | operation.as_strategy(
            schemathesis.GenerationMode.NEGATIVE, path_parameters=pins
        )

        # Generated data, and every request a fake refuses, are the point here: the health
        # checks about filtering and data size do not apply to a contract run.
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,  # the same cases every run: a contract test never flickers
            suppress_health_check=[
                HealthCheck.filter_too_much,
                HealthCheck.too_slow,
                HealthCheck.data_too_large,
            ],
        )
        @given(strategy)
        def run(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        run()
        checked.append(operation.label)
    return checked


def test_fake_mykaarma_conforms_to_the_exported_openapi() -> None:
    fake = FakeMyKaarma()
    order_uuid = fake.add_order(fixture("mykaarma/read-order-response/valid-closed-order.json"))
    customer = fixture("mykaarma/read-customer-response/valid-read.json")["customerWithVehicles"]
    customer_uuid = fake.add_customer(customer)
    pinned = {
        "departmentUUID": fake.department_uuid,
        "dealerUuid": fake.dealer_uuid,
        "orderUUID": order_uuid,
        "customerUUID": customer_uuid,
    }
    token = base64.b64encode(f"{fake.username}:{fake.password}".encode()).decode()
    checked = check(fake, "mykaarma", pinned, {"authorization": f"Basic {token}"})
    assert len(checked) == 9
    assert {r.status for r in fake.requests} >= {200, 400}
    search = "/order/v2/department/{departmentUUID}/order/specificSearch"
    assert f"POST {search}" in checked
    searched = {r.status for r in fake.requests if r.path.endswith("/order/specificSearch")}
    assert searched >= {200, 400}  # answered pages and refusals


def test_fake_shopmonkey_conforms_to_the_exported_openapi() -> None:
    fake = FakeShopmonkey()
    services = fixture("shopmonkey/get-services-response/valid-two-services.json")["data"]
    order_id = fake.add_order(fixture("shopmonkey/order/valid-live-detail-shape.json"), services)
    pinned = {"orderId": order_id, "id": fake.services[order_id][0]["id"]}
    checked = check(fake, "shopmonkey", pinned, {"authorization": f"Bearer {fake.api_key}"})
    assert len(checked) == 6
    assert {"GET /v3/order", "GET /v3/order/{orderId}"} <= set(checked)
    assert 200 in {r.status for r in fake.requests}

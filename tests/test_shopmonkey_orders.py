"""Shopmonkey order helpers and reading the service responses."""

import warnings

import pytest

import dealerbridge as db
from dealerbridge import shopmonkey as sm

from .vendor_support import FIXTURES

ORDERS = FIXTURES / "shopmonkey" / "order"


def load_order(name):
    return db.load(sm.Order, db.parse_json((ORDERS / name).read_bytes()))


def test_order_number_is_a_string_whichever_type_was_sent():
    live = load_order("valid-live-detail-shape.json")
    seed = load_order("valid-seed-shape-number-integer.json")
    assert live.number == "1042" and seed.number == 1042
    assert sm.order_number(live) == sm.order_number(seed) == "1042"
    # the wire value is kept as sent
    assert db.dump(seed)["number"] == 1042


def test_order_number_rejects_a_value_that_is_neither():
    order = load_order("valid-live-detail-shape.json")
    object.__setattr__(order, "number", True)
    with pytest.raises(db.ValidationError) as caught:
        sm.order_number(order)
    assert [(i.path, i.code) for i in caught.value.issues] == [("/number", "type")]


def test_reading_a_get_response_as_the_readme_shows():
    body = (
        FIXTURES / "shopmonkey" / "get-services-response" / "valid-two-services.json"
    ).read_bytes()
    response = db.load(sm.GetServicesResponse, db.parse_json(body))
    assert response.success is True
    brakes = response.data[0]
    assert isinstance(brakes, sm.Service)
    assert brakes.total_cents == 49209
    assert sum(labor.rate_cents or 0 for labor in brakes.labors) > 0


def test_an_added_field_and_enum_value_in_a_response_are_kept_and_reported():
    body = db.parse_json(
        (FIXTURES / "shopmonkey" / "update-service-response" / "valid-with-order.json").read_bytes()
    )
    body["data"]["order"]["status"] = "Archived"  # a value Shopmonkey may add later
    body["data"]["order"]["customer"]["loyaltyTier"] = "gold"  # a field it may add later
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        response = db.load(sm.UpdateServiceResponse, body)
    assert [type(w.message) for w in caught] == [db.UnknownEnumValueWarning]
    order = response.data.order
    assert order.status == "Archived"
    assert order.customer.extras == {"loyaltyTier": "gold"}
    assert db.dump(response) == body
    with pytest.raises(db.ValidationError):
        db.load(sm.UpdateServiceResponse, body, strict=True)


def test_the_error_envelope_loads_with_only_success():
    error = db.load(sm.ErrorResponse, {"success": False})
    assert error.success is False
    assert error.code is db.UNSET


def _readme_block(after: str) -> str:
    text = (FIXTURES.parents[1] / "README.md").read_text()
    start = text.index("```python", text.index(after)) + len("```python")
    return text[start : text.index("```", start)]


def test_the_readme_get_example_runs(capsys, monkeypatch):
    monkeypatch.chdir(FIXTURES.parents[1])  # the block reads examples/
    body = (
        FIXTURES / "shopmonkey" / "get-services-response" / "valid-two-services.json"
    ).read_bytes()
    namespace: dict[str, object] = {}
    exec(_readme_block("Reading a GET response"), namespace)
    read_services = namespace["read_services"]
    capsys.readouterr()
    read_services(body)
    assert [s.total_cents for s in read_services(body)] == [49209, 127815]
    error = b'{"success": false, "code": "API-12345", "message": "Vehicle VIN is invalid"}'
    with pytest.raises(RuntimeError, match="API-12345: Vehicle VIN is invalid"):
        read_services(error)
    with pytest.raises(RuntimeError, match="no code: no message"):
        read_services(b'{"success": false}')


def test_the_readme_post_example_runs(capsys):
    exec(_readme_block("so check a POST body before sending it"), {})
    assert capsys.readouterr().out == ""

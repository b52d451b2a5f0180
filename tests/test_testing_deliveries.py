"""dealerbridge.testing strategies for what a service receives (issue 22 item 4)."""

from __future__ import annotations

import json
import warnings

import pytest
from hypothesis import given, settings

import dealerbridge as db
from dealerbridge import mykaarma as mk
from dealerbridge import shopmonkey as sm
from dealerbridge.testing import (
    MYKAARMA_EVENT_TYPES,
    SHOPMONKEY_TABLES,
    invalid_deliveries,
    mykaarma_deliveries,
    shopmonkey_deliveries,
    shopmonkey_orders_with_customers,
)

FEW = settings(max_examples=8)


@pytest.mark.parametrize("table", [t for t in SHOPMONKEY_TABLES if t != "order"])
def test_shopmonkey_deliveries_of_a_table(table: str) -> None:
    @FEW
    @given(shopmonkey_deliveries(table))
    def check(body: dict[str, object]) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", db.UnknownEnumValueWarning)
            change = sm.parse_webhook(json.dumps(body))
        assert change.table == table and not isinstance(change.data, dict)
        assert (change.diff is not db.UNSET) == (change.operation == "UPDATE")

    check()


@settings(max_examples=4)
@given(shopmonkey_deliveries("order", operation="UPDATE"))
def test_shopmonkey_order_updates(body: dict[str, object]) -> None:
    change = sm.parse_webhook(json.dumps(body))
    assert isinstance(change.data, sm.Order) and change.operation == "UPDATE"


@pytest.mark.parametrize("kind", MYKAARMA_EVENT_TYPES)
def test_mykaarma_deliveries_of_a_type(kind: str) -> None:
    expected = mk.EVENT_MODELS[kind]

    @FEW
    @given(mykaarma_deliveries(kind))
    def check(body: dict[str, object]) -> None:
        assert isinstance(body["payload"], str)  # as real deliveries carry it
        assert isinstance(mk.parse_event(json.dumps(body)), expected)

    check()


@pytest.mark.parametrize("vendor", ["shopmonkey", "mykaarma"])
def test_invalid_deliveries_are_refused_by_the_parser(vendor: str) -> None:
    parse = sm.parse_webhook if vendor == "shopmonkey" else mk.parse_event

    @settings(max_examples=16)
    @given(invalid_deliveries(vendor))
    def check(case: tuple[bytes, str]) -> None:
        raw, how = case
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", db.UnknownEnumValueWarning)
            with pytest.raises(db.ValidationError):
                parse(raw)
                pytest.fail(f"accepted a delivery broken by {how}")

    check()


@settings(max_examples=4)
@given(shopmonkey_orders_with_customers())
def test_orders_embed_their_customer(order: dict[str, object]) -> None:
    loaded = db.load(sm.Order, order)
    assert loaded.customer is not None and loaded.customer.id == loaded.customer_id


def test_unknown_tables_and_types_are_refused() -> None:
    with pytest.raises(ValueError, match="table"):
        shopmonkey_deliveries("invoice")
    with pytest.raises(ValueError, match="type"):
        mykaarma_deliveries("mpis")
    with pytest.raises(ValueError, match="vendor"):
        invalid_deliveries("tekmetric")

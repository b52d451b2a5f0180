import inspect
import typing

import attrs

import dealerbridge
import dealerbridge.money
import dealerbridge.mykaarma
import dealerbridge.shopmonkey
import dealerbridge.testing

EXPECTED = {
    "ISSUE_CODES",
    "JSON",
    "MAX_DEPTH",
    "MAX_EXPANDED_VALUES",
    "UNSET",
    "ArrayModel",
    "DealerbridgeError",
    "DealerbridgeUsageError",
    "DealerbridgeWarning",
    "Issue",
    "Model",
    "UnknownEnumValueWarning",
    "UnknownSchemaError",
    "UnsetType",
    "ValidationError",
    "__version__",
    "converter",
    "dump",
    "errors",
    "load",
    "parse_json",
    "redaction",
    "schema",
    "schema_names",
    "schema_versions",
    "validate",
    "wire_names",
}


def test_public_surface_is_exactly_the_contract():
    assert set(dealerbridge.__all__) == EXPECTED
    for name in dealerbridge.__all__:
        assert hasattr(dealerbridge, name), name


def test_money_and_testing_surfaces():
    assert set(dealerbridge.money.__all__) >= {"amount_to_cents", "cents_to_amount"}
    assert set(dealerbridge.testing.__all__) >= {"payloads", "invalid_payloads", "models"}


def test_error_families_are_distinct():
    assert issubclass(dealerbridge.ValidationError, ValueError)
    assert not issubclass(dealerbridge.DealerbridgeUsageError, ValueError)
    assert issubclass(dealerbridge.UnknownSchemaError, dealerbridge.DealerbridgeUsageError)
    assert issubclass(dealerbridge.UnknownEnumValueWarning, dealerbridge.DealerbridgeWarning)


PUBLIC_MODULES = [dealerbridge, dealerbridge.mykaarma, dealerbridge.shopmonkey]


def _public_objects():
    for module in PUBLIC_MODULES:
        for name in module.__all__:
            obj = getattr(module, name)
            if isinstance(obj, type) or inspect.isfunction(obj):
                yield module, name, obj


def test_public_objects_report_their_public_home():
    wrong = [
        f"{module.__name__}.{name} says {obj.__module__}"
        for module, name, obj in _public_objects()
        if obj.__module__ != module.__name__
    ]
    assert not wrong


def _mentions_any(tp):
    if tp is typing.Any:
        return True
    return any(_mentions_any(arg) for arg in typing.get_args(tp))


#: Public objects owned by other branches (the partner rules, `Issue.value` in `_errors.py`);
#: remove each as its types land.
NOT_YET_TYPED = {"Issue"}


def test_no_public_signature_or_attribute_mentions_any():
    found = []
    for module, name, obj in _public_objects():
        if name in NOT_YET_TYPED:
            continue
        hints = typing.get_type_hints(obj)  # also proves the hints resolve from the public home
        found += [
            f"{module.__name__}.{name}: {key}" for key, tp in hints.items() if _mentions_any(tp)
        ]
    assert not found


def test_enums_are_literals_closed_outbound_and_open_inbound():
    import dealerbridge.mykaarma as mk

    outbound = typing.get_type_hints(mk.CreateOrderHeader)["status"]
    assert outbound == typing.Literal["OPENED", "PRE-INVOICED", "CLOSED"]
    inbound = typing.get_type_hints(mk.OrderEvent)["type"]
    assert str in typing.get_args(inbound) and any(
        typing.get_origin(a) is typing.Literal for a in typing.get_args(inbound)
    )


def test_annotated_python_and_class_names():
    import dealerbridge.mykaarma as mk
    import dealerbridge.shopmonkey as sm

    assert {"dealer_uuid", "department_uuid"} <= {f.name for f in attrs.fields(mk.OrderEvent)}
    assert "drive_type" in {f.name for f in attrs.fields(sm.Vehicle)}
    assert mk.CreateOrderComplaintCauseCorrection and mk.OrderGasOilGrease
    assert not hasattr(mk, "CreateOrderCcc") and not hasattr(mk, "OrderGog")

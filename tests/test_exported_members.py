import dealerbridge
import dealerbridge.money
import dealerbridge.testing

EXPECTED = {
    "ISSUE_CODES",
    "JSON",
    "MAX_DEPTH",
    "UNSET",
    "ArrayModel",
    "DealerbridgeUsageError",
    "DealerbridgeWarning",
    "Issue",
    "Model",
    "UnknownEnumValueWarning",
    "UnknownSchemaError",
    "UnsetType",
    "ValidationError",
    "__version__",
    "dump",
    "errors",
    "load",
    "parse_json",
    "redaction",
    "schema",
    "schema_names",
    "schema_versions",
    "validate",
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

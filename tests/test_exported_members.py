import importlib
import inspect
import re
import sys
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
    assert set(dealerbridge.testing.__all__) >= {"payloads", "invalid_payloads", "models", "DRAWN"}
    assert dealerbridge.testing.DRAWN is dealerbridge.testing.DrawnType.DRAWN


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


#: Every public module: its ``__all__`` is the surface `test_no_public_signature_or_attribute_
#: mentions_any` holds to "no `Any`".
TYPED_MODULES = [
    "dealerbridge",
    "dealerbridge.mykaarma",
    "dealerbridge.shopmonkey",
    "dealerbridge.mapping",
    "dealerbridge.money",
    "dealerbridge.testing",
    "dealerbridge.batch",
    "dealerbridge.clients",
    "dealerbridge.fakes",
]


def _typed_surface():
    """``(qualified name, object)`` for every public function and class of `TYPED_MODULES`, and
    every public method (with ``__init__`` and ``__call__``), class- or static method and
    property a public class defines."""
    for module_name in TYPED_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            if not (isinstance(obj, type) or inspect.isfunction(obj)):
                continue
            yield f"{module_name}.{name}", obj
            if not isinstance(obj, type):
                continue
            for key, member in vars(obj).items():
                if key.startswith("_") and key not in ("__init__", "__call__"):
                    continue
                if isinstance(member, classmethod | staticmethod):
                    member = member.__func__
                if isinstance(member, property):
                    member = member.fget
                if inspect.isfunction(member):
                    yield f"{module_name}.{name}.{key}", member


def test_the_typed_surface_covers_methods_and_every_public_module():
    names = {name for name, _ in _typed_surface()}
    assert {
        "dealerbridge.Issue",
        "dealerbridge.Issue.__init__",
        "dealerbridge.Issue.to_dict",
        "dealerbridge.ValidationError.to_list",
        "dealerbridge.DealerbridgeError.to_problem",
        "dealerbridge.batch.BatchReport.to_dict",
        "dealerbridge.testing.payloads",
        "dealerbridge.testing.register_breaker",
    } <= names
    assert {name.split(".")[1] for name in names if name.count(".") > 1} >= {
        "mykaarma",
        "shopmonkey",
        "mapping",
        "money",
        "testing",
        "batch",
        "clients",
        "fakes",
    }


#: Public names whose hints `typing.get_type_hints` cannot resolve at run time (a name imported
#: only for type checkers, or a class reporting its public home whose annotations name things
#: only its defining module has). mypy reads them; here their annotation text is searched for
#: ``Any`` instead. Remove each as its hints come to resolve (the test fails on a stale entry).
UNRESOLVED_HINTS = {
    "dealerbridge.mapping.CustomersConfig",  # ClassVar, from its generated module
    "dealerbridge.mapping.MappingConfig",  # ClassVar, from its generated module
    "dealerbridge.mapping.OrdersConfig",  # ClassVar, from its generated module
    "dealerbridge.mapping.Mapped",  # its TypeVar T lives in the defining module
    "dealerbridge.mapping.ServicePlan",  # `sm`, imported for type checkers only
    "dealerbridge.mapping.ServiceUpdate",  # `sm`, imported for type checkers only
    "dealerbridge.batch.validate_files",  # dask's Client, imported for type checkers only
}


def _annotations(obj):
    if isinstance(obj, type):
        found = {}
        for klass in reversed(obj.__mro__):
            found.update(vars(klass).get("__annotations__", {}))
        return found
    return obj.__annotations__


def _hints(obj):
    try:
        return typing.get_type_hints(obj)
    except NameError:
        if isinstance(obj, type):
            raise
        # Hypothesis rewrites a composite strategy in a namespace of its own: its hints
        # resolve from the module that wrote it.
        return typing.get_type_hints(obj, globalns=vars(sys.modules[obj.__module__]))


def test_no_public_signature_or_attribute_mentions_any():
    found = []
    unresolved = set()
    for name, obj in _typed_surface():
        if getattr(getattr(obj, "__code__", None), "co_filename", "").startswith("<attrs"):
            continue  # an attrs-written __init__: its parameters are the class's fields, checked
        try:
            hints = _hints(obj)  # also proves the hints resolve from the public home
        except NameError:
            unresolved.add(name)
            found += [
                f"{name}: {key}"
                for key, tp in _annotations(obj).items()
                if re.search(r"\bAny\b", str(tp))
            ]
            continue
        found += [f"{name}: {key}" for key, tp in hints.items() if _mentions_any(tp)]
    assert not found
    assert unresolved == UNRESOLVED_HINTS


def _private_types(tp):
    """The private (underscore-named) classes a hint names, at any depth."""
    if isinstance(tp, list | tuple):
        return [name for arg in tp for name in _private_types(arg)]
    found = []
    if isinstance(tp, type) and any(part.startswith("_") for part in tp.__qualname__.split(".")):
        found.append(f"{tp.__module__}.{tp.__qualname__}")
    return found + _private_types(typing.get_args(tp))


def test_no_public_signature_or_attribute_names_a_private_type():
    # A user reads these in `help()` and in their editor: a `_Name` there is a type they can
    # neither import nor name in their own annotations.
    found = []
    for name, obj in _typed_surface():
        if getattr(getattr(obj, "__code__", None), "co_filename", "").startswith("<attrs"):
            continue  # an attrs-written __init__: its parameters are the class's fields, checked
        if name in UNRESOLVED_HINTS:
            found += [
                f"{name}: {key}"
                for key, tp in _annotations(obj).items()
                if any(
                    word.split(".")[-1].startswith("_")
                    for word in re.findall(r"[A-Za-z_][\w.]*", str(tp))
                )
            ]
            continue
        found += [
            f"{name}: {key} {_private_types(tp)}"
            for key, tp in _hints(obj).items()
            if _private_types(tp)
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

"""dealerbridge.mapping: config, report types, the forward mapping on hand-checked fixtures."""

import ast
import copy
import json
import os
import threading
from collections.abc import Mapping
from pathlib import Path

import attrs
import pytest

import dealerbridge as db
from dealerbridge import mapping
from dealerbridge import shopmonkey as sm
from dealerbridge.mapping import _config as config_module
from dealerbridge.money import amount_to_cents

from .test_mapping_forward_ledger import CATEGORIES

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "mapping"
EXAMPLE_CONFIG = ROOT / "examples" / "mapping-config.toml"
CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "order.json").exists())


def read(path):
    return json.loads(Path(path).read_text())


def case(name):
    folder = FIXTURES / name
    return read(folder / "order.json"), read(folder / "services.json")["data"]


@pytest.fixture(scope="module")
def config():
    return mapping.load_config(EXAMPLE_CONFIG)


# ------------------------------------------------------------------------------ config


def test_default_config_has_the_documented_defaults():
    orders = mapping.MappingConfig().orders
    assert orders.default_op_code is None
    assert orders.negative_amounts == "refuse"
    assert orders.unreconciled_services == "refuse"
    assert dict(orders.statuses) == {
        "Estimate": "refuse",
        "RepairOrder": "OPENED",
        "Invoice": "PRE-INVOICED",
        "Paid": "CLOSED",
    }


def test_the_config_classes_are_generated_from_their_schema():
    from dealerbridge._generated import dealerbridge as generated

    for name in ("MappingConfig", "OrdersConfig", "CustomersConfig"):
        assert getattr(mapping, name) is getattr(generated, name)
    assert mapping.OrdersConfig().statuses == config_module.DEFAULT_STATUSES


@pytest.mark.parametrize(
    ("cls", "name"),
    [
        (mapping.OrdersConfig, "OrdersMappingConfig"),
        (mapping.CustomersConfig, "CustomersMappingConfig"),
    ],
)
def test_every_default_is_the_schemas(cls, name):
    # the schema states every default; the class built with no arguments holds them, and a
    # member without one is None
    schema = read(ROOT / "schemas" / "dealerbridge" / "mapping-config" / "v1.json")
    members = schema["$defs"][name]["properties"]
    built = cls()
    assert {f.name for f in attrs.fields(cls)} == set(members)
    for key, node in members.items():
        value = getattr(built, key)
        assert (dict(value) if isinstance(value, Mapping) else value) == node.get("default"), key
    assert mapping.MappingConfig() == db.load(mapping.MappingConfig, {})


def test_a_config_is_loaded_with_db_load_and_gives_its_verdict(tmp_path):
    text = {"orders": {"max_jobs": 0, "statuses": {"Invoice": "SHIPPED"}, "op_codez": {}}}
    issues = db.errors(text, "dealerbridge/mapping-config")
    assert len(issues) == 3
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(text))
    for load in (lambda: mapping.load_config(path), lambda: db.load(mapping.MappingConfig, text)):
        with pytest.raises(db.ValidationError) as caught:
            load()
        assert [(i.path, i.code) for i in caught.value.issues] == [(i.path, i.code) for i in issues]
        assert caught.value.schema == "dealerbridge/mapping-config v1"


def test_a_table_given_in_part_overrides_only_what_it_names(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[orders.statuses]\nInvoice = "CLOSED"\n')
    for orders in (
        mapping.load_config(path).orders,
        mapping.OrdersConfig(statuses={"Invoice": "CLOSED"}),
    ):
        assert dict(orders.statuses) == {**config_module.DEFAULT_STATUSES, "Invoice": "CLOSED"}
        with pytest.raises(TypeError):
            orders.statuses["Paid"] = "OPENED"  # type: ignore[index]


def test_config_is_frozen_and_hashable(config):
    assert hash(config) == hash(mapping.load_config(EXAMPLE_CONFIG))
    with pytest.raises(TypeError):
        config.orders.op_codes["x"] = "y"  # type: ignore[index]


def test_example_config_loads_and_json_gives_the_same(tmp_path, config):
    assert config.orders.default_op_code == "MISC"
    assert config.orders.op_codes["Oil Change"] == "OIL"
    as_json = tmp_path / "c.json"
    as_json.write_text(json.dumps({"orders": {"default_op_code": "MISC"}}))
    assert mapping.load_config(as_json).orders.default_op_code == "MISC"


def test_example_config_is_one_a_careful_shop_can_copy(config):
    orders = config.orders
    assert orders.statuses["Estimate"] == "refuse"  # an estimate is not an RO
    assert orders.default_customer_uuid is None  # no walk-in account
    assert orders.unreconciled_services == "refuse"  # no guess turned into money
    assert orders.unexplained_total == "refuse"
    assert orders.ambiguous_discount == "refuse"
    assert orders.order_number_rewrite == "replace"  # distinct numbers stay distinct
    order, services = case("repair-order-brakes")
    found, _ = refusal(dict(order, customerId="someone-else"), services, config)
    assert found == {("/order/customerId", "mapping.customer")}
    found, _ = refusal(dict(order, status="Estimate"), services, config)
    assert found == {("/order/status", "mapping.status")}


def test_bad_config_reports_paths(tmp_path):
    bad = tmp_path / "c.toml"
    bad.write_text('[orders]\ndefault_op_cod = "X"\nnegative_amounts = "ignore"\n')
    with pytest.raises(db.ValidationError) as info:
        mapping.load_config(bad)
    paths = {issue.path for issue in info.value.issues}
    # a member no schema defines may be personal data: its name is hidden by default
    assert paths == {"/orders/<redacted name>", "/orders/negative_amounts"}
    with db.redaction("off"), pytest.raises(db.ValidationError) as info:
        mapping.load_config(bad)
    paths = {issue.path for issue in info.value.issues}
    assert paths == {"/orders/default_op_cod", "/orders/negative_amounts"}


def test_unknown_suffix_missing_file_and_special_files_are_usage_errors(tmp_path):
    with pytest.raises(db.DealerbridgeUsageError):
        mapping.load_config(tmp_path / "c.yaml")
    with pytest.raises(db.DealerbridgeUsageError, match=r"absent\.toml"):
        mapping.load_config(tmp_path / "absent.toml")
    folder = tmp_path / "d.toml"
    folder.mkdir()
    with pytest.raises(db.DealerbridgeUsageError, match="a directory"):
        mapping.load_config(folder)
    for wrong in (None, 3, b"c.toml", ["c.toml"]):
        with pytest.raises(db.DealerbridgeUsageError):
            mapping.load_config(wrong)


def test_a_fifo_config_is_refused_at_once(tmp_path):
    # issue 19: load_config blocked forever on a FIFO with no writer
    fifo = tmp_path / "c.toml"
    os.mkfifo(fifo)
    raised = []

    def load():
        try:
            mapping.load_config(fifo)
        except db.DealerbridgeUsageError as exc:
            raised.append(str(exc))

    # in a daemon thread, so that a regression fails here instead of hanging the suite
    thread = threading.Thread(target=load, daemon=True)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive(), "load_config is blocked on a FIFO"
    assert len(raised) == 1 and "a FIFO" in raised[0]


@pytest.mark.parametrize(
    "text",
    [
        "a = " + "[" * 2000 + "]" * 2000,  # tomllib: RecursionError
        "[orders]\nx = " + "9" * 5000,  # tomllib: ValueError (int() digit limit)
        "a = 1\na = 2",
        "\udc80 = 1",
    ],
)
def test_every_toml_failure_is_a_validation_error(tmp_path, text):
    path = tmp_path / "c.toml"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    with pytest.raises(db.ValidationError) as info:
        mapping.load_config(path)
    assert [i.code for i in info.value.issues] == ["toml.syntax"]


def test_mapping_issue_codes_are_listed():
    readme = (ROOT / "README.md").read_text()
    codes = [c for c in db.ISSUE_CODES if c.startswith("mapping.")]
    assert len(codes) >= 10
    for code in codes:
        assert f"`{code}`" in readme, code


# ------------------------------------------------------------------------------ totals


def test_service_totals_and_reconciliation_on_models():
    data = read(ROOT / "tests/fixtures/shopmonkey/get-services-response/valid-two-services.json")
    first, second = db.load(sm.GetServicesResponse, data).data
    totals = sm.service_totals(first)
    assert (totals.labor, totals.parts, totals.fees, totals.total) == (21750, 23899, 500, 49209)
    assert totals.lines["parts"] == (8999, 14900)
    assert sm.reconcile_service(first).matches
    check = sm.reconcile_service(second)
    assert not check.matches
    # its labor (1 h at 120.00, discountValueType Percent, discountPercent 10, discountCents
    # 0) is 108.00 as Shopmonkey says: the percent is read, so no longer a -1200 "difference"
    assert check.differences["calculatedLaborCents"] == 0
    assert check.differences["calculatedFeeCents"] == 2150
    assert check.differences["totalCents"] == 4150 + 1200


def test_hours_are_read_exactly_not_as_binary_floats():
    data = read(FIXTURES / "fractional-hours-order-discount" / "services.json")["data"][0]
    service = db.load(sm.Service, data)
    # 1.255 h x 14500 x 1.2 = 21837.0 exactly; float arithmetic would give 21836.999...
    assert sm.service_totals(service).lines["labors"][0] == 21837


# ------------------------------------------------------------------------------ forward


@pytest.mark.parametrize("name", CASES)
def test_fixture_maps_to_the_expected_request(name, config):
    order, services = case(name)
    mapped = mapping.shopmonkey_to_mykaarma(order, services, config)
    assert db.dump(mapped.value) == read(FIXTURES / name / "expected-request.json")
    assert [n.to_dict() for n in mapped.report] == read(FIXTURES / name / "expected-report.json")
    db.validate(db.dump(mapped.value), "mykaarma/create-order-request")


def test_fractional_hours_fixture_checked_by_hand(config):
    # Worked by hand in notes/decisions-mapping.md terms: services 50766 + 10945 cents, an
    # order discount of 1000 and a service discount of 1500, largest remainder.
    order, services = case("fractional-hours-order-discount")
    header = db.dump(mapping.shopmonkey_to_mykaarma(order, services, config).value)["order"]
    jobs = header["jobs"]
    assert [j["laborSale"] for j in jobs] == ["236.64", "59.00"]
    assert [j["partsSale"] for j in jobs] == ["227.98", "48.62"]
    assert [j["miscSale"] for j in jobs] == ["15.15", "0.00"]
    assert [h["laborSale"] for h in jobs[0]["techHours"]] == ["208.31", "28.33"]
    assert [h["soldHours"] for h in jobs[0]["techHours"]] == ["1.51", "0.30"]
    assert header["header"]["soldHours"] == "2.31"
    assert header["header"]["customerPayAmount"] == "607.11"  # 50766 + 10945 - 1000
    assert header["header"]["orderNumber"] == "RO-1044"  # "RO/1044", "/" replaced


def test_excluded_service_is_reported_with_its_total(config):
    order, services = case("repair-order-brakes")
    mapped = mapping.shopmonkey_to_mykaarma(order, services, config)
    excluded = [n for n in mapped.report if n.kind == "excluded"]
    # totalCostCents (492.09) does not count the declined 1278.15: no money moves
    assert [(n.source, n.cents) for n in excluded] == [("/services/1", None)]
    assert "127815 cents" in excluded[0].message
    assert len(mapped.value.order.jobs) == 1
    # an order whose total (and category sums) count it: the excluded note carries it, and
    # the ledger closes. Sums: brakes + tires service (worked from the two services by hand)
    counted = dict(
        order,
        totalCostCents=49209 + 127815,
        laborCents=21750 + 10800,
        partsCents=23899 + 5180,
        tiresCents=85996,
        subcontractsCents=9995,
        feesCents=500 + 2150,
        discountCents=3200,
        gstCents=5706,
        pstCents=7988,
    )
    mapped = mapping.shopmonkey_to_mykaarma(counted, services, config)
    notes = [(n.kind, n.source, n.cents) for n in mapped.report if n.cents is not None]
    assert notes == [
        ("excluded", "/services/1", 127815),
        ("total", "/order/totalCostCents", 127815),
    ]


def test_update_body_is_the_same_mapping(config):
    order, services = case("repair-order-brakes")
    create = mapping.shopmonkey_to_mykaarma(order, services, config)
    update = mapping.shopmonkey_to_mykaarma_update(order, services, config)
    assert db.dump(update.value) == db.dump(create.value)
    db.validate(db.dump(update.value), "mykaarma/update-order-request")


def refusal(order, services, config=None):
    with pytest.raises(mapping.MappingError) as info:
        mapping.shopmonkey_to_mykaarma(order, services, config)
    return {(i.path, i.code) for i in info.value.issues}, info.value


def test_default_config_refuses_naming_the_config_keys():
    order, services = case("repair-order-brakes")
    found, error = refusal(order, services)
    assert found == {
        ("/order/serviceWriterId", "mapping.advisor"),
        ("/order/customerId", "mapping.customer"),
        ("/services/0/sourceServiceId", "mapping.op_code"),
    }
    assert "orders.default_op_code" in str(error)
    assert isinstance(error, db.ValidationError)
    assert [n.kind for n in error.report].count("excluded") == 1


def test_bad_order_number_is_refused_unless_rewritten(config):
    order, services = case("repair-order-brakes")
    order = dict(order, number="RO/1")
    strict = mapping.MappingConfig(
        orders=mapping.OrdersConfig(
            default_op_code="X", default_advisor_number="1", default_customer_uuid="c"
        )
    )
    found, _ = refusal(order, services, strict)
    assert found == {("/order/number", "mapping.order_number")}
    assert (
        mapping.shopmonkey_to_mykaarma(order, services, config).value.order.header.order_number
        == "RO-1"
    )
    strip = lenient(order_number_rewrite="strip")
    number = mapping.shopmonkey_to_mykaarma(order, services, strip).value.order.header.order_number
    assert number == "RO1"
    # "replace" keeps 1042/2 apart from a real 10422 (strip does not)
    replace = lenient(order_number_rewrite="replace")
    for raw, expected in (("1042/2", "1042-2"), ("1042.2", "1042-2"), ("10422", "10422")):
        mapped = mapping.shopmonkey_to_mykaarma(dict(order, number=raw), services, replace)
        assert mapped.value.order.header.order_number == expected
    found, _ = refusal(dict(order, number="///"), services, config)
    assert found == {("/order/number", "mapping.order_number")}


def test_estimate_is_refused_by_default_status():
    order, services = case("repair-order-brakes")
    cfg = mapping.MappingConfig(
        orders=mapping.OrdersConfig(
            default_op_code="X", default_advisor_number="1", default_customer_uuid="c"
        )
    )
    found, _ = refusal(dict(order, status="Estimate"), services, cfg)
    assert found == {("/order/status", "mapping.status")}


def test_unreconciled_service_is_refused_or_booked(config):
    order, services = case("repair-order-brakes")
    services = copy.deepcopy(services)
    services[0]["totalCents"] += 7  # Shopmonkey's total no longer follows from its lines
    order = dict(order, totalCostCents=order["totalCostCents"] + 7)
    cfg = mapping.MappingConfig(
        orders=mapping.OrdersConfig(
            default_op_code="X", default_advisor_number="1", default_customer_uuid="c"
        )
    )
    found, _ = refusal(order, services, cfg)
    assert found == {("/services/0/totalCents", "mapping.unreconciled")}
    booked = mapping.shopmonkey_to_mykaarma(order, services, lenient(unreconciled_services="book"))
    residual = [n for n in booked.report if n.kind == "residual"]
    assert [(n.source, n.cents) for n in residual] == [("/services/0/totalCents", None)]
    assert "by 7 cents" in residual[0].message
    header = booked.value.order.header
    assert amount_to_cents(header.customer_pay_amount) == services[0]["totalCents"]


def test_credit_line_stays_a_negative_row(config):
    order, services = case("repair-order-brakes")
    services = copy.deepcopy(services)
    services[0]["parts"][0]["discountCents"] = 10000  # 89.99 part with a 100.00 credit
    services[0]["calculatedPartsCents"] -= 10000
    services[0]["totalCents"] -= 10000
    order = dict(
        order,
        totalCostCents=order["totalCostCents"] - 10000,
        partsCents=order["partsCents"] - 10000,
    )
    mapped = mapping.shopmonkey_to_mykaarma(order, services, config)
    parts = mapped.value.order.jobs[0].parts
    # the credit stays where it is: a negative row, the job's other part untouched
    assert [p.sale_total for p in parts] == ["-10.01", "149.00"]
    assert not any(n.kind == "allocated" for n in mapped.report)
    total = services[0]["totalCents"]
    assert amount_to_cents(mapped.value.order.header.customer_pay_amount) == total
    assert not refusal_or_none(order, services, lenient())  # nothing to decide: no policy
    services[0]["parts"][0]["discountCents"] = 30000  # now the job's parts amount is negative
    services[0]["calculatedPartsCents"] -= 20000
    services[0]["totalCents"] -= 20000
    order = dict(
        order,
        totalCostCents=order["totalCostCents"] - 20000,
        partsCents=order["partsCents"] - 20000,
    )
    found, _ = refusal(order, services, lenient())
    assert found == {
        ("/services/0/calculatedPartsCents", "mapping.negative"),
        ("/services/0/parts/0", "mapping.negative"),
    }


def test_pointer_roots_for_bad_json_input(config):
    order, services = case("repair-order-brakes")
    services = copy.deepcopy(services)
    services[1]["totalCents"] = "12"
    with pytest.raises(db.ValidationError) as info:
        mapping.shopmonkey_to_mykaarma(order, services, config)
    assert [i.path for i in info.value.issues] == ["/services/1/totalCents"]


def test_letters_after_z():
    from dealerbridge.mapping._common import job_letters

    assert [job_letters(i) for i in (0, 25, 26, 27, 51, 52, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AB",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]


def test_report_messages_honour_redaction(config):
    order, services = case("repair-order-brakes")
    with db.redaction():
        mapped = mapping.shopmonkey_to_mykaarma(order, services, config)
    text = " ".join(n.message for n in mapped.report)
    assert "Tire Replacement" not in text and "<redacted string>" in text


def test_booked_amount_without_lines_gets_its_own_row(config):
    order, services = case("repair-order-brakes")
    services = copy.deepcopy(services)
    services[0]["labors"] = []  # Shopmonkey still says 217.50 of labor
    mapped = mapping.shopmonkey_to_mykaarma(order, services, lenient(unreconciled_services="book"))
    job = mapped.value.order.jobs[0]
    assert job.labor_sale == "217.50"
    assert [(r.sold_hours, r.labor_sale) for r in job.tech_hours] == [("0.00", "217.50")]
    notes = [(n.kind, n.source, n.target, n.cents) for n in mapped.report]
    assert (
        "residual",
        "/services/0/calculatedLaborCents",
        "/order/jobs/0/techHours",
        None,
    ) in notes


def refusal_or_none(order, services, config):
    try:
        mapping.shopmonkey_to_mykaarma(order, services, config)
    except mapping.MappingError as error:
        return {(i.path, i.code) for i in error.issues}
    return set()


def lenient(**changes):
    base = dict(default_op_code="X", default_advisor_number="1", default_customer_uuid="c")
    return mapping.MappingConfig(orders=mapping.OrdersConfig(**{**base, **changes}))


def test_order_level_amounts_follow_their_policies():
    order, services = case("repair-order-brakes")
    discounted = dict(order, appliedDiscountCents=1000)
    found, _ = refusal(discounted, services, lenient())
    assert found == {("/order/appliedDiscountCents", "mapping.order_discount")}
    fee = dict(order, transactionalFeeSubtotalCents=199)
    found, _ = refusal(fee, services, lenient())
    assert found == {("/order/transactionalFeeSubtotalCents", "mapping.transactional_fee")}
    mapped = mapping.shopmonkey_to_mykaarma(fee, services, lenient(transactional_fees="misc"))
    assert mapped.value.order.header.customer_pay_amount == "494.08"  # 492.09 + 1.99
    huge = dict(order, appliedDiscountCents=10**7)
    found, _ = refusal(huge, services, lenient(order_discounts="allocate"))
    assert found == {("/order/appliedDiscountCents", "mapping.credit_exceeds_order")}


def test_status_close_date_and_number_source():
    order, services = case("repair-order-brakes")
    paid = dict(order, status="Invoice", paid=True, invoicedDate=None, externalNumber="EXT-9")
    mapped = mapping.shopmonkey_to_mykaarma(
        paid, services, lenient(order_number_source="externalNumber")
    )
    header = mapped.value.order.header
    assert (header.status, header.order_number) == ("CLOSED", "EXT-9")
    assert header.close_date is db.UNSET
    assert [n.source for n in mapped.report if n.kind == "dropped"][:1] == ["/order/invoicedDate"]
    paid["invoicedDate"] = "2024-03-07T23:59:59.999Z"  # fractions are cut, not rounded up
    header = mapping.shopmonkey_to_mykaarma(paid, services, lenient()).value.order.header
    assert (header.close_date, header.close_time) == ("2024-03-07", "23:59:59")
    unpaid = dict(order, status="Invoice", paid=False, invoicedDate="2024-03-07T10:00:00Z")
    header = mapping.shopmonkey_to_mykaarma(unpaid, services, lenient()).value.order.header
    assert header.status == "PRE-INVOICED"


def test_hidden_services_and_max_jobs():
    order, services = case("repair-order-brakes")
    services = copy.deepcopy(services)
    services[1]["authorizationStatus"] = "Authorized"
    services[1]["hidden"] = True
    services[1]["totalCents"] = sm.service_totals(db.load(sm.Service, services[1])).total
    services[1].update(
        {k: v for k, v in sm.service_totals(db.load(sm.Service, services[1])).by_field().items()}
    )
    hidden = mapping.shopmonkey_to_mykaarma(order, services, lenient())
    assert len(hidden.value.order.jobs) == 1
    order = dict(order, totalCostCents=order["totalCostCents"] + services[1]["totalCents"])
    for field, key in CATEGORIES:  # Shopmonkey's sums count the hidden service too
        order[field] += services[1].get(key) or 0
    shown = mapping.shopmonkey_to_mykaarma(order, services, lenient(hidden_services="include"))
    assert [j.job_number_string for j in shown.value.order.jobs] == ["A", "B"]
    found, _ = refusal(order, services, lenient(hidden_services="include", max_jobs=1))
    assert found == {("/services", "mapping.too_many_jobs")}


@pytest.mark.parametrize("module", ["_forward", "_reverse", "_customers", "_common", "_report"])
def test_mapping_modules_are_typed_without_any(module):
    """Issue 18 item 14: every output is built from typed models, so no name of the mapping's
    builders is typed Any (mypy strict checks the rest)."""
    tree = ast.parse((ROOT / "src" / "dealerbridge" / "mapping" / f"{module}.py").read_text())
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    names |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    assert "Any" not in names

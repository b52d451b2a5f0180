"""Benchmarks, reported as ratios measured in one run (never asserted by tests).

    python benchmarks/run.py [--quick]

Reports, on the shipped myKaarma example event (payload stringified, as delivered) and its
order, and on a 50-job order built from it:
- json.loads of the bytes (the unit),
- pure-Python jsonschema (validator built once, formats on) on the order,
- dealerbridge.validate of the order (target: at most 1x json.loads),
- dealerbridge.mykaarma.parse_order_event vs a strict pydantic v2 model (target: at most 5x),
- dealerbridge.load of the order,
- dealerbridge.testing strategies (examples per second).
"""

from __future__ import annotations

import copy
import json
import sys
import timeit
import warnings
from collections.abc import Callable
from pathlib import Path

import jsonschema

import dealerbridge as db
from dealerbridge import _registry
from dealerbridge.mykaarma import parse_order_event

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))

from pydantic_order_event import OrderEvent as PydanticOrderEvent  # noqa: E402


def best(fn: Callable[[], object], number: int, repeat: int) -> float:
    """Best mean time per call in microseconds."""
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e6


def big_order(order: dict, jobs: int = 50, parts: int = 5) -> dict:
    big = copy.deepcopy(order)
    job = big["jobs"][0]
    part = job["parts"][0]
    big["jobs"] = []
    for j in range(jobs):
        new_job = copy.deepcopy(job)
        new_job["jobIdentifier"] = f"A-{j + 1}"
        new_job["parts"] = [dict(part, seqNo=str(p + 1)) for p in range(parts)]
        big["jobs"].append(new_job)
    return big


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    number, repeat = (50, 3) if quick else (2000, 7)
    # The page's example event, stringified as delivered (tests/fixtures: doc-event-stringified).
    doc = ROOT / "tests" / "fixtures" / "mykaarma" / "order-event" / "doc-event-stringified.json"
    raw_event = json.dumps(json.loads(doc.read_bytes())).encode()
    event = json.loads(raw_event)
    payload = (
        json.loads(event["payload"]) if isinstance(event["payload"], str) else event["payload"]
    )
    order = payload["order"]
    order_bytes = json.dumps(order).encode()
    big = big_order(order)
    big_bytes = json.dumps(big).encode()
    big_event = json.dumps({**event, "payload": json.dumps({**payload, "order": big})}).encode()

    registry = _registry.default_registry()
    reference = jsonschema.Draft202012Validator(
        registry.document("mykaarma/order"),
        registry=__import__("referencing")
        .Registry()
        .with_resources(
            [
                (uri, __import__("referencing").Resource.from_contents(doc))
                for uri, doc in registry.resources()
            ]
        ),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    order_cls = __import__("dealerbridge.mykaarma", fromlist=["Order"]).Order
    db.validate(order, "mykaarma/order")  # compile once, outside the timings
    parse_order_event(raw_event)
    PydanticOrderEvent.model_validate_json(raw_event)
    warnings.simplefilter("ignore", db.DealerbridgeWarning)

    rows: list[tuple[str, float, float]] = []

    def report(label: str, micros: float, unit: float) -> None:
        rows.append((label, micros, micros / unit))

    unit = best(lambda: json.loads(order_bytes), number, repeat)
    report(f"json.loads, example order ({len(order_bytes)} B)", unit, unit)
    report(
        "jsonschema (pure Python) is_valid",
        best(lambda: reference.is_valid(order), max(number // 20, 5), repeat),
        unit,
    )
    report(
        "dealerbridge.validate  [target <= 1x]",
        best(lambda: db.validate(order, "mykaarma/order"), number, repeat),
        unit,
    )
    report(
        "dealerbridge.load(Order, dict)",
        best(lambda: db.load(order_cls, order), number, repeat),
        unit,
    )

    event_unit = best(lambda: json.loads(raw_event), number, repeat)
    report(f"json.loads, example event ({len(raw_event)} B)", event_unit, event_unit)
    pyd = best(lambda: PydanticOrderEvent.model_validate_json(raw_event), number, repeat)
    report("pydantic v2 strict OrderEvent (the comparison)", pyd, event_unit)
    ours = best(lambda: parse_order_event(raw_event), number, repeat)
    report("dealerbridge parse_order_event", ours, event_unit)

    big_unit = best(lambda: json.loads(big_bytes), max(number // 20, 5), repeat)
    report(f"json.loads, 50-job order ({len(big_bytes)} B)", big_unit, big_unit)
    report(
        "jsonschema (pure Python), 50-job order",
        best(lambda: reference.is_valid(big), 3, 3),
        big_unit,
    )
    report(
        "dealerbridge.validate, 50-job order",
        best(lambda: db.validate(big, "mykaarma/order"), max(number // 20, 5), repeat),
        big_unit,
    )
    big_pyd = best(
        lambda: PydanticOrderEvent.model_validate_json(big_event), max(number // 20, 5), repeat
    )
    big_ours = best(lambda: parse_order_event(big_event), max(number // 20, 5), repeat)
    report("pydantic v2 strict, 50-job event", big_pyd, big_unit)
    report("dealerbridge parse_order_event, 50-job event", big_ours, big_unit)

    sm = __import__("dealerbridge.shopmonkey", fromlist=["GetServicesResponse"])
    sm_fixtures = ROOT / "tests" / "fixtures" / "shopmonkey"
    for label, path, cls, name in (
        (
            "Shopmonkey GET services",
            sm_fixtures / "get-services-response" / "valid-two-services.json",
            sm.GetServicesResponse,
            "shopmonkey/get-services-response",
        ),
        (
            "Shopmonkey PUT response with order",
            sm_fixtures / "update-service-response" / "valid-with-order.json",
            sm.UpdateServiceResponse,
            "shopmonkey/update-service-response",
        ),
    ):
        raw = path.read_bytes()
        body = json.loads(raw)
        db.validate(body, name)
        sm_unit = best(lambda raw=raw: json.loads(raw), number, repeat)
        report(f"json.loads, {label} ({len(raw)} B)", sm_unit, sm_unit)
        report(
            f"dealerbridge.validate, {label}",
            best(lambda body=body, name=name: db.validate(body, name), number, repeat),
            sm_unit,
        )
        report(
            f"dealerbridge.load, {label}",
            best(lambda body=body, cls=cls: db.load(cls, body), number, repeat),
            sm_unit,
        )

    width = max(len(r[0]) for r in rows)
    print(f"{'step':<{width}}  {'us':>10}  {'x unit':>8}")
    for label, micros, ratio in rows:
        print(f"{label:<{width}}  {micros:>10.1f}  {ratio:>8.2f}")
    print()
    print(f"validate / json.loads (example order): {rows[2][1] / unit:.2f}  (target <= 1)")
    print(f"parse_order_event / pydantic (example event): {ours / pyd:.2f}  (target <= 5)")
    print(f"parse_order_event / pydantic (50-job event): {big_ours / big_pyd:.2f}")

    strategies(quick)
    return 0


def strategies(quick: bool) -> None:
    from hypothesis import HealthCheck, given, settings

    from dealerbridge.testing import invalid_payloads, payloads

    count = 20 if quick else 200
    print()
    print(f"{'strategy':<48}  {'examples/s':>10}")
    for name in db.schema_names():
        if name.startswith("common/"):
            continue
        for label, strategy in (("valid", payloads(name)), ("invalid", invalid_payloads(name))):
            seen = []

            @settings(
                max_examples=count,
                database=None,
                deadline=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(strategy)
            def draw(value: object) -> None:
                seen.append(value)  # noqa: B023 - used before the loop moves on

            start = timeit.default_timer()
            draw()
            elapsed = timeit.default_timer() - start
            print(f"{name + ' ' + label:<48}  {len(seen) / elapsed:>10.0f}")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

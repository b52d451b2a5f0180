"""Cost of mapping a 50-service Shopmonkey order to a myKaarma request, next to loading it.

    python benchmarks/mapping.py [--quick]

Module interface (benchmarks/run.py): ``main(quick: bool = False) -> None`` prints its table.
The order is the example order with 50 authorized services built from the example service
(each with its own id and ordinal; totals unchanged, so every service reconciles). Rows:

- json.loads of the order + services bytes (the unit),
- dealerbridge.load of the order and the 50 services (what the mapping reads),
- mapping.shopmonkey_to_mykaarma from the loaded models (the mapping alone: the RO built as
  models and validated once),
- mapping.shopmonkey_to_mykaarma from the JSON values (load + mapping),
- db.load then the mapping of the models, in one call (what "from JSON" must cost at most),
- mapping.mykaarma_to_shopmonkey of the resulting request (reverse, from the order JSON).

Then the mapping alone over the load beside its target (issue 12, issue 18: the mapping costs no
more than the load), and "from JSON" over "load, then map" (1.00 when nothing is done twice).
Times and ratios are CPU time from interleaved rounds (`_common.interleaved`: each round times
every row in turn, a ratio is taken within a round, the median over rounds is shown), so machine
noise hits every row alike and waiting for a core is not counted. The reverse over growing
orders follows (jobs plus as many linked mls rows): linear when 4x the rows take under 6x the
time (issue 19 item 8; reported, not asserted).
"""

from __future__ import annotations

import copy
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _common import interleaved, print_table

import dealerbridge as db
from dealerbridge import mapping
from dealerbridge import mykaarma as mk
from dealerbridge import shopmonkey as sm
from dealerbridge.testing._mapping import ORDER_CATEGORIES

ROOT = Path(__file__).resolve().parents[1]


def _inputs(count: int = 50) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    order = json.loads((ROOT / "examples/shopmonkey-order.json").read_text())
    service = json.loads((ROOT / "examples/shopmonkey-services.json").read_text())["data"][0]
    services = []
    for n in range(count):
        item = copy.deepcopy(service)
        item["id"] = f"{service['id'][:-4]}{n:04d}"
        item["ordinal"] = n
        services.append(item)
    # the order balance holds: its total and category sums are its services' sums
    order["totalCostCents"] = sum(s["totalCents"] for s in services)
    for field, key in ORDER_CATEGORIES:
        order[field] = sum(s.get(key) or 0 for s in services)
    return order, services


def _median_us(rows: dict[str, Callable[[], object]], rounds: int, inner: int) -> dict[str, float]:
    samples: dict[str, list[float]] = {name: [] for name in rows}
    for _ in range(rounds):
        for name, fn in rows.items():
            start = time.perf_counter()
            for _ in range(inner):
                fn()
            samples[name].append((time.perf_counter() - start) / inner * 1e6)
    return {name: statistics.median(values) for name, values in samples.items()}


#: Issue 12 / issue 18: mapping a 50-service order costs no more than loading it.
TARGET = 1.0

LOAD = "db.load order + 50 services"
ALONE = "map from models (mapping alone)"
FROM_JSON = "map from JSON (load + mapping)"


def main(quick: bool = False) -> None:
    config = mapping.load_config(ROOT / "examples/mapping-config.toml")
    order, services = _inputs()
    raw = json.dumps({"order": order, "services": services}).encode()
    order_model = db.load(sm.Order, order)
    service_models = [db.load(sm.Service, s) for s in services]
    request = db.dump(mapping.shopmonkey_to_mykaarma(order_model, service_models, config).value)
    mk_order = dict(request["order"], header={"orderNumber": "1042", "status": "O"})

    def load_all() -> object:
        return db.load(sm.Order, order), [db.load(sm.Service, s) for s in services]

    def load_then_map() -> object:
        loaded = db.load(sm.Order, order), [db.load(sm.Service, s) for s in services]
        return mapping.shopmonkey_to_mykaarma(loaded[0], loaded[1], config)

    rows: dict[str, Callable[[], object]] = {
        "json.loads (order + 50 services)": lambda: json.loads(raw),
        LOAD: load_all,
        ALONE: lambda: mapping.shopmonkey_to_mykaarma(order_model, service_models, config),
        FROM_JSON: lambda: mapping.shopmonkey_to_mykaarma(order, services, config),
        "db.load, then map the models": load_then_map,
        "reverse: 50 jobs -> services": lambda: mapping.mykaarma_to_shopmonkey(mk_order, config),
    }
    timings = interleaved(rows, quick=quick, seconds=None if quick else 0.05)
    print(f"mapping a 50-service order ({len(raw) / 1024:.0f} KiB of JSON)")
    print_table("step", timings, LOAD)
    ratio = timings.ratio(ALONE, LOAD)
    low, high = timings.ratio_range(ALONE, LOAD)
    verdict = "within target" if ratio <= TARGET else "over target"
    print(
        f"mapping alone / db.load: {ratio:.2f} (rounds {low:.2f}-{high:.2f}), "
        f"target <= {TARGET:.2f}: {verdict}"
    )
    # map from JSON loads once and maps once: it should cost load + mapping, no more
    pair = timings.ratio(FROM_JSON, "db.load, then map the models")
    print(f"map from JSON / (db.load, then map the models): {pair:.2f} (1.00: no work twice)")
    _reverse_scaling(quick)


def _rows_order(jobs: int) -> dict[str, Any]:
    """A myKaarma order with *jobs* jobs and as many mls rows, one linked to each job (the
    audit's shape: 9,000 + 9,000 rows took 10.4 s when every job scanned every row)."""
    letters = [mapping_letters(n) for n in range(jobs)]
    return {
        "type": "RO",
        "header": {"orderNumber": "RO-1", "status": "C"},
        "jobs": [
            {
                "jobNumberString": letter,
                "lopSeqNumber": "1",
                "laborOpCode": "OP",
                "laborSale": "100.00",
                "soldHours": "1.30",
                "partsSale": "0.00",
                "miscSale": "0.00",
            }
            for letter in letters
        ],
        "mls": [
            {"laborType": "C", "mlsType": "S", "opCode": "SUB", "salePrice": "10.00", "lineCode": x}
            for x in letters
        ],
    }


def mapping_letters(index: int) -> str:
    letters, n = "", index + 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _reverse_scaling(quick: bool) -> None:
    """Reverse mapping time over growing orders (issue 19 item 8: linear means 4x the rows in
    under 6x the time). Reported, not asserted."""
    sizes = (250, 1000) if quick else (500, 2000, 8000)
    orders = {n: db.load(mk.Order, _rows_order(n)) for n in sizes}
    times = _median_us(
        {str(n): (lambda o=orders[n]: mapping.mykaarma_to_shopmonkey(o)) for n in sizes},
        rounds=1 if quick else 3,
        inner=1,
    )
    print()
    print("reverse mapping over growing orders (jobs + as many linked mls rows, from models)")
    print(f"{'jobs + mls rows':<20}{'ms':>12}{'x previous':>12}{'rows x':>8}")
    previous: tuple[int, float] | None = None
    for n in sizes:
        ms = times[str(n)] / 1000
        ratio = f"{ms / previous[1]:.2f}" if previous else "-"
        rows = f"{n / previous[0]:.0f}" if previous else "-"
        print(f"{f'{n} + {n}':<20}{ms:>12,.1f}{ratio:>12}{rows:>8}")
        previous = (n, ms)


if __name__ == "__main__":
    main(quick="--quick" in sys.argv[1:])

"""mapping.mykaarma_to_shopmonkey_plan: create / update / delete against the existing services
(issue 18 item 10). Expected plans are written by hand from the RO and the existing list."""

import copy
import json
from pathlib import Path

from hypothesis import given, settings

import dealerbridge as db
from dealerbridge import mapping
from dealerbridge import testing as dbt

from .test_mapping_reverse_orders import CONFIG, job, rich_orders, ro

ROOT = Path(__file__).resolve().parents[1]
EVENT = json.loads((ROOT / "examples/mykaarma-order-event.json").read_text())


def posted(plan, start=0):
    """The services as Shopmonkey would return them after the plan's POST (ids svc-rt-N)."""
    return [dbt.service_from_request(db.dump(s), start + n) for n, s in enumerate(plan.create)]


def three_jobs():
    return ro(
        [
            job("A", laborSale="100.00", soldHours="1.00"),
            job("B", laborSale="150.00", soldHours="1.50"),
            job("C", laborSale="50.00", soldHours="0.50"),
        ]
    )


def test_first_plan_creates_every_service_and_the_second_changes_nothing():
    first = mapping.mykaarma_to_shopmonkey_plan(EVENT, [], CONFIG).value
    assert [s.name for s in first.create] == [
        "PERFORM 30K SERVICE MAINTENANCE",
        "REPLACE FRONT BRAKE PADS",
        "Misc/Lube/Sublet",
    ]
    assert (first.update, first.delete, first.unchanged) == ((), (), ())
    assert first.create[0].note.splitlines()[-1] == ("dealerbridge-key: mykaarma/RO-48213/job/A/1")
    again = mapping.mykaarma_to_shopmonkey_plan(EVENT, posted(first), CONFIG).value
    assert again.changes_nothing
    assert again.unchanged == ("svc-rt-0", "svc-rt-1", "svc-rt-2")


def test_changed_ro_updates_replaces_and_deletes_by_key():
    existing = posted(mapping.mykaarma_to_shopmonkey_plan(three_jobs(), [], CONFIG).value)
    changed = three_jobs()
    changed["jobs"][0]["addOnLine"] = "Y"  # a service field (recommended): PUT
    changed["jobs"][1]["laborSale"] = "165.00"  # a line: the PUT body has no lines
    del changed["jobs"][2]  # gone from the RO
    shop_own = copy.deepcopy(existing[0]) | {"id": "shop-1", "note": "added at the counter"}
    other_ro = copy.deepcopy(existing[0]) | {
        "id": "other-1",
        "note": "x\ndealerbridge-key: mykaarma/RO-9999/job/A/1",
    }
    duplicate = copy.deepcopy(existing[0]) | {"id": "dup-1"}
    found = [*existing, shop_own, other_ro, duplicate]
    plan = mapping.mykaarma_to_shopmonkey_plan(changed, found, CONFIG).value
    (update,) = plan.update
    assert update.id == "svc-rt-0"
    assert db.dump(update.body) == {"recommended": True}
    assert [s.name for s in plan.create] == ["JOB B"]
    assert db.dump(plan.create[0])["labors"][0]["rateCents"] == 11000  # 165.00 / 1.5
    # dup-1 repeats A's key; svc-rt-1 is replaced; svc-rt-2 (C) is no longer on the RO
    assert plan.delete == ("dup-1", "svc-rt-1", "svc-rt-2")
    assert plan.unchanged == ()


def test_plan_as_json():
    plan = mapping.mykaarma_to_shopmonkey_plan(three_jobs(), [], CONFIG).value
    data = plan.to_dict()
    assert [s["name"] for s in data["create"]] == ["JOB A", "JOB B", "JOB C"]
    assert (data["update"], data["delete"], data["unchanged"]) == ([], [], [])
    db.validate(data["create"], "shopmonkey/create-services-request")


@settings(max_examples=40, deadline=None)
@given(rich_orders())
def test_mapping_the_same_ro_twice_with_the_plan_changes_nothing(order):
    cfg = mapping.MappingConfig(orders=mapping.OrdersConfig(unexplained_total="report"))
    first = mapping.mykaarma_to_shopmonkey_plan(order, [], cfg).value
    assert len(first.create) == len(mapping.mykaarma_to_shopmonkey(order, cfg).value)
    again = mapping.mykaarma_to_shopmonkey_plan(order, posted(first), cfg).value
    assert again.changes_nothing, again
    assert len(again.unchanged) == len(first.create)

"""What a type checker sees of the generated models: checked by ``mypy --strict`` in CI
(`pyproject.toml` lists this directory in ``[tool.mypy] files``), never run.

Each ``# type: ignore[code]`` is an expectation: with ``warn_unused_ignores`` (part of
``--strict``) an ignore that no longer matches an error fails the check, so a model whose
required members stopped being required, or whose ``Literal`` stopped being closed, turns CI
red.
"""

from __future__ import annotations

from typing import Literal, assert_type

import dealerbridge as db
from dealerbridge import mapping, testing
from dealerbridge import mykaarma as mk
from dealerbridge import shopmonkey as sm

# A required member is required: leaving it out is an error.
mk.CreateOrderHeader()  # type: ignore[call-arg]
mk.CreateOrderHeader(  # type: ignore[call-arg]
    order_number="1", status="OPENED", create_date="2025-01-02"
)

# An outbound enum is a closed Literal: another value is an error.
mk.CreateOrderHeader(
    order_number="1",
    status="OPEN",  # type: ignore[arg-type]
    create_date="2025-01-02",
    create_time="10:00:00",
)

# Members are typed, optional ones may be UNSET or (where the schema says so) None.
header = mk.CreateOrderHeader(
    order_number="1", status="CLOSED", create_date="2025-01-02", create_time="10:00:00"
)
assert_type(header.status, Literal["OPENED", "PRE-INVOICED", "CLOSED"])
assert_type(header.order_number, str)
mk.CreateOrderHeader(
    order_number=1,  # type: ignore[arg-type]
    status="CLOSED",
    create_date="2025-01-02",
    create_time="10:00:00",
)

# A member the class does not have is an error.
mk.CreateOrderHeader(  # type: ignore[call-arg]
    order_number="1", status="CLOSED", create_date="2025-01-02", create_time="10:00", shop="x"
)

# load and the converter give the class asked for.
assert_type(db.load(sm.Order, {}), sm.Order)
assert_type(db.converter.structure({}, sm.Order), sm.Order)

# The mapping config classes (generated in config mode): a table's entries keep their Literal
# type in the constructor, and the frozen classes refuse assignment.
mapping.OrdersConfig(statuses={"Invoice": "CLOSED"})
mapping.OrdersConfig(statuses={"Invoice": "SHIPPED"})  # type: ignore[dict-item]
mapping.OrdersConfig(max_jobs="9")  # type: ignore[arg-type]
assert_type(mapping.OrdersConfig().max_jobs, int | None)
mapping.MappingConfig().orders.taxable = True  # type: ignore[misc]

# The partner strategies' `source` is one of the four values, None (null) or DRAWN (drawn from
# the schema, the default), all public names; another value is an error.
testing.partner_requests(source="WEB")
testing.partner_requests(source=None)
testing.partner_requests(source=testing.DRAWN)
testing.partner_requests(source="web")  # type: ignore[arg-type]
testing.partner_rule_breaks(source=None)
testing.partner_rule_breaks(source=testing.DRAWN)
testing.partner_rule_breaks(source="web")  # type: ignore[arg-type]

"""`MappingConfig`: every dealer-specific choice of the mappings, and `load_config`.

Defaults and the reasons for them: ``notes/decisions-mapping.md``. A file is checked against
the bundled, closed schema ``dealerbridge/mapping-config`` before it is read, so a misspelt key
is an error, never a silently ignored choice. The schema is the reference: every member has
its ``default`` there (a member without one defaults to None), and a test holds these classes
to it field by field (names, enum values, defaults).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import attrs

from .._errors import DealerbridgeUsageError, ValidationError, issue
from .._json import parse_json, read_regular_file
from .._validation import validate

__all__ = ["DEFAULT_STATUSES", "CustomersConfig", "MappingConfig", "OrdersConfig", "load_config"]

StatusChoice = Literal["OPENED", "PRE-INVOICED", "CLOSED", "refuse"]
PayType = Literal["C", "W", "I"]

#: myKaarma status per Shopmonkey order state ("Paid" = status Invoice with paid true).
DEFAULT_STATUSES: Mapping[str, StatusChoice] = MappingProxyType(
    {"Estimate": "refuse", "RepairOrder": "OPENED", "Invoice": "PRE-INVOICED", "Paid": "CLOSED"}
)


def _strings(value: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(value))


def _statuses(value: Mapping[str, StatusChoice]) -> Mapping[str, StatusChoice]:
    return MappingProxyType({**DEFAULT_STATUSES, **value})


def _empty() -> Mapping[str, str]:
    return MappingProxyType({})


def _pay_types(value: Mapping[str, PayType]) -> Mapping[str, PayType]:
    return MappingProxyType(dict(value))


def _no_pay_types() -> Mapping[str, PayType]:
    return MappingProxyType({})


@attrs.frozen(kw_only=True)
class OrdersConfig:
    """Choices of the order mappings (both directions). Every field has a documented default;
    the schema ``dealerbridge/mapping-config`` describes each one."""

    order_number_source: Literal["number", "externalNumber"] = "number"
    order_number_prefix: str = ""
    order_number_rewrite: Literal["refuse", "strip", "replace"] = "refuse"
    statuses: Mapping[str, StatusChoice] = attrs.field(
        factory=lambda: DEFAULT_STATUSES, converter=_statuses, hash=False
    )
    close_date_source: Literal["invoicedDate", "fullyPaidDate", "completedDate"] = "invoicedDate"
    op_codes: Mapping[str, str] = attrs.field(factory=_empty, converter=_strings, hash=False)
    default_op_code: str | None = None
    sublet_op_code: str = "SUBLET"
    advisors: Mapping[str, str] = attrs.field(factory=_empty, converter=_strings, hash=False)
    default_advisor_number: str | None = None
    assigned_user_uuid: str | None = None
    technicians: Mapping[str, str] = attrs.field(factory=_empty, converter=_strings, hash=False)
    customers: Mapping[str, str] = attrs.field(factory=_empty, converter=_strings, hash=False)
    default_customer_uuid: str | None = None
    vehicles: Mapping[str, str] = attrs.field(factory=_empty, converter=_strings, hash=False)
    missing_part_number: str = "NPN"
    sold_hours: Literal["billed", "entered"] = "billed"
    negative_amounts: Literal["allocate", "refuse"] = "refuse"
    order_discounts: Literal["allocate", "refuse"] = "refuse"
    transactional_fees: Literal["misc", "refuse"] = "refuse"
    ambiguous_discount: Literal["refuse", "included", "separate"] = "refuse"
    pay_types: Mapping[str, PayType] = attrs.field(
        factory=_no_pay_types, converter=_pay_types, hash=False
    )
    unreconciled_services: Literal["refuse", "book"] = "refuse"
    hidden_services: Literal["exclude", "include"] = "exclude"
    max_jobs: int | None = None
    warranty_jobs: Literal["skip", "include"] = "skip"
    internal_jobs: Literal["skip", "include"] = "skip"
    taxable: bool = False
    unlinked_mls_service_name: str = "Misc/Lube/Sublet"
    residual_part_name: str = "UNITEMIZED PARTS"
    unexplained_total: Literal["refuse", "report"] = "refuse"


@attrs.frozen(kw_only=True)
class CustomersConfig:
    """Choices of the customer mapping (Shopmonkey customer -> myKaarma create-customer
    request). Every field has a documented default; the schema ``dealerbridge/mapping-config``
    describes each one, ``notes/decisions-mykaarma-customers.md`` gives the reasons."""

    search_for_duplicate: bool = True
    validate_vin: bool | None = None
    bad_check_digit: Literal["drop", "send"] = "drop"
    phone_region: str = "US"
    email_label: str = "home"
    address_type: Literal["COMMON", "PRIMARY", "BILLING", "OTHER"] = "PRIMARY"
    customer_key: Literal["none", "id", "publicId", "externalId"] = "none"


@attrs.frozen(kw_only=True)
class MappingConfig:
    """Every dealer-specific choice, in sections. ``MappingConfig()`` holds the defaults."""

    orders: OrdersConfig = attrs.field(factory=OrdersConfig)
    customers: CustomersConfig = attrs.field(factory=CustomersConfig)


SCHEMA = "dealerbridge/mapping-config"


def config_from_dict(data: Mapping[str, Any]) -> MappingConfig:
    """A `MappingConfig` from a document already parsed (checked against the schema first)."""
    validate(data, SCHEMA)
    orders = dict(data.get("orders", {}))
    customers = dict(data.get("customers", {}))
    return MappingConfig(orders=OrdersConfig(**orders), customers=CustomersConfig(**customers))


def load_config(path: str | os.PathLike[str]) -> MappingConfig:
    """Read a mapping config from ``.toml`` or ``.json`` (chosen by suffix).

    A document that fails the ``dealerbridge/mapping-config`` schema raises `ValidationError`
    (every issue with its path); a suffix other than ``.toml``/``.json`` raises
    `DealerbridgeUsageError`, and so does a path that names no readable regular file (missing,
    unreadable, a directory; a FIFO or device is refused at once, never waited on). Every TOML
    failure, deep nesting and out-of-range integers included, is a ``toml.syntax`` issue.
    """
    if not isinstance(path, str | os.PathLike):
        raise DealerbridgeUsageError(
            f"load_config needs the path of a .toml or .json file, got {type(path).__name__}"
        )
    where = Path(path)
    suffix = where.suffix.lower()
    if suffix not in (".toml", ".json"):
        raise DealerbridgeUsageError(
            f"a mapping config must be a .toml or .json file, got {str(where)!r}"
        )
    raw = read_regular_file(where)
    if suffix == ".json":
        data = parse_json(raw)
    else:
        try:
            data = tomllib.loads(raw.decode("utf-8"))
        # tomllib raises RecursionError on deeply nested arrays and ValueError on an integer
        # longer than Python's int() allows (4,300 digits): both are bad data.
        except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError, ValueError) as exc:
            raise ValidationError(
                [issue("", "toml.syntax", f"{where.name} is not valid TOML: {exc}")],
                schema=SCHEMA,
            ) from None
    if not isinstance(data, dict):
        validate(data, SCHEMA)  # raises: the schema wants an object
    assert isinstance(data, dict)
    return config_from_dict(data)

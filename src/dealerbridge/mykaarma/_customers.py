"""myKaarma customers: phones, VINs, the documented warnings and the data-model rules.

- `normalize_phone`: a phone number in E.164 (``+13105550123``), as myKaarma stores it, through
  Google's libphonenumber (the ``phonenumbers`` package).
- `vin_check`: whether a VIN is well formed, whether its check digit (position 9) holds, and
  whether it has one (North American and Chinese WMIs).
- `customer_request_warnings`: the documented customer-API warnings (codes 10001-10016) that a
  create or update request would get, decided locally; `search_query_warnings` does the same for
  the search query. Codes that only the server can decide are in `UNDECIDABLE_WARNINGS` with the
  reason.

The data-model rules that span fields (names, company, vin or year/make/model) are stated once,
by the schemas (``x-rule-name``; `dealerbridge.errors` reports each broken one once, at the
object holding its members, with the rule's name as the issue code). The test strategies derive
their repairs and breaks from those schema entries (``dealerbridge.testing``); nothing here
repeats them.

Sources and decisions: ``docs/vendor/mykaarma-customers.md`` and
``notes/decisions-mykaarma-customers.md``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from .._errors import DealerbridgeUsageError, Issue, ValidationError, issue
from .._models import Model, dump
from .._rules import blank as _blank

__all__ = [
    "CUSTOMER_WARNING_CODES",
    "UNDECIDABLE_WARNINGS",
    "VinCheck",
    "customer_request_warnings",
    "normalize_phone",
    "search_query_warnings",
    "vin_check",
]

# ----------------------------------------------------------------------------------- phones


def normalize_phone(number: str, region: str = "US") -> str:
    """*number* in E.164 (``"(310) 555-0123"`` -> ``"+13105550123"``).

    A number without a country code is read as a number of *region* (ISO 3166 alpha-2, e.g.
    ``"US"``, ``"CA"``); one starting with ``+`` carries its own. A number libphonenumber cannot
    parse, or does not consider valid (wrong length, unassigned area code), raises
    `dealerbridge.ValidationError` with code ``mykaarma.phone``: myKaarma drops such numbers
    with warning 10015 INCORRECT_PHONE_FORMAT, so never send one as is. A *region* that is not
    a ``str`` is a `dealerbridge.DealerbridgeUsageError`.
    """
    if not isinstance(region, str):
        raise DealerbridgeUsageError(
            f"region must be an ISO 3166 alpha-2 code such as 'US', got {type(region).__name__}"
        )
    if not isinstance(number, str):
        raise ValidationError(
            [
                issue(
                    "",
                    "mykaarma.phone",
                    f"expected a phone number string, got {type(number).__name__}",
                    number,
                )
            ]
        )
    import phonenumbers  # here, not at import: 20-30 ms that only phone users pay

    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            [issue("", "mykaarma.phone", f"not a phone number ({exc._msg})", number)]
        ) from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(
            [issue("", "mykaarma.phone", f"not a valid phone number for region {region}", number)]
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _is_e164(number: Any) -> bool:
    """Whether *number* is already a valid number written in E.164."""
    if not isinstance(number, str) or not number.startswith("+"):
        return False
    try:
        return normalize_phone(number) == number
    except ValidationError:
        return False


# ------------------------------------------------------------------------------------- VINs

_VIN_ALPHABET = re.compile(r"[A-HJ-NPR-Z0-9]{17}\Z")
_TRANSLITERATION = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", (1, 2, 3, 4, 5, 6, 7, 8), strict=True)),
    **dict(zip("JKLMN", (1, 2, 3, 4, 5), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", (2, 3, 4, 5, 6, 7, 8, 9), strict=True)),
}
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
#: First WMI characters of the regions whose VINs carry a check digit at position 9: North
#: America (1-5: United States, Canada, Mexico) and China (L).
_CHECK_DIGIT_REGIONS = frozenset("12345L")


@attrs.frozen
class VinCheck:
    """What a VIN alone can say about itself.

    - ``well_formed``: 17 characters, each a digit or an upper-case letter other than I, O, Q.
    - ``check_digit``: whether position 9 equals the check digit computed from the others (the
      North American rule, 49 CFR 565). Meaningful only when ``well_formed``; always False
      otherwise.
    - ``check_digit_applies``: whether position 9 is a check digit for this VIN at all: its
      world manufacturer identifier (WMI) is North American (first character 1-5) or Chinese
      (L), the two regions whose rules make position 9 a check digit (ISO 3779 leaves it to
      each region; European VINs have none by design). A VIN whose check digit does not apply
      may hold anything at position 9.
    - ``valid``: well formed, and its check digit holds where it applies.

    myKaarma is reported to drop vehicles whose check digit fails; ``validateVin`` makes it
    reject invalid VINs.
    """

    vin: str
    well_formed: bool
    check_digit: bool

    @property
    def expected_check_digit(self) -> str | None:
        """The check digit position 9 should hold (``"0"``-``"9"`` or ``"X"``), or None when
        the VIN is not well formed."""
        return _check_digit(self.vin) if self.well_formed else None

    @property
    def check_digit_applies(self) -> bool:
        """Position 9 is a check digit: a North American (1-5) or Chinese (L) WMI."""
        return self.well_formed and self.vin[0] in _CHECK_DIGIT_REGIONS

    @property
    def valid(self) -> bool:
        """Well formed, and the check digit holds where it applies."""
        return self.well_formed and (self.check_digit or not self.check_digit_applies)


def _check_digit(vin: str) -> str:
    total = sum(_TRANSLITERATION[c] * w for c, w in zip(vin, _WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def vin_check(vin: str) -> VinCheck:
    """Check *vin* as given (no trimming or case folding: myKaarma receives what is sent)."""
    if not isinstance(vin, str):
        raise ValidationError(
            [issue("", "type", f"expected a VIN string, got {type(vin).__name__}", vin)]
        )
    well_formed = _VIN_ALPHABET.match(vin) is not None
    return VinCheck(vin, well_formed, well_formed and vin[8] == _check_digit(vin))


# --------------------------------------------------------------------------------- warnings

#: The documented customer-API warnings: code -> title, as the API introduction lists them.
CUSTOMER_WARNING_CODES: Mapping[int, str] = {
    10001: "NO_CUSTOMER_FOUND",
    10002: "INVALID_MAXRESULTS",
    10003: "SEARCH_TERM_LIMIT",
    10004: "INVALID_SEARCH_PREFERENCE",
    10005: "DELETED_ALL_PHONE_NUMBERS",
    10006: "DELETED_ALL_EMAILS",
    10007: "EMPTY_PHONE_LIST",
    10008: "EMPTY_EMAIL_LIST",
    10009: "EMPTY_EMAIL_SET",
    10010: "EMPTY_PHONE_SET",
    10011: "EMPTY_PHONE_NUMBER",
    10012: "EMPTY_EMAIL",
    10013: "NO_VALID_PHONE_FOUND",
    10014: "NO_VALID_EMAIL_FOUND",
    10015: "INCORRECT_PHONE_FORMAT",
    10016: "INVALID_PHONE_FIELDS",
}

#: Where each decidable code is decided.
DECIDED_BY: Mapping[int, str] = {
    **dict.fromkeys((10002, 10003, 10004), "search_query_warnings"),
    **dict.fromkeys(range(10005, 10016), "customer_request_warnings"),
}

#: The codes no local function decides, with the reason.
UNDECIDABLE_WARNINGS: Mapping[int, str] = {
    10001: "whether a search term matches a customer depends on the dealer's stored customers",
    10016: (
        "the documented text is cut off ('Phone number fields can't be null or empty or ex...'), "
        "so which fields and limits it checks is unknown"
    ),
}

_SEVERITY = "warning"
_CODE = "mykaarma.customer_warning"


def _warning(number: int, path: str, why: str, value: Any = None) -> Issue:
    title = CUSTOMER_WARNING_CODES[number]
    return Issue(
        path,
        _CODE,
        f"myKaarma answers warning {number} {title}: {why}",
        value,
        _SEVERITY,
        rule=title.lower().replace("_", "-"),
        vendor_code=str(number),
        vendor_text=title,
    )


def _null_or_empty(items: Any) -> str:
    return "null" if items is None else "empty"


def _communications(
    customer: Mapping[str, Any],
    key: str,
    value_key: str,
    update: bool,
    codes: tuple[int, int, int, int, int],
    valid: Callable[[Any], bool],
) -> list[Issue]:
    """Warnings of one list (phones or emails). *codes*: deleted-all, empty list, empty set,
    empty value, none valid."""
    deleted, empty_list, empty_set, empty_value, none_valid = codes
    path = f"/customer/{key}"
    if key not in customer:
        return []
    items = customer[key]
    if items is None or items == []:
        if update:
            return [
                _warning(
                    deleted,
                    path,
                    f"{key} is {_null_or_empty(items)}, so every stored one is deleted",
                    items,
                )
            ]
        return [
            _warning(empty_list, path, f"{key} is {'null' if items is None else 'empty'}", items)
        ]
    if not isinstance(items, list):
        return []
    out: list[Issue] = []
    any_valid = False
    for i, item in enumerate(items):
        where = f"{path}/{i}"
        if not isinstance(item, Mapping) or not item:
            out.append(_warning(empty_set, where, "the item is null or empty", item))
            continue
        number = item.get(value_key)
        if _blank(number):
            out.append(
                _warning(
                    empty_value, f"{where}/{value_key}", f"{value_key} is missing or blank", number
                )
            )
            continue
        if key == "phoneNumbers" and not valid(number):
            out.append(
                _warning(
                    10015,
                    f"{where}/{value_key}",
                    "the number is not a valid E.164 number like +13105550123"
                    " (dealerbridge.mykaarma.normalize_phone makes one)",
                    number,
                )
            )
            continue
        any_valid = True
    if not any_valid:
        out.append(
            _warning(none_valid, path, f"no item of {key} is valid, so none is stored", None)
        )
    return out


def customer_request_warnings(body: object, *, update: bool = False) -> list[Issue]:
    """The documented warnings myKaarma would answer to a create (or, with ``update=True``, an
    update) customer request *body*, as `Issue`s with ``severity="warning"``, code
    ``mykaarma.customer_warning``, and ``vendor_code``/``vendor_text`` set to the warning's
    number and title. A warning means the request succeeds while some data is dropped (or, for
    10005/10006, deleted). Run `dealerbridge.validate` for the schema rules as well.

    Decided here: 10005-10006 (update only) and 10007-10008 (create): an emails or
    phoneNumbers list sent empty or null (an absent list is not reported); 10009/10010: an item
    that is null or an empty object; 10011/10012: an item without its number or address;
    10015: a number that is not a valid number in E.164; 10013/10014: a list in which no item
    is valid. Emails are not checked beyond being present: myKaarma documents no email format
    warning. *body* may be a model or its JSON value.
    """
    data = _json_of(body)
    customer = data.get("customer") if isinstance(data, Mapping) else None
    if not isinstance(customer, Mapping):
        return []
    out = _communications(
        customer,
        "phoneNumbers",
        "phoneNumber",
        update,
        (10005, 10007, 10010, 10011, 10013),
        _is_e164,
    )
    out += _communications(
        customer,
        "emails",
        "emailAddress",
        update,
        (10006, 10008, 10009, 10012, 10014),
        lambda _: True,
    )
    return out


def search_query_warnings(query: object) -> list[Issue]:
    """The documented warnings 10002-10004 the customer search would answer to *query* (its
    parameters as a mapping): maxResults outside 1-100 (100 is used instead), a searchTerm
    longer than 150 characters (only the first 150 are searched), and a searchPreference other
    than customer or vehicle (customer is used instead; compared ignoring case, since the docs
    write both "customer" and "Customer")."""
    data = _json_of(query)
    if not isinstance(data, Mapping):
        return []
    out: list[Issue] = []
    if "maxResults" in data:
        m = data["maxResults"]
        if not (type(m) is int and 1 <= m <= 100):
            out.append(
                _warning(
                    10002, "/maxResults", "maxResults must be from 1 to 100; 100 is used instead", m
                )
            )
    term = data.get("searchTerm")
    if isinstance(term, str) and len(term) > 150:
        out.append(
            _warning(
                10003,
                "/searchTerm",
                "the search term is longer than 150 characters; only the first 150 are searched",
                term,
            )
        )
    if "searchPreference" in data:
        p = data["searchPreference"]
        if not (isinstance(p, str) and p.lower() in ("customer", "vehicle")):
            out.append(
                _warning(
                    10004,
                    "/searchPreference",
                    "searchPreference must be customer or vehicle; customer is used instead",
                    p,
                )
            )
    return out


def _json_of(value: Any) -> Any:
    return dump(value) if isinstance(value, Model) else value

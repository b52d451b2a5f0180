"""A Shopmonkey customer and its vehicles -> the myKaarma create-customer request.

Decisions and reasons: ``notes/decisions-mykaarma-customers.md`` ("Mapping a Shopmonkey
customer").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import mykaarma as mk
from .. import shopmonkey as sm
from .._errors import Issue, ValidationError
from .._models import dump, load
from .._render import hides
from ._common import load_at, show
from ._config import MappingConfig
from ._report import Mapped, MappingError, MappingNote, NoteKind

__all__ = ["shopmonkey_customer_to_mykaarma"]

#: Shopmonkey phone type (userDefinedType, else type) -> myKaarma phone label.
PHONE_LABELS = {
    "Mobile": "cell",
    "Work": "work",
    "Office": "work",
    "Home": "home",
    "Landline": "home",
    "Fax": "fax",
    "VoIP": "other",
    "Other": "other",
}
_CONTACT = {"SMS": "text", "Email": "email"}
_LOCALES = {"en": "en-us", "en_US": "en-us", "fr_CA": "fr-ca"}


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def shopmonkey_customer_to_mykaarma(
    customer: object, vehicles: Sequence[object] = (), config: MappingConfig | None = None
) -> Mapped[mk.CreateCustomerRequest]:
    """The myKaarma create-customer request for a Shopmonkey *customer* and its *vehicles*
    (``sm.Customer`` / ``sm.Vehicle`` models or their JSON values).

    - Names: a Fleet customer, or one with a company name and no first or last name, becomes a
      business (``isBusiness`` and ``company``); otherwise first and last name. Neither: refused
      (``mapping.customer_name``), since myKaarma requires one or the other.
    - Emails (label from ``customers.email_label``) and phones in E.164 through
      `mk.normalize_phone` (the number's country, else the customer's, else
      ``customers.phone_region``). A number it cannot place is dropped and reported, never sent
      as is.
    - The address (when any part is recorded) with ``customers.address_type``.
    - Vehicles by VIN, with year, make and model when known. A VIN that is not well formed is
      left out (the vehicle then goes by year, make and model, or is dropped); one whose check
      digit fails is reported and, by ``customers.bad_check_digit``, dropped (default) or sent.
    - ``searchForDuplicate`` from ``customers.search_for_duplicate`` (default true).

    Every value that did not carry over is a `MappingNote` in ``report``. The result is
    validated against ``mykaarma/create-customer-request``; a refusal raises `MappingError`.
    """
    cfg = (config if config is not None else MappingConfig()).customers
    sm_customer = load_at(sm.Customer, customer, "/customer")
    sm_vehicles = [load_at(sm.Vehicle, v, f"/vehicles/{i}") for i, v in enumerate(vehicles)]
    c: Any = dump(sm_customer)
    notes: list[MappingNote] = []

    def note(kind: NoteKind, source: str, target: str | None, message: str) -> None:
        notes.append(MappingNote(kind, source, target, None, message))

    out: dict[str, Any] = {}
    first, last, company = (_text(c.get(k)) for k in ("firstName", "lastName", "companyName"))
    business = company is not None and (
        c.get("customerType") == "Fleet" or first is None or last is None
    )
    if business:
        out["isBusiness"] = True
        out["company"] = company
    elif first is None or last is None:
        raise MappingError(
            [
                Issue(
                    "/customer/firstName" if first is None else "/customer/lastName",
                    "mapping.customer_name",
                    "myKaarma needs a first and a last name, or a company name for a business;"
                    f" found firstName {show(c.get('firstName'), personal=True)}, lastName"
                    f" {show(c.get('lastName'), personal=True)}, companyName"
                    f" {show(c.get('companyName'), personal=True)}",
                    None,
                )
            ],
            report=notes,
        )
    else:
        out["isBusiness"] = False
    if first is not None:
        out["firstName"] = first
    if last is not None:
        out["lastName"] = last
    if company is not None and not business:
        out["company"] = company
        note(
            "lossy",
            "/customer/companyName",
            "/customer/company",
            "a person with a company name: sent as company, isBusiness false",
        )

    key_source = cfg.customer_key
    if key_source != "none":
        key = _text(c.get(key_source))
        if key is not None:
            out["customerKey"] = key
        else:
            note(
                "dropped",
                f"/customer/{key_source}",
                None,
                f"customers.customer_key is {key_source}, which is not set: no customerKey",
            )

    for field, table, target, why in (
        (
            "preferredContactMethod",
            _CONTACT,
            "preferredCommunication",
            " has no myKaarma equivalent",
        ),
        ("preferredLanguage", _LOCALES, "preferredLocale", ": myKaarma knows only en-us and fr-ca"),
    ):
        value = c.get(field)
        if value in table:
            out[target] = table[value]
        elif value is not None:
            note("dropped", f"/customer/{field}", None, f"{field} {show(value)}{why}")

    emails: list[dict[str, Any]] = []
    for i, e in enumerate(c.get("emails") or []):
        address = _text(e.get("email"))
        if address is None:
            note("dropped", f"/customer/emails/{i}/email", None, "a blank email address")
            continue
        emails.append(
            {
                "emailAddress": address,
                "label": cfg.email_label,
                "okToEmail": bool(e.get("subscribed")),
                "isPreferred": bool(e.get("primary")),
            }
        )
    if emails:
        out["emails"] = emails

    phones: list[dict[str, Any]] = []
    for i, p in enumerate(c.get("phoneNumbers") or []):
        region = p.get("country") or c.get("country") or cfg.phone_region
        raw = p.get("number")
        try:
            number = mk.normalize_phone(raw, region)
        except ValidationError:
            note(
                "dropped",
                f"/customer/phoneNumbers/{i}/number",
                None,
                f"phone number {show(raw, personal=True)} is not a valid number for region"
                f" {show(region)}:"
                " not sent (myKaarma would drop it with warning 10015)",
            )
            continue
        if number != raw:
            note(
                "lossy",
                f"/customer/phoneNumbers/{i}/number",
                f"/customer/phoneNumbers/{len(phones)}/phoneNumber",
                f"phone number {show(raw, personal=True)} sent in E.164 as"
                f" {show(number, personal=True)}",
            )
        if _text(p.get("extension")) is not None:
            note(
                "dropped",
                f"/customer/phoneNumbers/{i}/extension",
                None,
                "myKaarma phones have no extension",
            )
        kind = p.get("userDefinedType") or p.get("type")
        phones.append(
            {
                "phoneNumber": number,
                "label": PHONE_LABELS.get(kind, "cell") if kind else "cell",
                "okToCall": True,
                "okToText": bool(p.get("optIn")),
                "isPreferred": bool(p.get("primary")),
            }
        )
    if phones:
        out["phoneNumbers"] = phones

    place = {
        key: value
        for key, value in (
            ("line1", _text(c.get("address1"))),
            ("line2", _text(c.get("address2"))),
            ("city", _text(c.get("city"))),
            ("state", _text(c.get("state"))),
            ("zip", _text(c.get("postalCode"))),
            ("country", _text(c.get("country"))),
        )
        if value is not None
    }
    if place:
        out["addresses"] = [{**place, "type": cfg.address_type}]

    body: dict[str, Any] = {"customer": out}
    sent: list[dict[str, Any]] = []
    for i, vehicle in enumerate(sm_vehicles):
        v: Any = dump(vehicle)
        item = _vehicle(v, f"/vehicles/{i}", len(sent), cfg.bad_check_digit, note)
        if item is not None:
            sent.append(item)
    if sent:
        body["vehicles"] = sent
    if cfg.validate_vin is not None:
        body["validateVin"] = cfg.validate_vin
    body["searchForDuplicate"] = cfg.search_for_duplicate
    return Mapped(load(mk.CreateCustomerRequest, body), tuple(notes))


def _expected(digit: object) -> str:
    """Where a VIN's check digit is and, unless the VIN is hidden, which digit it should be
    (the expected digit is computed from the VIN, so it is hidden with it)."""
    if hides(personal=True):
        return "position 9"
    return f"expected {digit} at position 9"


def _vehicle(v: dict[str, Any], src: str, index: int, bad_check_digit: str, note: Any) -> Any:
    target = f"/vehicles/{index}"
    out: dict[str, Any] = {}
    vin = _text(v.get("vin"))
    if vin is not None:
        check = mk.vin_check(vin.upper())
        if not check.well_formed:
            note(
                "dropped",
                f"{src}/vin",
                None,
                f"VIN {show(vin, personal=True)} is not 17 characters of the VIN alphabet:"
                " not sent",
            )
            vin = None
        elif not check.check_digit:
            if bad_check_digit == "drop":
                note(
                    "excluded",
                    f"{src}/vin",
                    None,
                    f"VIN {show(vin, personal=True)} fails its check digit"
                    f" ({_expected(check.expected_check_digit)}): vehicle not sent"
                    " (customers.bad_check_digit is drop)",
                )
                return None
            note(
                "lossy",
                f"{src}/vin",
                f"{target}/vin",
                f"VIN {show(vin, personal=True)} fails its check digit"
                f" ({_expected(check.expected_check_digit)}): sent as is; myKaarma may drop it",
            )
        if vin is not None:
            out["vin"] = vin.upper()
            if vin != vin.upper():
                note("lossy", f"{src}/vin", f"{target}/vin", "VIN sent in upper case")
    year = v.get("year")
    for key, value in (
        ("vehicleYear", str(year) if isinstance(year, int) else None),
        ("vehicleMake", _text(v.get("make"))),
        ("vehicleModel", _text(v.get("model"))),
        ("vehicleTrim", _text(v.get("submodel"))),
        ("vehicleEngine", _text(v.get("engine"))),
        ("licensePlate", _text(v.get("licensePlate"))),
        ("color", _text(v.get("color"))),
    ):
        if value is not None:
            out[key] = value
    mileage = v.get("mileage")
    if isinstance(mileage, int | float) and not isinstance(mileage, bool):
        if v.get("mileageUnit") == "Kilometer":
            note(
                "dropped",
                f"{src}/mileage",
                None,
                "mileage in kilometres: myKaarma's estimatedMileage is in miles, not sent",
            )
        else:
            out["estimatedMileage"] = str(round(mileage))
            if mileage != round(mileage):
                note(
                    "rounded",
                    f"{src}/mileage",
                    f"{target}/estimatedMileage",
                    f"mileage {show(mileage)} rounded to whole miles",
                )
    if "vin" not in out and not all(
        k in out for k in ("vehicleYear", "vehicleMake", "vehicleModel")
    ):
        note(
            "excluded",
            src,
            None,
            "a vehicle with neither a usable VIN nor year, make and model: not sent",
        )
        return None
    return out

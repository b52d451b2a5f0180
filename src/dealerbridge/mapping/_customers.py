"""A Shopmonkey customer and its vehicles -> the myKaarma create-customer request.

Decisions and reasons: ``notes/decisions-mykaarma-customers.md`` ("Mapping a Shopmonkey
customer"). The inputs are read as models (JSON values are loaded once each), the request is
built as models, one function per section, and validated once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .. import mykaarma as mk
from .. import shopmonkey as sm
from .._errors import Issue, ValidationError
from .._models import UNSET, dump
from .._render import render_value
from .._validation import validate
from ._common import config_or_default, load_at, sequence_of, show
from ._config import CustomersConfig, MappingConfig
from ._report import Mapped, MappingError, MappingNote, NoteKind

__all__ = ["shopmonkey_customer_to_mykaarma"]

SCHEMA = "mykaarma/create-customer-request"

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
#: Largest mileage sent (myKaarma's estimatedMileage is a string of whole miles).
MAX_MILEAGE = 10_000_000

Note = Callable[[NoteKind, str, "str | None", str], None]


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _personal(value: object) -> str:
    return render_value(value, personal=True)


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
      left out (the vehicle then goes by year, make and model, or is dropped). A North American
      or Chinese VIN (ISO 3779: position 9 is a check digit only there) whose check digit fails
      is reported and, by ``customers.bad_check_digit``, dropped (default) or sent; any other
      VIN keeps its vehicle, with a note.
    - ``searchForDuplicate`` from ``customers.search_for_duplicate`` (default true).

    Every value that did not carry over is a `MappingNote` in ``report``. The result is
    validated once against ``mykaarma/create-customer-request``; a refusal raises
    `MappingError`.
    """
    cfg = config_or_default(config).customers
    person = load_at(sm.Customer, customer, "/customer")
    cars = [
        load_at(sm.Vehicle, v, f"/vehicles/{i}")
        for i, v in enumerate(sequence_of(vehicles, "vehicles"))
    ]
    notes: list[MappingNote] = []

    def note(kind: NoteKind, source: str, target: str | None, message: str) -> None:
        notes.append(MappingNote(kind, source, target, None, message))

    out = _names(person, note, notes)
    _key(person, cfg, out, note)
    _preferences(person, out, note)
    emails = _emails(person, cfg, note)
    if emails:
        out.emails = emails
    phones = _phones(person, cfg, note)
    if phones:
        out.phone_numbers = phones
    address = _address(person, cfg)
    if address is not None:
        out.addresses = [address]
    body = mk.CreateCustomerRequest(customer=out)
    sent: list[mk.CustomerVehicleInput] = []
    for i, car in enumerate(cars):
        item = _vehicle(car, f"/vehicles/{i}", len(sent), cfg.bad_check_digit, note)
        if item is not None:
            sent.append(item)
    if sent:
        body.vehicles = sent
    if cfg.validate_vin is not None:
        body.validate_vin = cfg.validate_vin
    body.search_for_duplicate = cfg.search_for_duplicate
    validate(dump(body, validate=False), SCHEMA)
    return Mapped(body, tuple(notes))


def _names(person: sm.Customer, note: Note, notes: list[MappingNote]) -> mk.CreateCustomer:
    first, last, company = (
        _text(person.first_name),
        _text(person.last_name),
        _text(person.company_name),
    )
    business = company is not None and (
        person.customer_type == "Fleet" or first is None or last is None
    )
    out = mk.CreateCustomer()
    if business and company is not None:
        out.is_business, out.company = True, company
    elif first is None or last is None:
        raise MappingError(
            [
                Issue(
                    "/customer/firstName" if first is None else "/customer/lastName",
                    "mapping.customer_name",
                    "myKaarma needs a first and a last name, or a company name for a business;"
                    f" found firstName {_personal(person.first_name)}, lastName"
                    f" {_personal(person.last_name)}, companyName"
                    f" {_personal(person.company_name)}",
                    None,
                )
            ],
            report=notes,
        )
    else:
        out.is_business = False
    if first is not None:
        out.first_name = first
    if last is not None:
        out.last_name = last
    if company is not None and not business:
        out.company = company
        note(
            "lossy",
            "/customer/companyName",
            "/customer/company",
            "a person with a company name: sent as company, isBusiness false",
        )
    return out


def _key(person: sm.Customer, cfg: CustomersConfig, out: mk.CreateCustomer, note: Note) -> None:
    source = cfg.customer_key
    if source == "none":
        return
    values = {"id": person.id, "publicId": person.public_id, "externalId": person.external_id}
    key = _text(values[source])
    if key is not None:
        out.customer_key = key
    else:
        note(
            "dropped",
            f"/customer/{source}",
            None,
            f"customers.customer_key is {source}, which is not set: no customerKey",
        )


def _preferences(person: sm.Customer, out: mk.CreateCustomer, note: Note) -> None:
    contact = person.preferred_contact_method
    if contact == "SMS":
        out.preferred_communication = "text"
    elif contact == "Email":
        out.preferred_communication = "email"
    elif contact is not None:
        note(
            "dropped",
            "/customer/preferredContactMethod",
            None,
            f"preferredContactMethod {show(contact)} has no myKaarma equivalent",
        )
    language = person.preferred_language
    if language in ("en", "en_US"):
        out.preferred_locale = "en-us"
    elif language == "fr_CA":
        out.preferred_locale = "fr-ca"
    elif language is not None and language is not UNSET:
        note(
            "dropped",
            "/customer/preferredLanguage",
            None,
            f"preferredLanguage {show(language)}: myKaarma knows only en-us and fr-ca",
        )


def _emails(person: sm.Customer, cfg: CustomersConfig, note: Note) -> list[mk.CustomerEmailInput]:
    emails: list[mk.CustomerEmailInput] = []
    for i, e in enumerate(person.emails):
        address = _text(e.email)
        if address is None:
            note("dropped", f"/customer/emails/{i}/email", None, "a blank email address")
            continue
        emails.append(
            mk.CustomerEmailInput(
                email_address=address,
                label=cfg.email_label,
                ok_to_email=e.subscribed is True,
                is_preferred=e.primary is True,
            )
        )
    return emails


def _phones(person: sm.Customer, cfg: CustomersConfig, note: Note) -> list[mk.CustomerPhoneInput]:
    phones: list[mk.CustomerPhoneInput] = []
    for i, p in enumerate(person.phone_numbers):
        region = _text(p.country) or _text(person.country) or cfg.phone_region
        where = f"/customer/phoneNumbers/{i}"
        try:
            number = mk.normalize_phone(p.number, region)
        except ValidationError:
            note(
                "dropped",
                f"{where}/number",
                None,
                f"phone number {_personal(p.number)} is not a valid number for region "
                f"{region}: not sent (myKaarma would drop it with warning 10015)",
            )
            continue
        if number != p.number:
            note(
                "lossy",
                f"{where}/number",
                f"/customer/phoneNumbers/{len(phones)}/phoneNumber",
                f"phone number {_personal(p.number)} sent in E.164 as {_personal(number)}",
            )
        if _text(p.extension) is not None:
            note("dropped", f"{where}/extension", None, "myKaarma phones have no extension")
        kind = _text(p.user_defined_type) or _text(p.type)
        phones.append(
            mk.CustomerPhoneInput(
                phone_number=number,
                label=PHONE_LABELS.get(kind, "cell") if kind else "cell",
                ok_to_call=True,
                ok_to_text=p.opt_in is True,
                is_preferred=p.primary is True,
            )
        )
    return phones


def _address(person: sm.Customer, cfg: CustomersConfig) -> mk.CustomerAddressInput | None:
    parts = {
        "line1": _text(person.address1),
        "line2": _text(person.address2),
        "city": _text(person.city),
        "state": _text(person.state),
        "zip": _text(person.postal_code),
        "country": _text(person.country),
    }
    if all(value is None for value in parts.values()):
        return None
    address = mk.CustomerAddressInput(type=cfg.address_type)
    for name, value in parts.items():
        if value is not None:
            setattr(address, name, value)
    return address


def _vin(
    car: sm.Vehicle, src: str, target: str, bad_check_digit: str, note: Note
) -> tuple[str | None, bool]:
    """``(the VIN to send or None, whether the vehicle is kept)``."""
    vin = _text(car.vin)
    if vin is None:
        return None, True
    check = mk.vin_check(vin.upper())
    if not check.well_formed:
        note(
            "dropped",
            f"{src}/vin",
            None,
            f"VIN {_personal(vin)} is not 17 characters of the VIN alphabet: not sent",
        )
        return None, True
    if not check.check_digit and not check.check_digit_applies:
        note(
            "lossy",
            f"{src}/vin",
            f"{target}/vin",
            f"VIN {_personal(vin)} is not North American or Chinese (its first character), so "
            "position 9 is not a check digit (ISO 3779): sent unchecked; myKaarma may drop it "
            "if it applies the North American check",
        )
    elif not check.check_digit:
        if bad_check_digit == "drop":
            note(
                "excluded",
                f"{src}/vin",
                None,
                f"VIN {_personal(vin)} fails its check digit (position 9): vehicle not sent"
                " (customers.bad_check_digit is drop)",
            )
            return None, False
        note(
            "lossy",
            f"{src}/vin",
            f"{target}/vin",
            f"VIN {_personal(vin)} fails its check digit (position 9): sent as is; myKaarma "
            "may drop it",
        )
    if vin != vin.upper():
        note("lossy", f"{src}/vin", f"{target}/vin", "VIN sent in upper case")
    return vin.upper(), True


def _mileage(car: sm.Vehicle, src: str, target: str, note: Note) -> str | None:
    mileage = car.mileage
    if not isinstance(mileage, int | float) or isinstance(mileage, bool):
        return None
    if car.mileage_unit == "Kilometer":
        note(
            "dropped",
            f"{src}/mileage",
            None,
            "mileage in kilometres: myKaarma's estimatedMileage is in miles, not sent",
        )
        return None
    if not 0 <= mileage < MAX_MILEAGE:
        note(
            "dropped",
            f"{src}/mileage",
            None,
            f"mileage outside 0 to {MAX_MILEAGE:,} miles: not sent",
        )
        return None
    whole = round(mileage)
    if mileage != whole:
        note("rounded", f"{src}/mileage", f"{target}/estimatedMileage", "mileage rounded to miles")
    return str(whole)


def _vehicle(
    car: sm.Vehicle, src: str, index: int, bad_check_digit: str, note: Note
) -> mk.CustomerVehicleInput | None:
    target = f"/vehicles/{index}"
    vin, kept = _vin(car, src, target, bad_check_digit, note)
    if not kept:
        return None
    out = mk.CustomerVehicleInput()
    if vin is not None:
        out.vin = vin
    year = str(car.year) if isinstance(car.year, int) and not isinstance(car.year, bool) else None
    fields = {
        "vehicle_year": year,
        "vehicle_make": _text(car.make),
        "vehicle_model": _text(car.model),
        "vehicle_trim": _text(car.submodel),
        "vehicle_engine": _text(car.engine),
        "license_plate": _text(car.license_plate),
        "color": _text(car.color),
        "estimated_mileage": _mileage(car, src, target, note),
    }
    for name, value in fields.items():
        if value is not None:
            setattr(out, name, value)
    if vin is None and None in (year, fields["vehicle_make"], fields["vehicle_model"]):
        note(
            "excluded",
            src,
            None,
            "a vehicle with neither a usable VIN nor year, make and model: not sent",
        )
        return None
    return out

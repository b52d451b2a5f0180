"""The partner appointment's single ``appointmentDateTime`` and what the server derives from it.

myKaarma takes one ``appointmentDateTime`` with an offset, uses it as the pickup trip's time,
and derives the appointment start by stripping the offset (the dealer's local wall time).

One time-zone database: IANA zones come from `zoneinfo` (the system's tz database, or the
``tzdata`` package where there is none), which both names the zones (`_zone_names`) and gives
their rules. python-dateutil parses the text (``isoparse``) and answers the daylight-saving
questions (``datetime_exists``, ``datetime_ambiguous``, ``enfold``) for the zoneinfo zone; its
own ``tz.gettz`` database is never asked, so the two cannot disagree about a zone.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import attrs

from .._errors import ValidationError, issue
from .._render import render_value as describe_value

__all__ = ["AppointmentTimes", "appointment_datetime", "split_appointment_datetime"]

_GRAMMAR = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9])"
    r"(Z|[+-](?:[01][0-9]|2[0-3]):?[0-5][0-9])\Z"
)
_LOCAL = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]\Z")
GRAMMAR_TEXT = "YYYY-MM-DDTHH:MM:SS followed by Z, +HH:MM or +HHMM"


@attrs.frozen
class AppointmentTimes:
    """What myKaarma derives from one ``appointmentDateTime``."""

    appointment_time: str
    """The trip's time: the same instant and offset, written ``2026-04-06T13:00:00-0700``."""
    appointment_start_date_time: str
    """The appointment start: the local wall time without offset, ``2026-04-06T13:00:00``."""


def _bad(value: object, why: str) -> ValidationError:
    return ValidationError(
        [
            issue(
                "",
                "datetime",
                f"appointmentDateTime {describe_value(value)} {why}",
                value,
            )
        ]
    )


def _offset_text(offset: dt.timedelta) -> str:
    total = int(offset.total_seconds())
    sign = "-" if total < 0 else "+"
    hours, minutes = divmod(abs(total) // 60, 60)
    return f"{sign}{hours:02d}{minutes:02d}"


def split_appointment_datetime(value: str) -> AppointmentTimes:
    """Split ``appointmentDateTime`` as the server does.

    The accepted grammar is exactly ``YYYY-MM-DDTHH:MM:SS`` followed by ``Z``, ``±HH:MM`` or
    ``±HHMM`` with a real calendar date and time. Anything else (no offset, a date alone,
    fractional seconds, missing seconds, basic or week formats, hour 24, an offset beyond
    ±23:59) raises `ValidationError` with code ``datetime``. The grammar is checked first;
    python-dateutil then builds the moment (and rejects dates such as February 30).
    """
    if not isinstance(value, str):
        raise _bad(value, f"must be a string ({GRAMMAR_TEXT})")
    match = _GRAMMAR.match(value)
    if match is None:
        raise _bad(value, f"must be {GRAMMAR_TEXT}")
    # python-dateutil is imported by the two functions that use it, not with the package
    # (10-15 ms that only appointment users pay).
    from dateutil import parser as date_parser

    try:
        moment = date_parser.isoparse(value)
    except (ValueError, OverflowError):
        raise _bad(value, "is not a real calendar date and time") from None
    offset = moment.utcoffset()
    if offset is None:  # pragma: no cover - the grammar demands an offset
        raise _bad(value, "has no offset")
    local = moment.replace(tzinfo=None).isoformat(timespec="seconds")
    return AppointmentTimes(
        appointment_time=f"{local}{_offset_text(offset)}",
        appointment_start_date_time=local,
    )


def appointment_datetime(local: dt.datetime | str, tz: str, *, fold: int | None = None) -> str:
    """The ``appointmentDateTime`` for a dealer's local wall time in IANA zone *tz*.

    *local* is a naive `datetime` (whole seconds) or ``YYYY-MM-DDTHH:MM:SS``. The offset is the
    one in force at that moment. A wall time inside a daylight-saving gap does not exist and
    raises `ValidationError`; one that occurs twice (the fall-back hour) needs ``fold`` (0 for
    the first occurrence, 1 for the second) and raises without it.
    """
    if isinstance(local, str):
        if _LOCAL.match(local) is None:
            raise _bad(local, "local time must be YYYY-MM-DDTHH:MM:SS")
        try:
            wall = dt.datetime.fromisoformat(local)
        except ValueError:
            raise _bad(local, "is not a real calendar date and time") from None
    elif isinstance(local, dt.datetime):
        if local.tzinfo is not None:
            raise _bad(local.isoformat(), "local time must be naive (no zone)")
        if local.microsecond:
            raise _bad(local.isoformat(), "local time must be whole seconds")
        wall = local
    else:
        raise _bad(local, "local time must be a datetime or YYYY-MM-DDTHH:MM:SS")
    if not isinstance(tz, str) or tz not in _zone_names():
        raise ValidationError(
            [issue("", "datetime", f"{describe_value(tz)} is not an IANA time zone", tz)]
        )
    from dateutil import tz as date_tz  # see split_appointment_datetime

    zone = zoneinfo.ZoneInfo(tz)  # the one time-zone database: the one that names the zones
    if fold is not None and (type(fold) is not int or fold not in (0, 1)):
        raise _bad(fold, "fold must be 0, 1 or None (an int)")
    aware = wall.replace(tzinfo=zone)
    try:
        if not date_tz.datetime_exists(aware):
            raise _bad(wall.isoformat(), f"does not exist in {tz} (daylight-saving gap)")
        if date_tz.datetime_ambiguous(aware):
            if fold is None:
                raise _bad(wall.isoformat(), f"occurs twice in {tz}; pass fold=0 or fold=1")
            aware = date_tz.enfold(aware, fold)
        offset = aware.utcoffset()
    except OverflowError:  # the zone's rules reach past year 1 or 9999 at this wall time
        raise _bad(
            wall.isoformat(), f"cannot be placed in {tz} (outside the datetime range)"
        ) from None
    if offset is None or offset.total_seconds() % 60:
        raise _bad(wall.isoformat(), f"has an offset in {tz} that is not whole minutes")
    return f"{wall.isoformat(timespec='seconds')}{_offset_text(offset)}"


_zones: frozenset[str] | None = None


def _zone_names() -> frozenset[str]:
    global _zones
    if _zones is None:
        _zones = frozenset(zoneinfo.available_timezones())
    return _zones

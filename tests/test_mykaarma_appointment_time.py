import datetime as dt
import zoneinfo

import pytest
from dateutil import tz as date_tz
from hypothesis import assume, given
from hypothesis import strategies as st

from dealerbridge import ValidationError
from dealerbridge.mykaarma import appointment_datetime, split_appointment_datetime


@pytest.mark.parametrize(
    ("value", "trip", "start"),
    [
        ("2026-04-06T13:00:00-0700", "2026-04-06T13:00:00-0700", "2026-04-06T13:00:00"),
        ("2026-04-06T13:00:00-07:00", "2026-04-06T13:00:00-0700", "2026-04-06T13:00:00"),
        ("2026-04-06T13:00:00Z", "2026-04-06T13:00:00+0000", "2026-04-06T13:00:00"),
        ("2024-02-29T23:59:59+05:30", "2024-02-29T23:59:59+0530", "2024-02-29T23:59:59"),
        ("2026-01-01T00:00:00+2359", "2026-01-01T00:00:00+2359", "2026-01-01T00:00:00"),
    ],
)
def test_split(value, trip, start):
    result = split_appointment_datetime(value)
    assert result.appointment_time == trip
    assert result.appointment_start_date_time == start


@pytest.mark.parametrize(
    "bad",
    [
        "2026-04-06T13:00:00",  # no offset
        "2026-04-06",  # a date alone
        "2026-04-06T13:00:00.000Z",  # fractional seconds
        "2026-04-06T13:00Z",  # missing seconds
        "20260406T130000Z",  # basic format
        "2026-W15-1T13:00:00Z",  # week format
        "2026-04-06T24:00:00Z",  # hour 24
        "2026-04-06T13:00:00+24:00",  # offset beyond ±23:59
        "2026-04-06T13:00:00+23:60",
        "2026-02-30T13:00:00Z",  # not a real date
        "2025-02-29T13:00:00Z",
        "2026-04-06T13:00:60Z",  # leap second
        "2026-04-06 13:00:00Z",
        "2026-04-06t13:00:00z",
        "2026-04-06T13:00:00+07",
        "２０２６-04-06T13:00:00Z",
        "2026-04-06T13:00:00Z\n",
        "",
        None,
        20260406,
    ],
)
def test_split_rejects_everything_outside_the_grammar(bad):
    with pytest.raises(ValidationError) as info:
        split_appointment_datetime(bad)
    assert info.value.issues[0].code == "datetime"


def test_inverse_in_a_dst_zone():
    assert (
        appointment_datetime("2026-04-06T13:00:00", "America/Los_Angeles")
        == "2026-04-06T13:00:00-0700"
    )
    assert (
        appointment_datetime(dt.datetime(2026, 1, 6, 13), "America/Los_Angeles")
        == "2026-01-06T13:00:00-0800"
    )
    assert appointment_datetime("2026-04-06T13:00:00", "Asia/Kolkata") == "2026-04-06T13:00:00+0530"


def test_gap_and_ambiguous_times():
    with pytest.raises(ValidationError, match="gap"):
        appointment_datetime("2026-03-08T02:30:00", "America/Los_Angeles")
    with pytest.raises(ValidationError, match="fold"):
        appointment_datetime("2026-11-01T01:30:00", "America/Los_Angeles")
    assert appointment_datetime("2026-11-01T01:30:00", "America/Los_Angeles", fold=0).endswith(
        "-0700"
    )
    assert appointment_datetime("2026-11-01T01:30:00", "America/Los_Angeles", fold=1).endswith(
        "-0800"
    )


@pytest.mark.parametrize(
    ("local", "zone"),
    [
        ("2026-04-06T13:00", "UTC"),
        ("2026-04-06T13:00:00Z", "UTC"),
        ("2026-02-30T13:00:00", "UTC"),
        ("2026-04-06T13:00:00", "Mars/Olympus"),
        ("2026-04-06T13:00:00", "UTC+3"),
        (dt.datetime(2026, 4, 6, 13, tzinfo=dt.UTC), "UTC"),
        (dt.datetime(2026, 4, 6, 13, 0, 0, 5), "UTC"),
        (12, "UTC"),
    ],
)
def test_inverse_rejects_bad_input(local, zone):
    with pytest.raises(ValidationError):
        appointment_datetime(local, zone)


@given(
    st.timezone_keys(allow_prefix=False),
    st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2100, 12, 31)).map(
        lambda d: d.replace(microsecond=0)
    ),
    st.sampled_from([0, 1]),
)
def test_round_trip_for_every_zone_and_existing_time(zone, local, fold):
    tzinfo = zoneinfo.ZoneInfo(zone)  # the library's one database (not dateutil's gettz)
    aware = local.replace(tzinfo=tzinfo)
    assume(date_tz.datetime_exists(aware))
    ambiguous = date_tz.datetime_ambiguous(aware)
    offset = date_tz.enfold(aware, fold).utcoffset()
    assume(offset is not None and offset.total_seconds() % 60 == 0)
    text = appointment_datetime(local, zone, fold=fold if ambiguous else None)
    result = split_appointment_datetime(text)
    assert result.appointment_start_date_time == local.isoformat(timespec="seconds")
    instant = dt.datetime.strptime(result.appointment_time, "%Y-%m-%dT%H:%M:%S%z")
    assert instant == date_tz.enfold(aware, fold if ambiguous else 0)


def test_one_time_zone_database_behind_the_zones(monkeypatch):
    # dateutil's own database is never asked: were it to disagree (here: every zone is UTC to
    # it), the offset still comes from zoneinfo, the database that names the zones
    monkeypatch.setattr(date_tz, "gettz", lambda name=None: dt.UTC)
    assert appointment_datetime("2026-07-01T12:00:00", "America/Chicago").endswith("-0500")
    assert appointment_datetime("2026-01-15T12:00:00", "Europe/Berlin").endswith("+0100")

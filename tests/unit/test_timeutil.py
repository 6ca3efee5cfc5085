"""Brussels wall-clock time <-> UTC instants, including both summer-time switches."""
from datetime import date, datetime, timedelta, timezone

import pytest

from grants.timeutil import (
    BRUSSELS,
    LocalTimeError,
    as_utc,
    describe_remaining,
    format_local,
    from_local,
    iso_local,
    local_end_of_day,
    to_local,
)

UTC = timezone.utc


@pytest.mark.parametrize(("wall_clock", "expected_utc"), [
    # winter time: UTC+1
    (datetime(2026, 1, 15, 12, 0), datetime(2026, 1, 15, 11, 0, tzinfo=UTC)),
    (datetime(2017, 2, 1, 9, 0), datetime(2017, 2, 1, 8, 0, tzinfo=UTC)),
    (datetime(2026, 1, 1, 0, 30), datetime(2025, 12, 31, 23, 30, tzinfo=UTC)),  # previous UTC year
    # summer time: UTC+2
    (datetime(2026, 7, 15, 12, 0), datetime(2026, 7, 15, 10, 0, tzinfo=UTC)),
    (datetime(2017, 9, 29, 23, 59), datetime(2017, 9, 29, 21, 59, tzinfo=UTC)),
    # around the spring switch (29 March 2026, 02:00 -> 03:00)
    (datetime(2026, 3, 29, 1, 59), datetime(2026, 3, 29, 0, 59, tzinfo=UTC)),
    (datetime(2026, 3, 29, 3, 0), datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
    # around the autumn switch (25 October 2026, 03:00 -> 02:00)
    (datetime(2026, 10, 25, 1, 59), datetime(2026, 10, 24, 23, 59, tzinfo=UTC)),
    (datetime(2026, 10, 25, 3, 0), datetime(2026, 10, 25, 2, 0, tzinfo=UTC)),
])
def test_from_local_uses_the_offset_of_that_day(wall_clock, expected_utc):
    result = from_local(wall_clock)
    assert result == expected_utc
    assert result.utcoffset() == timedelta(0)


@pytest.mark.parametrize("wall_clock", [
    datetime(2026, 3, 29, 2, 0),
    datetime(2026, 3, 29, 2, 30),
    datetime(2026, 3, 29, 2, 59, 59),
    datetime(2025, 3, 30, 2, 30),
])
def test_from_local_refuses_times_in_the_spring_gap(wall_clock):
    with pytest.raises(LocalTimeError, match="bestaat niet in Brussel"):
        from_local(wall_clock)


@pytest.mark.parametrize(("wall_clock", "expected_utc"), [
    # 02:00-03:00 happens twice: the first (summer-time, UTC+2) instant is taken
    (datetime(2026, 10, 25, 2, 0), datetime(2026, 10, 25, 0, 0, tzinfo=UTC)),
    (datetime(2026, 10, 25, 2, 30), datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
    (datetime(2026, 10, 25, 2, 59), datetime(2026, 10, 25, 0, 59, tzinfo=UTC)),
    (datetime(2025, 10, 26, 2, 30), datetime(2025, 10, 26, 0, 30, tzinfo=UTC)),
])
def test_from_local_takes_the_first_instant_in_the_autumn_overlap(wall_clock, expected_utc):
    assert from_local(wall_clock) == expected_utc


def test_from_local_ignores_a_fold_the_caller_set():
    assert from_local(datetime(2026, 10, 25, 2, 30, fold=1)) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


@pytest.mark.parametrize(("aware", "expected_utc"), [
    (datetime(2026, 7, 15, 12, 0, tzinfo=BRUSSELS), datetime(2026, 7, 15, 10, 0, tzinfo=UTC)),
    (datetime(2026, 7, 15, 12, 0, tzinfo=timezone(timedelta(hours=-5))),
     datetime(2026, 7, 15, 17, 0, tzinfo=UTC)),
    (datetime(2026, 7, 15, 12, 0, tzinfo=UTC), datetime(2026, 7, 15, 12, 0, tzinfo=UTC)),
])
def test_from_local_converts_an_aware_datetime_as_it_is(aware, expected_utc):
    assert from_local(aware) == expected_utc


@pytest.mark.parametrize(("moment", "expected_local", "expected_offset"), [
    (datetime(2026, 1, 15, 11, 0, tzinfo=UTC), datetime(2026, 1, 15, 12, 0), timedelta(hours=1)),
    (datetime(2026, 7, 15, 10, 0, tzinfo=UTC), datetime(2026, 7, 15, 12, 0), timedelta(hours=2)),
    (datetime(2026, 3, 29, 0, 59, tzinfo=UTC), datetime(2026, 3, 29, 1, 59), timedelta(hours=1)),
    (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), datetime(2026, 3, 29, 3, 0), timedelta(hours=2)),
    (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), datetime(2026, 10, 25, 2, 30), timedelta(hours=2)),
    (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), datetime(2026, 10, 25, 2, 30), timedelta(hours=1)),
    # naive values are taken to be UTC, as stored
    (datetime(2026, 1, 15, 11, 0), datetime(2026, 1, 15, 12, 0), timedelta(hours=1)),
])
def test_to_local(moment, expected_local, expected_offset):
    local = to_local(moment)
    assert local.replace(tzinfo=None) == expected_local
    assert local.utcoffset() == expected_offset


def test_to_local_of_none_is_none():
    assert to_local(None) is None


@pytest.mark.parametrize("wall_clock", [
    datetime(2026, 1, 15, 12, 0),
    datetime(2026, 3, 29, 1, 59),
    datetime(2026, 3, 29, 3, 0),
    datetime(2026, 7, 15, 23, 59, 59),
    datetime(2026, 10, 25, 3, 0),
])
def test_from_local_and_to_local_round_trip(wall_clock):
    assert to_local(from_local(wall_clock)).replace(tzinfo=None) == wall_clock


@pytest.mark.parametrize(("moment", "expected"), [
    (datetime(2026, 1, 15, 11, 0), datetime(2026, 1, 15, 11, 0, tzinfo=UTC)),
    (datetime(2026, 1, 15, 12, 0, tzinfo=BRUSSELS), datetime(2026, 1, 15, 11, 0, tzinfo=UTC)),
])
def test_as_utc(moment, expected):
    result = as_utc(moment)
    assert result == expected
    assert result.utcoffset() == timedelta(0)


@pytest.mark.parametrize(("day", "expected_utc"), [
    (date(2017, 9, 29), datetime(2017, 9, 29, 21, 59, 59, tzinfo=UTC)),
    (date(2026, 1, 15), datetime(2026, 1, 15, 22, 59, 59, tzinfo=UTC)),
    (date(2026, 3, 29), datetime(2026, 3, 29, 21, 59, 59, tzinfo=UTC)),  # switch day, already summer
    (date(2026, 10, 25), datetime(2026, 10, 25, 22, 59, 59, tzinfo=UTC)),  # switch day, already winter
])
def test_local_end_of_day(day, expected_utc):
    assert local_end_of_day(day) == expected_utc


@pytest.mark.parametrize(("moment", "fmt", "expected"), [
    (datetime(2017, 9, 29, 21, 59, tzinfo=UTC), "%d-%m-%Y %H:%M", "29-09-2017 23:59"),
    (datetime(2017, 7, 1, 7, 0, tzinfo=UTC), "%d-%m-%Y %H:%M", "01-07-2017 09:00"),
    (datetime(2026, 1, 15, 11, 0, tzinfo=UTC), "%H:%M", "12:00"),
    (None, "%H:%M", ""),
])
def test_format_local(moment, fmt, expected):
    assert format_local(moment, fmt) == expected


@pytest.mark.parametrize(("moment", "expected"), [
    (datetime(2026, 1, 15, 11, 0, tzinfo=UTC), "2026-01-15T12:00:00+01:00"),
    (datetime(2026, 7, 15, 10, 0, tzinfo=UTC), "2026-07-15T12:00:00+02:00"),
    (None, None),
])
def test_iso_local(moment, expected):
    assert iso_local(moment) == expected


@pytest.mark.parametrize(("delta", "expected"), [
    (timedelta(days=3, hours=4), "nog 3 dagen en 4 uur"),
    (timedelta(days=3, hours=4, minutes=59), "nog 3 dagen en 4 uur"),
    (timedelta(days=1, hours=1), "nog 1 dag en 1 uur"),
    (timedelta(days=1), "nog 1 dag"),
    (timedelta(days=2, minutes=30), "nog 2 dagen"),
    (timedelta(hours=23), "nog 23 uur en 0 min."),
    (timedelta(hours=5, minutes=12), "nog 5 uur en 12 min."),
    (timedelta(minutes=45), "nog 45 min."),
    (timedelta(seconds=59), "nog 1 min."),  # never 'nog 0 min.'
    (timedelta(seconds=1), "nog 1 min."),
    (timedelta(microseconds=1), "afgelopen"),  # less than a second left rounds down to none
    (timedelta(0), "afgelopen"),
    (timedelta(seconds=-1), "afgelopen"),
])
def test_describe_remaining(delta, expected):
    assert describe_remaining(delta) == expected

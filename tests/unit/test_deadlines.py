"""When a call accepts submissions, what the applicant is told, and dossier numbers."""
from datetime import datetime, timedelta, timezone

import pytest

from grants.calls.rules import deadline_message, format_dossier_number, submission_open
from grants.timeutil import BRUSSELS, from_local

UTC = timezone.utc
US = timedelta(microseconds=1)

# The 2017 call: open from 1 July 09:00 until 29 September 23:59 Brussels time (summer time).
OPENS = from_local(datetime(2017, 7, 1, 9, 0))
CLOSES = from_local(datetime(2017, 9, 29, 23, 59))


def test_the_2017_call_in_utc():
    assert OPENS == datetime(2017, 7, 1, 7, 0, tzinfo=UTC)
    assert CLOSES == datetime(2017, 9, 29, 21, 59, tzinfo=UTC)


@pytest.mark.parametrize(("now", "expected"), [
    (OPENS - timedelta(days=30), False),
    (OPENS - US, False),  # one microsecond before opening
    (OPENS, True),  # the opening instant itself is open
    (OPENS + US, True),
    (OPENS + timedelta(days=30), True),
    (CLOSES - US, True),  # the last microsecond
    (CLOSES, False),  # the exact closing instant is closed
    (CLOSES + US, False),
    (CLOSES + timedelta(days=1), False),
])
def test_submission_open(now, expected):
    assert submission_open(OPENS, CLOSES, now) is expected


@pytest.mark.parametrize(("opens", "closes", "now", "expected"), [
    # the same instants written in Brussels time: comparison is by instant, not by wall clock
    (OPENS.astimezone(BRUSSELS), CLOSES.astimezone(BRUSSELS), CLOSES - US, True),
    (OPENS.astimezone(BRUSSELS), CLOSES.astimezone(BRUSSELS), CLOSES.astimezone(BRUSSELS), False),
    # 23:00 UTC on the closing day is already after 23:59 Brussels time (21:59 UTC)
    (OPENS, CLOSES, datetime(2017, 9, 29, 23, 0, tzinfo=UTC), False),
    # 22:30 Brussels is 20:30 UTC: still open
    (OPENS, CLOSES, datetime(2017, 9, 29, 22, 30, tzinfo=BRUSSELS), True),
])
def test_submission_open_compares_instants_across_time_zones(opens, closes, now, expected):
    assert submission_open(opens, closes, now) is expected


# Deadlines on the summer-time switch days of 2026.
SPRING_CLOSE = from_local(datetime(2026, 3, 29, 12, 0))  # 10:00 UTC, summer time
AUTUMN_CLOSE = from_local(datetime(2026, 10, 25, 12, 0))  # 11:00 UTC, winter time
SPRING_OPEN = from_local(datetime(2026, 3, 1, 9, 0))
AUTUMN_OPEN = from_local(datetime(2026, 10, 1, 9, 0))


@pytest.mark.parametrize(("opens", "closes", "now", "expected"), [
    # 11:30 Brussels summer time = 09:30 UTC: open; 12:00 summer = 10:00 UTC: closed
    (SPRING_OPEN, SPRING_CLOSE, datetime(2026, 3, 29, 9, 30, tzinfo=UTC), True),
    (SPRING_OPEN, SPRING_CLOSE, datetime(2026, 3, 29, 10, 0, tzinfo=UTC), False),
    # 10:30 UTC would still be 11:30 in winter time, but it is 12:30 in summer time: closed
    (SPRING_OPEN, SPRING_CLOSE, datetime(2026, 3, 29, 10, 30, tzinfo=UTC), False),
    # in autumn 10:30 UTC is 11:30 winter time: still open
    (AUTUMN_OPEN, AUTUMN_CLOSE, datetime(2026, 10, 25, 10, 30, tzinfo=UTC), True),
    (AUTUMN_OPEN, AUTUMN_CLOSE, AUTUMN_CLOSE - US, True),
    (AUTUMN_OPEN, AUTUMN_CLOSE, AUTUMN_CLOSE, False),
])
def test_submission_open_on_summer_time_switch_days(opens, closes, now, expected):
    assert submission_open(opens, closes, now) is expected


@pytest.mark.parametrize(("now", "expected"), [
    (OPENS - timedelta(days=10), "De oproep opent op 01-07-2017 om 09:00."),
    (OPENS - US, "De oproep opent op 01-07-2017 om 09:00."),
    (OPENS, "Nog 90 dagen en 14 uur om in te dienen."),
    (CLOSES - timedelta(days=3, hours=4), "Nog 3 dagen en 4 uur om in te dienen."),
    (CLOSES - timedelta(days=1), "Nog 1 dag om in te dienen."),
    (CLOSES - timedelta(hours=5, minutes=12), "Nog 5 uur en 12 min. om in te dienen."),
    (CLOSES - timedelta(minutes=45), "Nog 45 min. om in te dienen."),
    (CLOSES - timedelta(seconds=30), "Nog 1 min. om in te dienen."),
    (CLOSES - US, "Nog 1 min. om in te dienen."),  # still open: never 'afgelopen'
    (CLOSES, "De indieningstermijn is afgelopen op 29-09-2017 om 23:59."),
    (CLOSES + timedelta(days=400), "De indieningstermijn is afgelopen op 29-09-2017 om 23:59."),
])
def test_deadline_message(now, expected):
    assert deadline_message(OPENS, CLOSES, now) == expected


@pytest.mark.parametrize(("opens", "closes", "now", "expected"), [
    # 28 March 12:00 (winter) to 29 March 12:00 (summer) is only 23 real hours
    (SPRING_OPEN, SPRING_CLOSE, datetime(2026, 3, 28, 12, 0, tzinfo=BRUSSELS),
     "Nog 23 uur en 0 min. om in te dienen."),
    # 24 October 12:00 (summer) to 25 October 12:00 (winter) is 25 real hours
    (AUTUMN_OPEN, AUTUMN_CLOSE, datetime(2026, 10, 24, 12, 0, tzinfo=BRUSSELS),
     "Nog 1 dag en 1 uur om in te dienen."),
    # closing times are shown in the Brussels time of the closing day
    (SPRING_OPEN, SPRING_CLOSE, SPRING_CLOSE, "De indieningstermijn is afgelopen op 29-03-2026 om 12:00."),
    (AUTUMN_OPEN, AUTUMN_CLOSE, AUTUMN_CLOSE, "De indieningstermijn is afgelopen op 25-10-2026 om 12:00."),
    (from_local(datetime(2026, 10, 25, 2, 30)), AUTUMN_CLOSE, datetime(2026, 10, 25, 0, 0, tzinfo=UTC),
     "De oproep opent op 25-10-2026 om 02:30."),
])
def test_deadline_message_across_the_summer_time_switch(opens, closes, now, expected):
    # the deadlines are given in Brussels time, as a form would: elapsed time must still be real time
    assert deadline_message(opens.astimezone(BRUSSELS), closes.astimezone(BRUSSELS), now) == expected


@pytest.mark.parametrize("which", ["opens", "closes", "now"])
def test_naive_datetimes_are_refused(which):
    moments = {"opens": OPENS, "closes": CLOSES, "now": OPENS + timedelta(days=1)}
    moments[which] = moments[which].replace(tzinfo=None)
    with pytest.raises(ValueError, match="tijdzone"):
        submission_open(moments["opens"], moments["closes"], moments["now"])
    with pytest.raises(ValueError, match="tijdzone"):
        deadline_message(moments["opens"], moments["closes"], moments["now"])


@pytest.mark.parametrize(("prefix", "year", "sequence", "expected"), [
    ("TG", 2017, 7, "TG-2017-0007"),
    ("TG", 2017, 1, "TG-2017-0001"),
    ("TG", 2017, 438, "TG-2017-0438"),
    ("TG", 2017, 9999, "TG-2017-9999"),
    ("TG", 2017, 12345, "TG-2017-12345"),  # widens rather than wraps
    ("AP", 2026, 42, "AP-2026-0042"),
    (" TG ", 2017, 7, "TG-2017-0007"),
])
def test_format_dossier_number(prefix, year, sequence, expected):
    assert format_dossier_number(prefix, year, sequence) == expected


@pytest.mark.parametrize(("prefix", "year", "sequence"), [
    ("TG", 2017, 0),
    ("TG", 2017, -1),
    ("", 2017, 7),
    ("  ", 2017, 7),
    ("T G", 2017, 7),
    ("TG-", 2017, 7),  # a dash in the prefix makes the number ambiguous to split
    ("TG", 17, 7),
    ("TG", 20170, 7),
])
def test_format_dossier_number_refuses_nonsense(prefix, year, sequence):
    with pytest.raises(ValueError):
        format_dossier_number(prefix, year, sequence)

"""Checks of a call's set-up and its plain-Dutch descriptions (pure functions)."""
from datetime import datetime, timedelta, timezone
from decimal import Decimal as D

import pytest

import grants.models  # noqa: F401  (every mapped class, so a Call can be built without a database)
from grants.accounts.models import Role
from grants.calls.access import can_manage, can_view
from grants.calls.forms import lookup_key
from grants.calls.models import Call
from grants.calls.operations import shift_years
from grants.calls.rules import (
    amounts_problem, describe_allowed_kinds, describe_report_months, join_nl, period_problem, tranches_problem,
    weights_problem,
)
from grants.calls.states import CallStatus
from grants.timeutil import BRUSSELS, format_local, from_local

UTC = timezone.utc


@pytest.mark.parametrize(("items", "text"), [
    ([], ""), (["a"], "a"), (["a", "b"], "a en b"), (["a", "b", "c"], "a, b en c"), (["a", "", "c"], "a en c"),
])
def test_join_nl(items, text):
    assert join_nl(items) == text


def test_descriptions():
    assert describe_allowed_kinds(["vzw_de_rand", "municipality", "vgc"]) == (
        "gemeente, Vlaamse Gemeenschapscommissie en vzw De Rand")
    assert describe_allowed_kinds(["municipality", "mystery"]) == "gemeente en mystery"
    assert describe_report_months([12, 6]) == "na 6 en 12 maanden, en een eindverslag na afloop van het project"
    assert describe_report_months([]) == "een eindverslag na afloop van het project"


@pytest.mark.parametrize(("weights", "message"), [
    ([D(30), D(25), D(20), D(15), D(10)], None),
    ([D("33.33"), D("33.33"), D("33.34")], None),
    ([], None),
    ([D(30), D(60)], "De gewichten tellen op tot 90; samen moeten ze 100 zijn."),
    ([D("50.5"), D(50)], "De gewichten tellen op tot 100,5; samen moeten ze 100 zijn."),
    ([D(100), D(0)], "Elk gewicht moet groter dan nul zijn."),
    ([D(110), D(-10)], "Elk gewicht moet groter dan nul zijn."),
])
def test_weights(weights, message):
    assert weights_problem(weights) == message


@pytest.mark.parametrize(("percentages", "message"), [
    ([D(60), D(40)], None),
    ([D(100)], None),
    ([D("33.33"), D("33.33"), D("33.33")], "De betalingsschijven tellen op tot 99,99%; samen moeten ze 100% zijn."),
    ([D(60), D(60)], "De betalingsschijven tellen op tot 120%; samen moeten ze 100% zijn."),
    ([D(0), D(100)], "Elk percentage moet groter dan 0 en hoogstens 100 zijn."),
])
def test_tranches(percentages, message):
    assert tranches_problem(percentages) == message


@pytest.mark.parametrize(("envelope", "maximum", "per_year", "problems"), [
    (D(500000), D(50000), None, {}),
    (D(1500000), D(60000), D(60000), {}),
    (D(50000), D(50000), None, {}),  # one project can take the whole envelope
    (D("49999.99"), D(50000), None, {"envelope": "Het budget van de oproep (49.999,99 EUR) is kleiner dan het "
                                                 "maximumbedrag per aanvraag (50.000,00 EUR)."}),
    (D(0), D(50000), None, {"envelope": "Het budget van de oproep moet groter dan nul zijn."}),
    (D(500000), D(-1), None, {"max_amount": "Het maximumbedrag per aanvraag moet groter dan nul zijn."}),
    (D(500000), D(50000), D(60000), {"max_amount_per_year": "Het maximum per jaar (60.000,00 EUR) kan niet hoger "
                                                            "zijn dan het maximum per aanvraag (50.000,00 EUR)."}),
    (None, None, None, {}),
])
def test_amounts(envelope, maximum, per_year, problems):
    assert amounts_problem(envelope, maximum, per_year) == problems


def test_period():
    opens, closes = from_local(datetime(2017, 7, 1, 9, 0)), from_local(datetime(2017, 9, 29, 23, 59))
    assert period_problem(opens, closes) is None
    assert period_problem(closes, opens) == "De sluiting (01-07-2017 om 09:00) moet na de opening (29-09-2017 om 23:59) liggen."
    assert period_problem(opens, opens) is not None
    with pytest.raises(ValueError):
        period_problem(datetime(2017, 7, 1), closes)  # naive: UTC or Brussels? refused


# --------------------------------------------------------------------------- the Call model and its deadline

SPRING = from_local(datetime(2027, 3, 28, 12, 0))  # the day the clocks go forward: 10:00 UTC


def _call(**values) -> Call:
    values.setdefault("status", CallStatus.PUBLISHED)
    values.setdefault("opens_at", from_local(datetime(2027, 1, 4, 9, 0)))
    values.setdefault("closes_at", SPRING)
    return Call(**values)


@pytest.mark.parametrize(("now", "open_"), [
    (datetime(2027, 3, 28, 9, 59, 59, 999999, tzinfo=UTC), True),  # the last microsecond
    (datetime(2027, 3, 28, 10, 0, tzinfo=UTC), False),  # the exact closing instant is closed
    (datetime(2027, 3, 28, 11, 30, tzinfo=BRUSSELS), True),  # 11:30 summer time = 09:30 UTC
    (datetime(2027, 3, 28, 10, 30, tzinfo=UTC), False),  # would be 11:30 in winter time; it is 12:30
    (datetime(2027, 1, 4, 8, 0, tzinfo=UTC), True),  # the opening instant (09:00 winter time)
    (datetime(2027, 1, 4, 7, 59, 59, tzinfo=UTC), False),
])
def test_the_call_is_open_by_instant_across_summer_time(now, open_):
    assert _call().is_open_at(now) is open_


@pytest.mark.parametrize("status", [CallStatus.DRAFT, CallStatus.CLOSED, CallStatus.UNDER_REVIEW,
                                    CallStatus.DECIDED, CallStatus.ARCHIVED])
def test_only_a_published_call_takes_submissions(status):
    assert not _call(status=status).is_open_at(datetime(2027, 2, 1, tzinfo=UTC))


def test_the_call_tells_where_its_deadline_stands():
    call = _call()
    assert call.deadline_message(SPRING - timedelta(hours=2)) == "Nog 2 uur en 0 min. om in te dienen."
    assert call.deadline_message(SPRING) == "De indieningstermijn is afgelopen op 28-03-2027 om 12:00."
    assert _call(status=CallStatus.CLOSED).deadline_message(SPRING - timedelta(days=3)) == (
        "De indiening is afgesloten (status: afgesloten).")
    assert call.is_upcoming_at(datetime(2027, 1, 1, tzinfo=UTC))
    assert not call.is_upcoming_at(datetime(2027, 2, 1, tzinfo=UTC))


class _User:
    def __init__(self, authenticated, role):
        self.is_authenticated, self.role = authenticated, role


@pytest.mark.parametrize("status", list(CallStatus))
def test_who_may_see_a_call(status):
    """A draft only for the agency (its preview); from publication on, for everyone."""
    call = _call(status=status)
    anonymous, applicant, juror, admin = (_User(False, None), _User(True, Role.APPLICANT), _User(True, Role.JUROR),
                                          _User(True, Role.ADMIN))
    public = status != CallStatus.DRAFT
    assert [can_view(u, call) for u in (anonymous, applicant, juror, admin)] == [public, public, public, True]
    assert [can_manage(u, call) for u in (anonymous, applicant, juror, admin)] == [False, False, False, True]


# --------------------------------------------------------------------------- a new round a year later


@pytest.mark.parametrize(("before", "after"), [
    (datetime(2026, 3, 28, 23, 59), "28-03-2027 23:59"),  # winter time, then summer time: same wall clock
    (datetime(2026, 10, 24, 12, 0), "24-10-2027 12:00"),
    (datetime(2024, 2, 29, 23, 59), "28-02-2025 23:59"),  # no 29 February next year
    (datetime(2026, 3, 28, 2, 30), "28-03-2027 03:30"),  # 02:30 does not exist on 28 March 2027
])
def test_shift_years_keeps_the_brussels_wall_clock(before, after):
    assert format_local(shift_years(from_local(before), 1)) == after


@pytest.mark.parametrize(("text", "key"), [
    ("44021", "44021"), ("44021 Gent", "44021"), (" 44.021 ", "44021"), ("0123.456.749", "0123456749"),
    ("0123.456.749 CIBO vzw", "0123456749"), ("BE 0123 456 749", "0123456749"), ("123.456.749", "0123456749"),
    ("Vlaamse Gemeenschapscommissie", "Vlaamse Gemeenschapscommissie"), ("vzw De Rand", "vzw De Rand"),
    ("٤٤٠٢١", "٤٤٠٢١"),  # Arabic-Indic digits are not a REFNIS code
])
def test_organisations_are_looked_up_by_code_or_name(text, key):
    assert lookup_key(text) == key

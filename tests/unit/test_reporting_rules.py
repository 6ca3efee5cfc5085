"""Follow-up of funded projects: schedule, status, KPIs, balance, reminders, extensions.

Amounts are asserted to the cent and dates to the day; the expected values are worked out by
hand in the comments, so a change of rule shows up as a failing line, not a silent drift.
"""
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grants.calls.rules import CofinancingKind, CofinancingRule, check_cofinancing, minimum_own_contribution
from grants.reporting.rules import (
    BalanceInput,
    ProjectStatus,
    Reminder,
    ReminderKind,
    ReportDue,
    ScheduledReport,
    add_months,
    compute_balance,
    due_instant,
    extension_allowed,
    kpi_shortfalls,
    next_period,
    period_end,
    project_status,
    project_status_label,
    reminders_due,
    report_schedule,
)

PROPERTY = settings(max_examples=200, deadline=None)
UTC = timezone.utc

# --------------------------------------------------------------------------- months


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2023, 8, 31), 6, date(2024, 2, 29)),   # end of month clamps, leap year
    (date(2022, 8, 31), 6, date(2023, 2, 28)),   # ... and in an ordinary year
    (date(2024, 2, 29), 12, date(2025, 2, 28)),  # 29 February has no anniversary in 2025
    (date(2024, 2, 29), 48, date(2028, 2, 29)),  # ... but has one four years later
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2024, 1, 31), 2, date(2024, 3, 31)),   # counted from the start, not chained via 29 Feb
    (date(2023, 1, 31), 1, date(2023, 2, 28)),
    (date(2024, 11, 30), 3, date(2025, 2, 28)),
    (date(2024, 12, 15), 1, date(2025, 1, 15)),  # across the year
    (date(2022, 10, 1), 36, date(2025, 10, 1)),
    (date(2024, 3, 31), -1, date(2024, 2, 29)),
    (date(2024, 5, 17), 0, date(2024, 5, 17)),
])
def test_add_months_clamps_to_the_end_of_shorter_months(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(("start", "months", "expected"), [
    (date(2022, 10, 1), 6, date(2023, 3, 31)),   # action plan 2022: first report
    (date(2021, 7, 1), 12, date(2022, 6, 30)),   # regie-role 2021-2022
    (date(2018, 3, 1), 24, date(2020, 2, 29)),   # counter-voices, two years, leap day included
    (date(2023, 8, 31), 6, date(2024, 2, 28)),   # the day before the clamped 29 February
])
def test_period_end_is_the_day_before_the_anniversary(start, months, expected):
    assert period_end(start, months) == expected


def test_period_of_no_months_is_refused():
    with pytest.raises(ValueError):
        period_end(date(2024, 1, 1), 0)


@PROPERTY
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)), st.integers(0, 120))
def test_add_months_lands_in_the_right_month_and_keeps_increasing(day, months):
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day == day.day or (result.day < day.day and (result + timedelta(days=1)).day == 1)
    assert add_months(day, months) < add_months(day, months + 1)


# --------------------------------------------------------------------------- schedule


def _rows(schedule):
    return [(r.kind, r.months, r.period_start, r.period_end, r.due_date) for r in schedule]


def test_action_plan_schedule_2022():
    # 1 Oct 2022 - 30 Sep 2025, reports after 6, 12 and 24 months; +30 days interim, +60 final.
    schedule = report_schedule(date(2022, 10, 1), date(2025, 9, 30), [6, 12, 24])
    assert _rows(schedule) == [
        ("interim", 6, date(2022, 10, 1), date(2023, 3, 31), date(2023, 4, 30)),
        ("interim", 12, date(2023, 4, 1), date(2023, 9, 30), date(2023, 10, 30)),
        ("interim", 24, date(2023, 10, 1), date(2024, 9, 30), date(2024, 10, 30)),
        ("final", None, date(2022, 10, 1), date(2025, 9, 30), date(2025, 11, 29)),
    ]
    assert [r.label for r in schedule] == ["Tussentijds verslag na 6 maanden", "Tussentijds verslag na 12 maanden",
                                           "Tussentijds verslag na 24 maanden", "Eindverslag"]


def test_regie_role_schedule_one_year():
    # 1 Jul 2021 - 30 Jun 2022, report after 6 months; 30 Jun + 60 days = 29 Aug.
    assert _rows(report_schedule(date(2021, 7, 1), date(2022, 6, 30), [6])) == [
        ("interim", 6, date(2021, 7, 1), date(2021, 12, 31), date(2022, 1, 30)),
        ("final", None, date(2021, 7, 1), date(2022, 6, 30), date(2022, 8, 29)),
    ]


def test_project_starting_31_january_in_a_leap_year():
    # Anniversaries 29 Feb, 31 Mar, 31 Jul 2024; periods end the day before.
    # 28 Feb + 30 days = 29 Mar (29 Feb counts); 30 Jan 2025 + 60 days = 31 Mar 2025.
    assert _rows(report_schedule(date(2024, 1, 31), date(2025, 1, 30), [1, 2, 6])) == [
        ("interim", 1, date(2024, 1, 31), date(2024, 2, 28), date(2024, 3, 29)),
        ("interim", 2, date(2024, 2, 29), date(2024, 3, 30), date(2024, 4, 29)),
        ("interim", 6, date(2024, 3, 31), date(2024, 7, 30), date(2024, 8, 29)),
        ("final", None, date(2024, 1, 31), date(2025, 1, 30), date(2025, 3, 31)),
    ]


@pytest.mark.parametrize(("start", "expected_end", "expected_due"), [
    (date(2023, 8, 31), date(2024, 2, 28), date(2024, 3, 29)),  # anniversary 29 Feb 2024 (leap)
    (date(2022, 8, 31), date(2023, 2, 27), date(2023, 3, 29)),  # anniversary 28 Feb 2023
    (date(2024, 2, 29), date(2024, 8, 28), date(2024, 9, 27)),  # a project starting on 29 February
])
def test_month_end_starts(start, expected_end, expected_due):
    interim = report_schedule(start, add_months(start, 24), [6])[0]
    assert (interim.period_end, interim.due_date) == (expected_end, expected_due)


def test_report_ending_at_or_after_the_project_end_is_left_to_the_final_report():
    # counter-voices from 1 Mar 2018: 12 months end on 28 Feb 2019 (kept), 24 on 29 Feb 2020 (after the end)
    schedule = report_schedule(date(2018, 3, 1), date(2019, 12, 31), [24, 12])
    assert [(r.kind, r.months) for r in schedule] == [("interim", 12), ("final", None)]
    # a 12-month report in a one-year project ends on the last day: the final report covers it
    assert _rows(report_schedule(date(2021, 7, 1), date(2022, 6, 30), [12])) == [
        ("final", None, date(2021, 7, 1), date(2022, 6, 30), date(2022, 8, 29)),
    ]


def test_no_month_counts_means_only_a_final_report_and_duplicates_count_once():
    assert [r.kind for r in report_schedule(date(2024, 1, 1), date(2024, 12, 31), [])] == ["final"]
    assert [r.months for r in report_schedule(date(2024, 1, 1), date(2025, 12, 31), [12, 6, 12])] == [6, 12, None]


def test_grace_periods_can_be_set():
    schedule = report_schedule(date(2024, 1, 1), date(2024, 12, 31), [6], interim_after_days=0,
                               final_after_days=90)
    assert [r.due_date for r in schedule] == [date(2024, 6, 30), date(2025, 3, 31)]


@pytest.mark.parametrize(("start", "end", "months", "kwargs"), [
    (date(2024, 1, 2), date(2024, 1, 1), [6], {}),
    (date(2024, 1, 1), date(2025, 1, 1), [0], {}),
    (date(2024, 1, 1), date(2025, 1, 1), [6], {"interim_after_days": 30, "final_after_days": 29}),
    (date(2024, 1, 1), date(2025, 1, 1), [6], {"interim_after_days": -1}),
])
def test_impossible_schedules_are_refused(start, end, months, kwargs):
    with pytest.raises(ValueError):
        report_schedule(start, end, months, **kwargs)


@PROPERTY
@given(st.dates(min_value=date(2015, 1, 1), max_value=date(2040, 12, 31)), st.integers(0, 60),
       st.lists(st.integers(1, 60), max_size=6), st.integers(0, 90), st.integers(0, 90))
def test_schedule_properties(start, length_days_months, months, interim_days, extra_days):
    end = start + timedelta(days=length_days_months * 30)
    schedule = report_schedule(start, end, months, interim_after_days=interim_days,
                               final_after_days=interim_days + extra_days)
    dues = [r.due_date for r in schedule]
    assert dues == sorted(dues) and len(set(dues)) == len(dues)  # strictly increasing
    *interims, final = schedule
    assert (final.kind, final.period_start, final.period_end) == ("final", start, end)
    expected_months = sorted(m for m in set(months) if period_end(start, m) < end)
    assert [r.months for r in interims] == expected_months
    next_start = start
    for report in interims:  # back to back from the start, none past the end
        assert report.period_start == next_start <= report.period_end < end
        next_start = report.period_end + timedelta(days=1)


# --------------------------------------------------------------------------- due instants


@pytest.mark.parametrize(("day", "expected_utc"), [
    (date(2027, 3, 27), datetime(2027, 3, 27, 22, 59, 59, tzinfo=UTC)),  # winter time (UTC+1)
    (date(2027, 3, 28), datetime(2027, 3, 28, 21, 59, 59, tzinfo=UTC)),  # summer time from 02:00 that day
    (date(2027, 3, 31), datetime(2027, 3, 31, 21, 59, 59, tzinfo=UTC)),
    (date(2027, 10, 30), datetime(2027, 10, 30, 21, 59, 59, tzinfo=UTC)),
    (date(2027, 10, 31), datetime(2027, 10, 31, 22, 59, 59, tzinfo=UTC)),  # back to winter time
    (date(2024, 2, 29), datetime(2024, 2, 29, 22, 59, 59, tzinfo=UTC)),
])
def test_due_instant_is_brussels_end_of_day_in_utc(day, expected_utc):
    instant = due_instant(day)
    assert instant == expected_utc
    assert instant.utcoffset() == timedelta(0)


def test_scheduled_report_gives_its_deadline_instant():
    report = ScheduledReport("interim", 6, date(2026, 10, 1), date(2027, 3, 1), date(2027, 3, 31))
    assert report.due_at == datetime(2027, 3, 31, 21, 59, 59, tzinfo=UTC)


# --------------------------------------------------------------------------- status

START, END = date(2022, 10, 1), date(2025, 9, 30)


@pytest.mark.parametrize(("today", "final_approved", "submitted", "expected", "label"), [
    (date(2022, 9, 30), False, False, ProjectStatus.TO_START, "Op te starten"),
    (START, False, False, ProjectStatus.STARTED, "Opgestart"),
    (date(2023, 5, 1), False, False, ProjectStatus.STARTED, "Opgestart"),  # first report not yet in
    (date(2023, 5, 1), False, True, ProjectStatus.RUNNING, "Lopende"),
    (END, False, True, ProjectStatus.RUNNING, "Lopende"),
    (date(2026, 1, 1), False, True, ProjectStatus.RUNNING, "Lopende"),  # ended, final report overdue
    (date(2026, 1, 1), False, False, ProjectStatus.RUNNING, "Lopende"),  # ended without any report
    (date(2025, 11, 1), True, True, ProjectStatus.FINISHED, "Afgerond"),
    (date(2025, 6, 1), True, True, ProjectStatus.FINISHED, "Afgerond"),  # closed before the planned end
])
def test_project_status_and_label(today, final_approved, submitted, expected, label):
    status = project_status(today, START, END, final_approved, submitted)
    assert status == expected
    assert project_status_label(status) == label


def test_status_codes_are_plain_strings_for_storage():
    assert project_status(date(2022, 1, 1), START, END, False, False) == "to_start"
    assert project_status_label("finished") == "Afgerond"


# --------------------------------------------------------------------------- KPIs

BELOW = "De gerealiseerde waarde ({v}) ligt onder de doelstelling uit de toekenning ({t}): motiveer waarom."
MISSING = "Vul de gerealiseerde waarde in: het eindverslag vraagt elke KPI uit de toekenning."


@pytest.mark.parametrize(("target", "value", "motivation", "final", "expected"), [
    (D(1), D(1), "", False, None),                    # action plan drawn up
    (D(100), D(100), "", True, None),
    (D(100), D("120"), "", True, None),               # above the target
    (D(100), D("82.5"), "", False, BELOW.format(v="82,5", t="100")),
    (D(100), D("82.5"), "   \n", True, BELOW.format(v="82,5", t="100")),  # blank is no motivation
    (D(100), D("82.5"), "Twee acties uitgesteld door de fusie.", True, None),
    (D(1), D(0), "", True, BELOW.format(v="0", t="1")),
    (D(40), None, "", False, None),                   # not measured yet: fine in an interim report
    (D(40), None, "", True, MISSING),
    (D(40), None, "Geen cijfers.", True, MISSING),    # a motivation does not replace the value
])
def test_kpi_against_the_confirmed_target(target, value, motivation, final, expected):
    problems = kpi_shortfalls({7: target}, {7: value}, {7: motivation}, final=final)
    assert problems == ({} if expected is None else {7: expected})


def test_kpi_measured_against_the_award_not_the_request():
    # requested 50 participants, the award confirmed 30; 35 reached is no shortfall
    assert kpi_shortfalls({1: D(30)}, {1: D(35)}, {}) == {}


def test_kpis_missing_from_the_report_and_unknown_kpis():
    problems = kpi_shortfalls({1: D(10), 2: D(5)}, {2: D(5), 99: D(0)}, {}, final=True)
    assert problems == {1: MISSING}  # 99 is no KPI of the award: ignored
    assert kpi_shortfalls({1: D(10)}, {}, {}, final=False) == {}


def test_kpi_values_must_be_exact():
    with pytest.raises(TypeError):
        kpi_shortfalls({1: D(10)}, {1: 9.5}, {})


# --------------------------------------------------------------------------- balance


def balance(awarded, budget, spent, own_required, own_realised, paid=(), recipient="Stad Roeselare",
            partnership=False):
    return compute_balance(BalanceInput(
        awarded=D(awarded), budget_total=D(budget), spent=D(spent), own_required=D(own_required),
        own_realised=D(own_realised), recipient=recipient, paid=tuple(D(p) for p in paid),
        partnership=partnership))


@pytest.mark.parametrize(("case", "args", "due", "to_pay", "to_reclaim"), [
    # action plan 1:1, everything spent and co-financed; 60% advance of 25.000 = 15.000
    ("full spending", ("25000.00", "50000.00", "50000.00", "25000.00", "25000.00", ["15000.00"]),
     "25000.00", "10000.00", "0"),
    # the brief's example: 60.000 x 60.000 / 75.000 = 48.000; 60% advance 36.000
    ("under-spending", ("60000.00", "75000.00", "60000.00", "15000.00", "15000.00", ["36000.00"]),
     "48000.00", "12000.00", "0"),
    # spending and own contribution both 80%: reduced once to 48.000, not to 48.000 - 3.000
    ("proportional under-spending", ("60000.00", "75000.00", "60000.00", "15000.00", "12000.00", ["36000.00"]),
     "48000.00", "12000.00", "0"),
    # 1:1 with only 20.000 own contribution: subsidy at most 20.000
    ("co-financing short 1:1", ("25000.00", "50000.00", "50000.00", "25000.00", "20000.00", ["15000.00"]),
     "20000.00", "5000.00", "0"),
    # regie-role 20%: 60.000 x 13.500 / 15.000 = 54.000 (= 4 x 13.500)
    ("co-financing short 20%", ("60000.00", "75000.00", "75000.00", "15000.00", "13500.00", ["36000.00"]),
     "54000.00", "18000.00", "0"),
    # both short, differently: spending 60.000 x 67.500 / 75.000 = 54.000, co-financing 48.000: the lower
    ("both short", ("60000.00", "75000.00", "67500.00", "15000.00", "12000.00", ["36000.00"]),
     "48000.00", "12000.00", "0"),
    # counter-voices (no co-financing): half spent, advance 30.000 above the 25.000 due
    ("advance above due", ("50000.00", "50000.00", "25000.00", "0", "0", ["30000.00"]),
     "25000.00", "0", "5000.00"),
    ("nothing spent", ("50000.00", "50000.00", "0", "0", "0", ["30000.00"]), "0.00", "0", "30000.00"),
    ("spent above budget", ("25000.00", "50000.00", "58000.00", "25000.00", "29000.00", ["15000.00"]),
     "25000.00", "10000.00", "0"),
    ("co-financing waived", ("60000.00", "75000.00", "75000.00", "0", "0", ["36000.00"]),
     "60000.00", "24000.00", "0"),
    ("paid exactly", ("25000.00", "50000.00", "50000.00", "25000.00", "25000.00", ["15000.00", "10000.00"]),
     "25000.00", "0", "0"),
    ("no payment yet", ("14810.00", "14810.00", "14810.00", "0", "0", []), "14810.00", "14810.00", "0"),
    # Roeselare 49.146 on a budget of 61.432,50, spent 51.234,57:
    # 49.146 x 51.234,57 = 2.517.974.177,22; / 61.432,50 = 40.987,656 exactly -> 40.987,66
    # (via a rounded ratio 0,8340 it would be 40.987,76). Advance 60% = 29.487,60.
    ("rounding at the end", ("49146.00", "61432.50", "51234.57", "0", "0", ["29487.60"]),
     "40987.66", "11500.06", "0"),
    # 49.146,01 x 30.000 / 60.000 = 24.573,005: half up gives ,01 (half even would give ,00)
    ("half up", ("49146.01", "60000.00", "30000.00", "0", "0", []), "24573.01", "24573.01", "0"),
])
def test_balance_to_the_cent(case, args, due, to_pay, to_reclaim):
    result = balance(*args)
    assert (result.due, result.balance, result.reclaim) == (D(due), D(to_pay), D(to_reclaim)), case
    assert result.balance + result.paid_total - result.reclaim == result.due


def test_balance_lines_explain_the_computation():
    result = balance("60000.00", "75000.00", "67500.00", "15000.00", "12000.00", ["36000.00", "6000.00"],
                     recipient="Stad Mechelen")
    assert result.lines == (
        "Toegekende subsidie: 60.000,00 EUR, op basis van een aanvaarde begroting van 75.000,00 EUR.",
        "Gerealiseerde subsidiabele uitgaven: 67.500,00 EUR, minder dan de aanvaarde begroting. De subsidie "
        "wordt in dezelfde verhouding verminderd: 60.000,00 EUR x 67.500,00 / 75.000,00 = 54.000,00 EUR.",
        "Gerealiseerde eigen bijdrage: 12.000,00 EUR, minder dan de vereiste 15.000,00 EUR. De subsidie wordt "
        "in dezelfde verhouding beperkt: 60.000,00 EUR x 12.000,00 / 15.000,00 = 48.000,00 EUR.",
        "Verschuldigde subsidie: het laagste van beide bedragen, afgerond op de cent: 48.000,00 EUR.",
        "Reeds uitbetaald: 36.000,00 EUR + 6.000,00 EUR = 42.000,00 EUR.",
        "Saldo: 48.000,00 EUR - 42.000,00 EUR = 6.000,00 EUR, te betalen aan Stad Mechelen.",
    )
    assert (result.spending_limit, result.cofinancing_limit, result.counterparty) == \
        (D("54000.00"), D("48000.00"), "Stad Mechelen")
    assert result.reduced


def test_rounding_is_said_where_it_happens():
    result = balance("49146.00", "61432.50", "51234.57", "0", "0", ["29487.60"])
    assert "Verschuldigde subsidie, afgerond op de cent: 40.987,66 EUR." in result.lines
    assert "De toekenning vereist geen eigen bijdrage: geen vermindering voor cofinanciering." in result.lines
    assert result.cofinancing_limit is None


def test_full_payment_lines():
    result = balance("25000.00", "50000.00", "50000.00", "25000.00", "25000.00", ["15000.00", "10000.00"])
    assert result.lines[1:] == (
        "Gerealiseerde subsidiabele uitgaven: 50.000,00 EUR, niet minder dan de aanvaarde begroting: "
        "geen vermindering.",
        "Gerealiseerde eigen bijdrage: 25.000,00 EUR, minstens de vereiste 25.000,00 EUR: geen vermindering.",
        "Verschuldigde subsidie: 25.000,00 EUR.",
        "Reeds uitbetaald: 15.000,00 EUR + 10.000,00 EUR = 25.000,00 EUR.",
        "Het verschuldigde bedrag is volledig betaald: er is geen saldo en niets terug te vorderen.",
    )
    assert not result.reduced


def test_partnership_reclaim_is_repaid_by_the_lead():
    # Maaseik with Dilsen-Stokkem, 60.295 awarded; 1:1 co-financing realised only 45.000;
    # the advance of 60% (36.177) and a second tranche of 12.000 exceed the 45.000 due.
    result = balance("60295.00", "120590.00", "120590.00", "60295.00", "45000.00", ["36177.00", "12000.00"],
                     recipient="Stad Maaseik", partnership=True)
    assert (result.due, result.balance, result.reclaim) == (D("45000.00"), D(0), D("3177.00"))
    assert result.counterparty == "Stad Maaseik"
    assert result.lines[-1] == ("Er werd 3.177,00 EUR te veel betaald (48.177,00 EUR - 45.000,00 EUR). "
                                "Stad Maaseik betaalt dit als trekker van het samenwerkingsverband terug.")


def test_partnership_balance_goes_to_the_lead():
    result = balance("60295.00", "120590.00", "120590.00", "60295.00", "60295.00", ["36177.00"],
                     recipient="Stad Maaseik", partnership=True)
    assert result.lines[-1] == ("Saldo: 60.295,00 EUR - 36.177,00 EUR = 24.118,00 EUR, te betalen aan "
                                "Stad Maaseik, trekker van het samenwerkingsverband.")


def test_single_recipient_reclaim_line():
    result = balance("50000.00", "50000.00", "25000.00", "0", "0", ["30000.00"], recipient="CIBO")
    assert result.lines[-2:] == (
        "Reeds uitbetaald: 30.000,00 EUR.",
        "Er werd 5.000,00 EUR te veel betaald (30.000,00 EUR - 25.000,00 EUR). CIBO betaalt dit terug.",
    )


@pytest.mark.parametrize(("changes", "error"), [
    ({"awarded": -1}, ValueError),
    ({"spent": D("10.005")}, ValueError),            # money is in whole cents
    ({"paid": (D("-5.00"),)}, ValueError),
    ({"budget_total": D(0)}, ValueError),
    ({"recipient": "  "}, ValueError),
    ({"own_realised": 12.5}, TypeError),             # never float
])
def test_balance_input_is_refused_when_it_cannot_be_explained(changes, error):
    values = dict(awarded=D("60000.00"), budget_total=D("75000.00"), spent=D("60000.00"),
                  own_required=D("15000.00"), own_realised=D("15000.00"), recipient="Stad Gent")
    values.update(changes)
    with pytest.raises(error):
        BalanceInput(**values)


cents = st.integers(0, 10_000_000).map(lambda n: D(n) / 100)


@st.composite
def balance_inputs(draw):
    awarded = draw(cents)
    budget = awarded + draw(cents) + D("0.01")
    return BalanceInput(awarded=awarded, budget_total=budget, spent=draw(cents), own_required=draw(cents),
                        own_realised=draw(cents), recipient="Gemeente Zele",
                        paid=tuple(draw(st.lists(cents, max_size=3))), partnership=draw(st.booleans()))


@PROPERTY
@given(balance_inputs())
def test_balance_identities(data):
    result = compute_balance(data)
    assert result.balance + result.paid_total - result.reclaim == result.due
    assert D(0) <= result.due <= data.awarded
    assert result.due == result.due.quantize(D("0.01"))
    assert result.balance >= 0 and result.reclaim >= 0 and not (result.balance and result.reclaim)
    assert result.due <= result.spending_limit
    assert result.cofinancing_limit is None or result.due <= result.cofinancing_limit


@PROPERTY
@given(balance_inputs(), cents, cents)
def test_more_spending_or_co_financing_never_lowers_the_due(data, more_spent, more_own):
    richer = BalanceInput(awarded=data.awarded, budget_total=data.budget_total, spent=data.spent + more_spent,
                          own_required=data.own_required, own_realised=data.own_realised + more_own,
                          recipient=data.recipient, paid=data.paid)
    assert compute_balance(richer).due >= compute_balance(data).due


RULES_OF_THE_CALLS = [
    CofinancingRule(CofinancingKind.MULTIPLE_OF_SUBSIDY, D(1)),   # action plan
    CofinancingRule(CofinancingKind.SHARE_OF_TOTAL_COST, D(20)),  # regie-role
    CofinancingRule(CofinancingKind.SUBSIDY_MAX_SHARE, D(75)),    # EU fund
]


@PROPERTY
@given(st.sampled_from(RULES_OF_THE_CALLS), cents, cents, cents)
def test_due_meets_the_calls_rule_on_the_realised_own_contribution(rule, awarded, own_realised, extra):
    # own_required as the award computes it: the call's rule at the awarded amount
    own_required = minimum_own_contribution(rule, awarded)
    data = BalanceInput(awarded=awarded, budget_total=awarded + own_required + extra + D("0.01"),
                        spent=awarded + own_required + extra, own_required=own_required,
                        own_realised=own_realised, recipient="Stad Aalst")
    due = compute_balance(data).due
    assert check_cofinancing(rule, subsidy=due, own_contribution=own_realised).ok


# --------------------------------------------------------------------------- reminders

DUE = date(2027, 3, 31)


@pytest.mark.parametrize(("offset", "expected"), [
    (-30, None), (-15, None),
    (-14, ReminderKind.BEFORE_14), (-4, ReminderKind.BEFORE_14),
    (-3, ReminderKind.BEFORE_3), (0, ReminderKind.BEFORE_3),  # the due date itself is still "before"
    (1, ReminderKind.OVERDUE_1), (13, ReminderKind.OVERDUE_1),
    (14, ReminderKind.OVERDUE_14), (200, ReminderKind.OVERDUE_14),
])
def test_reminder_kind_by_day(offset, expected):
    proposals = reminders_due(DUE + timedelta(days=offset), [ReportDue(5, DUE, False)], set())
    assert proposals == ([] if expected is None else [(5, expected)])


def test_reminders_never_twice():
    report = [ReportDue(5, DUE, False)]
    assert reminders_due(DUE - timedelta(days=3), report, {(5, "before_3")}) == []
    assert reminders_due(DUE - timedelta(days=3), report, {(5, "before_14")}) == [(5, "before_3")]
    assert reminders_due(DUE + timedelta(days=20), report, {(5, "overdue_14")}) == []


def test_late_runs_send_only_the_latest_kind_of_each_side():
    report = [ReportDue(5, DUE, False)]
    # the job did not run from 20 days before: two days before only "before_3" goes out
    assert reminders_due(DUE - timedelta(days=2), report, set()) == [(5, "before_3")]
    # ... and the missed "before_14" is not sent afterwards
    assert reminders_due(DUE - timedelta(days=1), report, {(5, "before_3")}) == []
    # twenty days late with nothing sent: only "overdue_14"
    assert reminders_due(DUE + timedelta(days=20), report, set()) == [(5, "overdue_14")]


def test_submitted_reports_get_no_reminder_and_order_is_kept():
    reports = [ReportDue(3, DUE, False), ReportDue(1, DUE - timedelta(days=10), False),
               ReportDue(2, DUE, True), ReportDue(3, DUE, False)]
    assert reminders_due(DUE - timedelta(days=6), reports, set()) == [(3, "before_14"), (1, "overdue_1")]


def test_daily_runs_send_each_kind_once_on_its_day():
    sent: dict[tuple[int, str], date] = {}
    for offset in range(-30, 31):
        today = DUE + timedelta(days=offset)
        for reminder in reminders_due(today, [ReportDue(9, DUE, False)], set(sent)):
            sent[reminder] = today
    assert sent == {
        (9, "before_14"): date(2027, 3, 17), (9, "before_3"): date(2027, 3, 28),
        (9, "overdue_1"): date(2027, 4, 1), (9, "overdue_14"): date(2027, 4, 14),
    }
    assert all(isinstance(key, Reminder) for key in sent)


@PROPERTY
@given(st.lists(st.integers(-40, 40), unique=True, max_size=30), st.integers(-40, 40))
def test_any_run_pattern_never_repeats_a_reminder(run_offsets, submitted_from):
    sent: list[tuple[int, str]] = []
    for offset in sorted(run_offsets):
        report = ReportDue(4, DUE, offset >= submitted_from)
        proposals = reminders_due(DUE + timedelta(days=offset), [report], set(sent))
        assert len(proposals) <= 1
        assert not (report.submitted and proposals)
        sent.extend(proposals)
    assert len(sent) == len(set(sent))


# --------------------------------------------------------------------------- extensions


@pytest.mark.parametrize(("done", "allowed", "expected"), [
    (0, 3, None), (2, 3, None),
    (3, 3, "Het project werd al 3 keer verlengd; de oproep laat hoogstens 3 verlengingen toe."),
    (1, 1, "Het project werd al 1 keer verlengd; de oproep laat hoogstens 1 verlenging toe."),
    (0, 0, "De oproep laat geen verlenging van het project toe."),
])
def test_extension_allowed(done, allowed, expected):
    assert extension_allowed(done, allowed) == expected


def test_negative_extension_counts_are_refused():
    with pytest.raises(ValueError):
        extension_allowed(-1, 3)


@pytest.mark.parametrize(("end", "months", "expected"), [
    (date(2022, 6, 30), 12, (date(2022, 7, 1), date(2023, 6, 30))),  # regie-role 2021-2022, once more
    (date(2023, 2, 28), 12, (date(2023, 3, 1), date(2024, 2, 29))),  # into a leap year
    (date(2020, 2, 29), 12, (date(2020, 3, 1), date(2021, 2, 28))),
    (date(2017, 12, 31), 6, (date(2018, 1, 1), date(2018, 6, 30))),
])
def test_next_period(end, months, expected):
    assert next_period(end, months) == expected


def test_the_2015_round_extended_twice_for_a_year():
    # the 9 municipalities started on 1 March 2016 and were extended twice
    first_end = period_end(date(2016, 3, 1), 12)
    second = next_period(first_end, 12)
    third = next_period(second[1], 12)
    assert (first_end, second, third) == (
        date(2017, 2, 28), (date(2017, 3, 1), date(2018, 2, 28)), (date(2018, 3, 1), date(2019, 2, 28)))
    assert extension_allowed(2, 2) is not None


def test_extension_of_no_months_is_refused():
    with pytest.raises(ValueError):
        next_period(date(2024, 1, 31), 0)

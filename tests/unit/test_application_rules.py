"""Pure rules of an application: duration, budget totals, the checklist with real figures, next steps, states."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal as D

import pytest

from grants.applications.rules import (
    BudgetLineFigures, ChecklistInput, budget_totals, build_checklist, cost_category_choices, duration_months,
    failing, next_step, project_years, ready_to_submit, totals_difference_message,
)
from grants.applications.states import (
    APPLICATION_TRANSITIONS, DECIDED_STATUSES, EDITABLE_STATUSES, WITHDRAWABLE_STATUSES, ApplicationStatus as S,
    can_transition, refusal_message,
)
from grants.calls.rules import CofinancingKind, CofinancingRule, WaiverStatus

UTC = timezone.utc
OPENS = datetime(2017, 7, 1, 8, 0, tzinfo=UTC)
CLOSES = datetime(2017, 9, 29, 21, 59, tzinfo=UTC)  # 29 Sept 2017 23:59 Brussels (summer time)
NOW = datetime(2017, 9, 20, 10, 0, tzinfo=UTC)

ACTION_PLAN = CofinancingRule(CofinancingKind.MULTIPLE_OF_SUBSIDY, D(1))
REGIE_ROLE = CofinancingRule(CofinancingKind.SHARE_OF_TOTAL_COST, D(20), waiver_allowed=True)
NONE = CofinancingRule(CofinancingKind.NONE)


def _input(**overrides) -> ChecklistInput:
    values = dict(
        missing=(), requested=D("42464.00"), own_financial=D("4000.00"), own_staff=D("1000.00"),
        third_party=D("0.00"),
        lines=(BudgetLineFigures("staff", D("30000.00"), "Coördinator", D("0.5"), 18),
               BudgetLineFigures("operating", D("17464.00"), "Workshops")),
        eligible_categories=frozenset({"staff", "operating"}), max_amount=D("50000.00"), cofinancing=NONE,
        opens_at=OPENS, closes_at=CLOSES, now=NOW)
    values.update(overrides)
    return ChecklistInput(**values)


def _item(items, key):
    return next(i for i in items if i.key == key)


# --------------------------------------------------------------------------- duration and totals


@pytest.mark.parametrize("start, end, months", [
    (date(2018, 3, 1), date(2020, 2, 29), 24),  # counter-voices projects: at most two years
    (date(2022, 10, 1), date(2025, 9, 30), 36),
    (date(2021, 7, 1), date(2022, 6, 30), 12),  # regie-role 2021-2022
    (date(2027, 3, 15), date(2027, 4, 14), 1),
    (date(2027, 3, 15), date(2027, 4, 15), 2),  # a started month counts
    (date(2027, 3, 1), date(2027, 3, 1), 1),
])
def test_duration_in_months(start, end, months):
    assert duration_months(start, end) == months


def test_duration_needs_both_dates_in_order():
    assert duration_months(None, date(2027, 1, 1)) is None
    assert duration_months(date(2027, 2, 1), date(2027, 1, 1)) is None


@pytest.mark.parametrize("months, years", [(1, 1), (12, 1), (13, 2), (24, 2), (36, 3)])
def test_started_years_count_for_the_maximum_per_year(months, years):
    assert project_years(months) == years


def test_budget_totals_per_category_and_ineligible_costs():
    totals = budget_totals([BudgetLineFigures("staff", D("52345.67")), BudgetLineFigures("operating", D("0.01")),
                            BudgetLineFigures("staff", D("1000.00")), BudgetLineFigures("overhead", D("500.00"))],
                           eligible=["staff", "operating"])
    assert totals.per_category == {"staff": D("53345.67"), "operating": D("0.01"), "overhead": D("500.00")}
    assert totals.total == D("53845.68") and totals.eligible_total == D("53345.68")
    assert totals.ineligible == {"overhead": D("500.00")}


def test_no_eligible_list_means_every_category_is_allowed():
    assert budget_totals([BudgetLineFigures("overhead", D(1))]).ineligible == {}
    assert [code for code, _ in cost_category_choices([])][:2] == ["staff", "operating"]
    assert cost_category_choices(["staff"]) == [("staff", "personeelskosten")]


def test_totals_difference_message_to_the_cent():
    assert totals_difference_message(D("74999.98"), D("74999.99")) == (
        "De financiering (74.999,98 EUR) is 0,01 EUR minder dan de totale kost van de begroting (74.999,99 EUR). "
        "Subsidie en bijdragen moeten samen precies de totale kost dekken.")
    assert "0,10 EUR meer" in totals_difference_message(D("100.10"), D("100.00"))


# --------------------------------------------------------------------------- the checklist


def test_a_complete_counter_voices_application_passes_every_item():
    items = build_checklist(_input())
    assert ready_to_submit(items) and not failing(items)
    assert [i.key for i in items] == ["required", "max_amount", "cofinancing", "eligible_costs", "totals", "deadline"]
    assert _item(items, "totals").detail == (
        "Gevraagde subsidie 42.464,00 EUR + eigen financiële inbreng 4.000,00 EUR + eigen personeelsinzet "
        "1.000,00 EUR + bijdragen van derden 0,00 EUR = totale kost 47.464,00 EUR.")
    assert _item(items, "deadline").detail == "Nog 9 dagen en 11 uur om in te dienen."


def test_missing_fields_are_named():
    item = _item(build_checklist(_input(missing=("titel", "probleemanalyse"))), "required")
    assert item.state == "fail" and item.detail == "Nog in te vullen: titel, probleemanalyse."


def test_maximum_amount_exceeded_by_one_cent():
    item = _item(build_checklist(_input(requested=D("50000.01"))), "max_amount")
    assert item.state == "fail" and "(0,01 EUR te veel)" in item.detail


def test_maximum_per_year_with_the_project_duration():
    data = _input(requested=D("120000.00"), max_amount=D("180000.00"), max_amount_per_year=D("60000.00"),
                  duration_months=24, own_financial=D("30000.00"), own_staff=D("0.00"),
                  lines=(BudgetLineFigures("staff", D("150000.00")),))
    assert _item(build_checklist(data), "max_per_year").state == "ok"
    item = _item(build_checklist(_input(requested=D("120000.01"), max_amount=D("180000.00"),
                                        max_amount_per_year=D("60000.00"), duration_months=24)), "max_per_year")
    assert item.state == "fail"
    assert item.detail == ("Voor 2 jaren is hoogstens 120.000,00 EUR mogelijk (60.000,00 EUR per jaar); u vraagt "
                           "120.000,01 EUR (0,01 EUR te veel).")
    assert _item(build_checklist(_input(max_amount_per_year=D("60000"))), "max_per_year").state == "fail"


def test_duration_bounds():
    item = _item(build_checklist(_input(duration_months=25, max_duration_months=24)), "duration")
    assert item.state == "fail" and item.detail == "Het project duurt 25 maanden; toegelaten is hoogstens 24 maanden."
    assert _item(build_checklist(_input(duration_months=24, max_duration_months=24)), "duration").state == "ok"


@pytest.mark.parametrize("months, low, high, state, detail", [
    (1, None, 24, "ok", "Het project duurt 1 maand (hoogstens 24 maanden)."),
    (12, 6, None, "ok", "Het project duurt 12 maanden (minstens 6 maanden)."),
    (5, 6, 24, "fail", "Het project duurt 5 maanden; toegelaten is minstens 6 en hoogstens 24 maanden."),
    (1, 6, None, "fail", "Het project duurt 1 maand; toegelaten is minstens 6 maanden."),
    (None, 6, 24, "fail", "Vul een begin- en einddatum in (de projectduur is minstens 6 en hoogstens 24 maanden)."),
])
def test_duration_sentences(months, low, high, state, detail):
    item = _item(build_checklist(_input(duration_months=months, min_duration_months=low, max_duration_months=high)),
                 "duration")
    assert (item.state, item.detail) == (state, detail)


@pytest.mark.parametrize("months, detail", [
    (12, "Voor 1 jaar is hoogstens 60.000,00 EUR mogelijk (60.000,00 EUR per jaar)."),
    (13, "Voor 2 jaren is hoogstens 120.000,00 EUR mogelijk (60.000,00 EUR per jaar)."),
])
def test_maximum_per_year_singular_and_plural(months, detail):
    data = _input(max_amount_per_year=D("60000.00"), duration_months=months)
    assert _item(build_checklist(data), "max_per_year").detail == detail


def test_eligible_cost_lines_singular_and_plural():
    one = _input(lines=(BudgetLineFigures("staff", D("47464.00")),))
    assert _item(build_checklist(one), "eligible_costs").detail == \
        "De kostenpost valt onder een toegelaten kostensoort (personeelskosten)."
    two = _item(build_checklist(_input()), "eligible_costs").detail
    assert two == "Alle 2 kostenposten vallen onder de toegelaten kostensoorten (personeelskosten, werkingskosten)."


def test_action_plan_cofinancing_at_the_requested_amount():
    """Action plan 2022: 25.000 subsidy needs at least 25.000 own contribution (financial or staff)."""
    lines = (BudgetLineFigures("staff", D("35000.00")), BudgetLineFigures("operating", D("14999.99")))
    data = _input(requested=D("25000.00"), own_financial=D("10000.00"), own_staff=D("14999.99"), lines=lines,
                  cofinancing=ACTION_PLAN, max_amount=D("25000.00"))
    item = _item(build_checklist(data), "cofinancing")
    assert item.state == "fail"
    assert item.detail == ("De eigen bijdrage van 24.999,99 EUR is te laag: minstens 25.000,00 EUR is vereist "
                           "(tekort: 0,01 EUR). Minimale eigen bijdrage bij deze subsidie: 25.000,00 EUR.")
    assert item.figures["minimum_own"] == D("25000.00") and item.figures["shortfall"] == D("0.01")
    ok = _input(requested=D("25000.00"), own_financial=D("10000.00"), own_staff=D("15000.00"), cofinancing=ACTION_PLAN,
                lines=(BudgetLineFigures("staff", D("35000.00")), BudgetLineFigures("operating", D("15000.00"))),
                max_amount=D("25000.00"))
    assert ready_to_submit(build_checklist(ok))


def test_regie_role_cofinancing_20_percent_of_total_cost_and_the_waiver():
    lines = (BudgetLineFigures("staff", D("60000.00")), BudgetLineFigures("operating", D("14999.99")))
    base = dict(requested=D("60000.00"), own_financial=D("14999.99"), own_staff=D("0.00"), lines=lines,
                cofinancing=REGIE_ROLE, max_amount=D("60000.00"))
    item = _item(build_checklist(_input(**base)), "cofinancing")
    # 20% of 74.999,99 = 14.999,998: the minimum is 15.000,00 (rounded up), 0,01 short.
    assert item.state == "fail" and "minstens 15.000,00 EUR is vereist (tekort: 0,01 EUR)" in item.detail
    assert "U kunt een gemotiveerde afwijking aanvragen." in item.detail
    requested = _item(build_checklist(_input(**base, waiver=WaiverStatus.REQUESTED,
                                             waiver_motivation="Financieel toezicht.")), "cofinancing")
    assert requested.state == "warn" and requested.ok
    no_motivation = _item(build_checklist(_input(**base, waiver=WaiverStatus.REQUESTED)), "cofinancing")
    assert no_motivation.state == "fail"
    accepted = _item(build_checklist(_input(**base, waiver=WaiverStatus.ACCEPTED)), "cofinancing")
    assert accepted.state == "ok"
    refused = _item(build_checklist(_input(**base, waiver=WaiverStatus.REFUSED, waiver_motivation="x")),
                    "cofinancing")
    assert refused.state == "fail"


def test_totals_must_add_up_exactly_and_show_the_difference():
    item = _item(build_checklist(_input(own_staff=D("999.99"))), "totals")
    assert item.state == "fail" and item.figures["difference"] == D("-0.01")
    assert "0,01 EUR minder" in item.detail
    empty = _item(build_checklist(_input(lines=(), requested=D("0"), own_financial=D("0"), own_staff=D("0"))),
                  "totals")
    assert empty.state == "fail"


def test_ineligible_cost_categories():
    data = _input(lines=(BudgetLineFigures("staff", D("46464.00")), BudgetLineFigures("overhead", D("1000.00"))))
    item = _item(build_checklist(data), "eligible_costs")
    assert item.state == "fail"
    assert item.detail == ("Deze kosten komen niet in aanmerking in deze oproep: overhead- en structurele kosten "
                           "(1.000,00 EUR).")
    assert _item(build_checklist(_input(lines=())), "eligible_costs").detail == \
        "Voeg minstens één kostenpost toe aan de begroting."


def test_bank_letter_item_only_when_needed():
    assert "bank_letter" not in [i.key for i in build_checklist(_input())]
    assert _item(build_checklist(_input(bank_letter_needed=True)), "bank_letter").state == "fail"
    assert _item(build_checklist(_input(bank_letter_needed=True, bank_letter_present=True)), "bank_letter").ok


def test_deadline_at_the_exact_instant():
    assert _item(build_checklist(_input(now=CLOSES - timedelta(microseconds=1))), "deadline").state == "ok"
    closed = _item(build_checklist(_input(now=CLOSES)), "deadline")
    assert closed.state == "fail" and closed.detail == "De indieningstermijn is afgelopen op 29-09-2017 om 23:59."
    early = _item(build_checklist(_input(now=OPENS - timedelta(seconds=1))), "deadline")
    assert early.state == "fail" and early.detail.startswith("De oproep opent op 01-07-2017")
    unpublished = _item(build_checklist(_input(call_published=False)), "deadline")
    assert unpublished.state == "fail" and unpublished.detail == "De oproep staat niet open voor indiening."


def test_reopened_for_more_information_until_its_own_date():
    until = datetime(2017, 11, 15, 22, 59, tzinfo=UTC)  # 15 Nov 23:59 Brussels
    after_close = CLOSES + timedelta(days=20)
    item = _item(build_checklist(_input(now=after_close, reopened_until=until)), "deadline")
    assert item.state == "ok" and item.detail.startswith("Aanvullen en opnieuw indienen kan tot 15-11-2017 om 23:59")
    late = _item(build_checklist(_input(now=until, reopened_until=until)), "deadline")
    assert late.state == "fail" and late.detail == "De termijn om aan te vullen is afgelopen op 15-11-2017 om 23:59."


# --------------------------------------------------------------------------- next steps


def test_next_step_for_every_status():
    for status in S:
        text = next_step(status, closes_at=CLOSES, call_open=True, due_at=CLOSES, now=NOW, reason="Te laat.")
        assert text and text[0].isupper() and text.endswith((".", ")")), status
    assert next_step(S.DRAFT, closes_at=CLOSES, call_open=True) == \
        "Vul de aanvraag aan en dien ze in vóór 29-09-2017 om 23:59."
    assert next_step(S.DRAFT, closes_at=CLOSES, call_open=False) == "Niet ingediend: de indieningstermijn is voorbij."
    assert next_step(S.INADMISSIBLE, reason="Geen cofinanciering.") == "Onontvankelijk: Geen cofinanciering."
    assert "vóór 29-09-2017 om 23:59" in next_step(S.INFO_REQUESTED, due_at=CLOSES, now=NOW)
    assert "voorbij" in next_step(S.INFO_REQUESTED, due_at=CLOSES, now=CLOSES)


# --------------------------------------------------------------------------- the status table


EXPECTED = {
    S.DRAFT: {S.SUBMITTED, S.WITHDRAWN},
    S.SUBMITTED: {S.ADMISSIBLE, S.INADMISSIBLE, S.INFO_REQUESTED, S.WITHDRAWN},
    S.INFO_REQUESTED: {S.SUBMITTED, S.WITHDRAWN, S.INADMISSIBLE},
    S.ADMISSIBLE: {S.UNDER_REVIEW, S.AWARDED, S.REJECTED, S.WAITLISTED, S.INADMISSIBLE, S.WITHDRAWN},
    S.INADMISSIBLE: {S.ADMISSIBLE},
    S.UNDER_REVIEW: {S.AWARDED, S.REJECTED, S.WAITLISTED, S.WITHDRAWN},
    S.WAITLISTED: {S.AWARDED, S.REJECTED},
    S.AWARDED: {S.RUNNING},
    S.REJECTED: set(),
    S.RUNNING: {S.CLOSED},
    S.CLOSED: set(),
    S.WITHDRAWN: set(),
}


@pytest.mark.parametrize("current", list(S))
def test_every_transition_allowed_or_refused(current):
    for target in S:
        assert can_transition(current, target) == (target in EXPECTED[current]), (current, target)
    assert set(APPLICATION_TRANSITIONS[current]) == EXPECTED[current]


def test_withdrawal_possible_exactly_until_a_decision():
    assert WITHDRAWABLE_STATUSES == {S.DRAFT, S.SUBMITTED, S.INFO_REQUESTED, S.ADMISSIBLE, S.UNDER_REVIEW}
    assert not WITHDRAWABLE_STATUSES & DECIDED_STATUSES
    assert EDITABLE_STATUSES == {S.DRAFT, S.INFO_REQUESTED}


def test_refusal_message_is_dutch():
    assert refusal_message(S.AWARDED, S.WITHDRAWN) == \
        "Een aanvraag met status 'toegekend' kan niet naar 'ingetrokken' gaan."

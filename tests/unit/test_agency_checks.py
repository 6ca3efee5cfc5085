"""The agency's view of the rules: the screening checklist (the applicant's checklist, with the deadline
item saying when the application was handed in), the agency's next step, and the waiver status a save
of the financing leads to (shared by the save and the live check)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal as D

import pytest

from grants.applications.rules import (
    BudgetLineFigures, ChecklistInput, agency_next_step, build_checklist, screening_checklist,
)
from grants.applications.sections import waiver_after
from grants.applications.states import ApplicationStatus as S
from grants.calls.rules import CofinancingKind, CofinancingRule, WaiverStatus

OPENS = datetime(2027, 7, 1, 8, 0, tzinfo=timezone.utc)
CLOSES = datetime(2027, 9, 29, 21, 59, tzinfo=timezone.utc)  # 23:59 in Brussels (summer time)
LATER = CLOSES + timedelta(days=30)


def _input(**overrides) -> ChecklistInput:
    values = dict(
        missing=(), requested=D("20000.00"), own_financial=D("20000.00"), own_staff=D("0.00"), third_party=D("0.00"),
        lines=(BudgetLineFigures("operating", D("40000.00"), "Campagne"),),
        eligible_categories=frozenset({"staff", "operating"}), max_amount=D("25000.00"),
        cofinancing=CofinancingRule(CofinancingKind.MULTIPLE_OF_SUBSIDY, D("1")),
        opens_at=OPENS, closes_at=CLOSES, now=LATER)
    values.update(overrides)
    return ChecklistInput(**values)


def _deadline(items):
    return next(i for i in items if i.key == "deadline")


def test_a_draft_keeps_the_applicants_deadline_item():
    data = _input()
    assert screening_checklist(data, None) == build_checklist(data)


def test_handed_in_before_the_closing_is_in_order_even_after_the_call_closed():
    applicant = _deadline(build_checklist(_input()))
    agency = _deadline(screening_checklist(_input(), CLOSES - timedelta(days=1)))
    assert applicant.state == "fail"  # to the applicant: the deadline has passed
    assert agency.state == "ok"
    assert agency.detail == ("Ingediend op 28-09-2027 om 23:59, vóór de sluiting van de oproep "
                             "(29-09-2027 om 23:59).")


def test_handed_in_after_the_closing_is_a_warning_for_the_agency():
    agency = _deadline(screening_checklist(_input(), CLOSES + timedelta(minutes=1)))
    assert agency.state == "warn" and "na de sluiting van de oproep" in agency.detail


def test_the_other_items_are_the_applicants():
    data = _input(requested=D("25000.00"), own_financial=D("15000.00"))
    applicant = [i for i in build_checklist(data) if i.key != "deadline"]
    agency = [i for i in screening_checklist(data, CLOSES - timedelta(days=1)) if i.key != "deadline"]
    assert agency == applicant
    assert next(i for i in agency if i.key == "cofinancing").state == "fail"


@pytest.mark.parametrize("status, text", [
    (S.DRAFT, "Nog niet ingediend: de aanvrager werkt eraan."),
    (S.SUBMITTED, "Onderzoek de ontvankelijkheid, of vraag aanvullende informatie."),
    (S.UNDER_REVIEW, "De jury beoordeelt; beslis na de rangschikking."),
    (S.INADMISSIBLE, "Onontvankelijk; u kunt de screening herzien."),
])
def test_agency_next_step(status, text):
    assert agency_next_step(status) == text


def test_agency_next_step_while_and_after_more_information_is_asked():
    due = datetime(2027, 10, 15, 21, 59, tzinfo=timezone.utc)
    assert agency_next_step(S.INFO_REQUESTED, due_at=due, now=due - timedelta(days=1)) == \
        "Wacht op de aanvulling van de aanvrager, tot 15-10-2027 om 23:59."
    assert agency_next_step(S.INFO_REQUESTED, due_at=due, now=due + timedelta(minutes=1)) == \
        "De termijn om aan te vullen is voorbij: beslis over de ontvankelijkheid."


N, R, A, F = WaiverStatus.NONE, WaiverStatus.REQUESTED, WaiverStatus.ACCEPTED, WaiverStatus.REFUSED


@pytest.mark.parametrize("current, saved, typed, expected", [
    (N, "", "", N),
    (N, "", "Onder toezicht.", R),  # a new motivation asks for a waiver
    (R, "Onder toezicht.", "Onder toezicht.", R),
    (R, "Onder toezicht.", "", N),  # emptied: the request is withdrawn
    (A, "Onder toezicht.", "Onder toezicht.", A),  # a decision stays while the motivation does
    (A, "Onder toezicht.", "Anders gemotiveerd.", R),  # a changed motivation is a new request
    (F, "Onder toezicht.", "", F),  # emptied after a refusal: the refusal stays on record
])
def test_waiver_status_after_a_financing_save(current, saved, typed, expected):
    assert waiver_after(current, saved, typed) is expected
